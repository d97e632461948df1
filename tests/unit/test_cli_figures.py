"""The figures the usage commands show (ui/cli/figures.py), and which API messages count as already bilingual."""

from __future__ import annotations

import pytest

from ui.cli.exits import api_line
from ui.cli.figures import dollars, micro_dollars, table, until, zone_time


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "$0"),
        (20.0, "$20.00"),
        (1234.565, "$1,234.57"),
        (0.999, "$1.00"),
        (0.25, "$0.25"),
        (0.123456, "$0.12"),
        (0.042, "$0.042"),
        (0.002, "$0.0020"),
        (0.000062, "$0.000062"),
        (0.000001, "$0.000001"),
        (0.0000004, "<$0.000001"),
    ],
)
def test_given_an_amount_in_dollars_then_two_decimals_from_a_dollar_and_two_significant_digits_below(amount, shown):
    assert dollars(amount) == shown


def test_given_micro_usd_then_the_same_without_float_rounding():
    assert micro_dollars(2_042_500) == "$2.04"
    assert micro_dollars(41_979) == "$0.042"
    assert micro_dollars(500) == "$0.00050"
    assert micro_dollars(None) == "$0"


def test_given_the_apis_times_then_they_stay_in_their_zone_and_the_wait_is_rounded_up():
    assert zone_time("2026-11-26T00:00:00+09:00") == "2026-11-26 00:00"
    assert until("2026-11-26T00:00:00+09:00", "2026-11-25T18:47:30+09:00") == "5 h 13 min"
    assert until("2026-12-01T00:00:00+09:00", "2026-11-27T23:51:00+09:00") == "3 d 0 h"
    assert until("2026-11-26T00:00:00+09:00", "2026-11-25T23:59:59+09:00") == "1 min"
    assert until("not a time", "2026-11-25T23:59:59+09:00") == ""


def test_given_hangul_then_columns_line_up_in_terminal_cells_with_numbers_on_the_right():
    shown = table(["이름 / Name", "비용 / Cost"], [["김민준", "$2.00"], ["Lee", "$0.042"]], right=frozenset({1}))
    assert shown == [
        "이름 / Name  비용 / Cost",
        "-----------  -----------",
        "김민준             $2.00",
        "Lee               $0.042",
    ]


def test_given_an_english_message_quoting_korean_data_then_it_gets_the_korean_headline():
    body = {"error": {"code": "not_found", "message": "no budget override for group '인턴'"}, "request_id": "r"}
    assert api_line(body, 404) == "찾을 수 없습니다 / 404 not_found: no budget override for group '인턴' (request id r)"
    bilingual = {"error": {"code": "budget_exceeded", "message": "오늘의 토큰 예산을 넘게 됩니다. / Over budget."}, "request_id": "r"}
    assert api_line(bilingual, 429) == "오늘의 토큰 예산을 넘게 됩니다. / Over budget. (429 budget_exceeded, request id r)"
