"""Usage rules without storage: local days and months (common/usage/periods.py, shared by the ledger and the usage
function), which budget applies (common/usage/budgets.py, the same for enforcement and GET /usage), the CSV file."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from common.auth import Caller
from common.errors import ValidationFailedError
from common.runtime_config import BudgetLimits, Budgets
from common.usage import periods
from common.usage.budgets import Limits, override_limits, resolve_limits
from usage import csv_export
from usage.counters import Counters
from usage.listing import Row, requested

SEOUL, NEW_YORK = ZoneInfo("Asia/Seoul"), ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("now", "day", "day_resets", "month", "month_resets"),
    [
        # 23:59:59 UTC on 30 November is 08:59:59 on 1 December in Seoul: a new day and a new month there.
        (datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC), "2026-12-01", "2026-12-02T00:00:00+09:00", "2026-12", "2027-01-01T00:00:00+09:00"),
        (datetime(2026, 11, 30, 14, 59, 59, tzinfo=UTC), "2026-11-30", "2026-12-01T00:00:00+09:00", "2026-11", "2026-12-01T00:00:00+09:00"),
        (datetime(2026, 11, 30, 15, 0, 0, tzinfo=UTC), "2026-12-01", "2026-12-02T00:00:00+09:00", "2026-12", "2027-01-01T00:00:00+09:00"),
        (datetime(2028, 2, 28, 15, 0, 0, tzinfo=UTC), "2028-02-29", "2028-03-01T00:00:00+09:00", "2028-02", "2028-03-01T00:00:00+09:00"),
    ],
)
def test_given_an_instant_then_the_seoul_day_and_month_and_their_resets(now, day, day_resets, month, month_resets):
    today, this_month = periods.current("day", now, SEOUL), periods.current("month", now, SEOUL)
    assert (today.label, periods.iso(today.resets_at), today.key) == (day, day_resets, f"DAY#{day}")
    assert (this_month.label, periods.iso(this_month.resets_at), this_month.key) == (month, month_resets, f"MONTH#{month}")


@pytest.mark.parametrize(
    ("now", "label", "hours", "resets_at"),
    [
        (datetime(2026, 3, 8, 12, tzinfo=UTC), "2026-03-08", 23, "2026-03-09T00:00:00-04:00"),  # clocks go forward at 02:00
        (datetime(2026, 11, 1, 12, tzinfo=UTC), "2026-11-01", 25, "2026-11-02T00:00:00-05:00"),  # clocks go back at 02:00
        (datetime(2026, 3, 9, 3, 59, tzinfo=UTC), "2026-03-08", 23, "2026-03-09T00:00:00-04:00"),  # 23:59 EDT, still the 8th
    ],
)
def test_given_a_zone_with_daylight_saving_then_days_of_23_and_25_hours_reset_at_local_midnight(now, label, hours, resets_at):
    today = periods.current("day", now, NEW_YORK)
    assert (today.label, periods.iso(today.resets_at)) == (label, resets_at)
    # Aware datetimes of one zone subtract as wall times in Python: the real length is measured in UTC.
    assert (today.resets_at.astimezone(UTC) - today.starts_at.astimezone(UTC)).total_seconds() == hours * 3600


@pytest.mark.parametrize(("kind", "text"), [("day", "2026-02-29"), ("day", "2026-11"), ("month", "2026-13"), ("month", "2026-11-01")])
def test_given_a_date_that_is_not_a_real_period_then_a_400_naming_date(kind, text):
    with pytest.raises(ValidationFailedError) as raised:
        requested(kind, text, datetime(2026, 11, 24, tzinfo=UTC), SEOUL)
    assert raised.value.details[0]["field"] == "query.date"


BUDGETS = Budgets(
    default=BudgetLimits(tokens_per_day=200_000, usd_per_month=20),
    groups={
        "admin": BudgetLimits(unlimited=True),
        "research": BudgetLimits(tokens_per_day=1_000_000),
        "interns": BudgetLimits(usd_per_month=5),
    },
)


@pytest.mark.parametrize(
    ("groups", "overrides", "expected"),
    [
        (set(), {}, Limits(200_000, 20_000_000)),  # in no listed group: the default
        ({"sales"}, {}, Limits(200_000, 20_000_000)),
        ({"research"}, {}, Limits(1_000_000, 20_000_000)),  # the group's own limit; the other one inherited
        ({"research", "interns"}, {}, Limits(1_000_000, 20_000_000)),  # the most generous of the two per budget
        ({"interns"}, {}, Limits(200_000, 5_000_000)),
        ({"interns", "admin"}, {}, Limits(None, None)),
        ({"interns"}, {"GROUP#interns": {"usd_per_month": 7.25}}, Limits(200_000, 7_250_000)),  # override beats config
        ({"sales"}, {"GROUP#sales": {"tokens_per_day": 50}}, Limits(50, 20_000_000)),  # a group only an override names
        ({"interns"}, {"GROUP#interns": {"usd_per_month": 7}, "USER#me": {"tokens_per_day": 10}}, Limits(10, 7_000_000)),
        ({"admin"}, {"USER#me": {"usd_per_month": 1}}, Limits(None, 1_000_000)),  # the user's own override comes last
        ({"interns"}, {"USER#me": {"unlimited": True}}, Limits(None, None)),
        ({"interns"}, {"USER#someone-else": {"unlimited": True}}, Limits(200_000, 5_000_000)),
    ],
)
def test_given_groups_and_overrides_then_the_contracts_order_decides_the_limits(groups, overrides, expected):
    parsed = {key: override_limits(fields) for key, fields in overrides.items()}
    assert resolve_limits(BUDGETS, Caller("me", frozenset(groups)), parsed) == expected


def test_given_a_row_then_counters_by_model_and_committed_falls_back_to_what_was_settled():
    nova = "model#us.amazon.nova-lite-v1:0#"
    item = {
        "pk": "USER#x",
        "cost_micro_usd": 30,
        "input_tokens": 5,
        "output_tokens": 6,
        "cache_read_tokens": 7,
        "cache_write_tokens": 8,
        f"{nova}cost_micro_usd": 30,
        f"{nova}output_tokens": 6,
        "model#bad": 1,
    }
    counters = Counters.from_item(item)
    assert (counters.total_tokens, counters.committed_tokens, counters.committed_micro_usd) == (26, 26, 30)
    assert counters.view()["models"] == [
        {
            "model_id": "us.amazon.nova-lite-v1:0",
            "cost_micro_usd": 30,
            "cost_usd": 0.00003,
            "input_tokens": 0,
            "output_tokens": 6,
            "images": 0,
        }
    ]


def test_given_korean_names_and_formula_like_text_then_the_csv_keeps_the_names_and_defuses_the_formulas():
    rows = [Row("sub-1", Counters.from_item({"cost_micro_usd": 1_500_000, "input_tokens": 10})), Row("sub-2", Counters())]
    people: dict[str, dict[str, str | None]] = {
        "sub-1": {"email": "kim@example.com", "name": "김민준"},
        "sub-2": {"email": None, "name": '=HYPERLINK("x")'},
    }

    text = csv_export.render(rows, people, "2026-11-24")

    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark Excel looks for
    assert "\r\n" in text
    records = list(csv.DictReader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"))))
    assert list(records[0]) == list(csv_export.COLUMNS)
    assert (records[0]["name"], records[0]["cost_usd"], records[0]["total_tokens"]) == ("김민준", "1.500000", "10")
    assert (records[1]["name"], records[1]["email"]) == ('\'=HYPERLINK("x")', "")


def test_given_prompt_caching_savings_then_the_csv_has_the_saving_in_dollars_and_micro_dollars_as_numbers():
    saved = Counters.from_item({"cost_micro_usd": 900, "cache_read_tokens": 4_000, "cache_saved_micro_usd": 1_234_567})
    writes_first = Counters.from_item({"cost_micro_usd": 1_300, "cache_write_tokens": 4_000, "cache_saved_micro_usd": -10})
    rows = [Row("sub-1", saved), Row("sub-2", writes_first), Row("sub-3", Counters())]

    text = csv_export.render(rows, {}, "2026-11-24")

    header = text.lstrip("\ufeff").split("\r\n", 1)[0].split(",")
    assert header.index("cache_saved_usd") == header.index("cache_write_tokens") + 1  # beside the cache counters
    assert header.index("cache_saved_micro_usd") == header.index("cache_saved_usd") + 1  # dollars, then micro-dollars, as cost
    records = list(csv.DictReader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"))))
    got = [(r["cache_saved_usd"], r["cache_saved_micro_usd"]) for r in records]
    # The usage views' saving (the row's cache_saved_micro_usd); a negative one stays a number, not a defused formula.
    assert got == [("1.234567", "1234567"), ("-0.000010", "-10"), ("0.000000", "0")]
