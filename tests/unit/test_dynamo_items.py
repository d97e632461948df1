"""common/dynamo_items.py: Python values to the low-level client's attribute values and back, as every store uses them."""

from __future__ import annotations

from decimal import Decimal

from common.dynamo_items import plain, typed


def test_given_floats_at_any_depth_then_typed_sends_them_as_dynamodb_numbers_instead_of_failing():
    item = typed({"cost": 0.25, "usage": {"share": 0.5, "parts": [1.5, 2]}, "name": "대화"})
    assert item["cost"] == {"N": "0.25"}
    assert item["usage"] == {"M": {"share": {"N": "0.5"}, "parts": {"L": [{"N": "1.5"}, {"N": "2"}]}}}
    assert item["name"] == {"S": "대화"}


def test_given_an_item_read_back_then_whole_numbers_are_ints_and_fractions_floats_at_any_depth():
    item = {"turns": {"N": "3"}, "usage": {"M": {"input_tokens": {"N": "12"}, "ratio": {"N": "0.75"}}}, "tags": {"L": [{"N": "1"}]}}
    assert plain(item) == {"turns": 3, "usage": {"input_tokens": 12, "ratio": 0.75}, "tags": [1]}
    assert all(not isinstance(v, Decimal) for v in plain(item)["usage"].values())


def test_given_a_round_trip_then_values_come_back_equal():
    values = {"pk": "USER#a", "n": 7, "price": 1.25, "nested": {"list": [0.5, "x"]}, "flag": True}
    assert plain(typed(values)) == values
