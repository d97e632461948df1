"""Days and months in the configured time zone (config `budgets.time_zone`): their row keys, reset instants and TTL.

One module for both sides of the usage table: the ledger (common/usage/ledger.py) writes the rows of the day and
month an instant falls in, the usage function (lambdas/usage/) reads them back and says when each budget resets.

Lambda's own zone is UTC and `TZ` is reserved (https://docs.aws.amazon.com/lambda/latest/dg/current-supported-versions.html),
so local days are worked out from an aware instant in an explicit ZoneInfo, never from the process's zone. A day ends
at the next local midnight, a month at 00:00 on the 1st of the next month; across a daylight-saving change the local
midnight is converted to UTC with the offset in force then (a 23- or 25-hour day). Row keys carry the local date, so
a new period is a new row: nothing has to be reset. TTL (`expires_at`, epoch seconds) removes old rows "typically
within two days" after it passes (UpdateTimeToLive); it is set far past the period so a row is never deleted while
it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

PeriodKind = Literal["day", "month"]
DAY_PREFIX = "DAY#"
MONTH_PREFIX = "MONTH#"
DAY_ROW_DAYS = 35  # a day row is kept 35 days after its day ends
MONTH_ROW_DAYS = 400  # a month row 400 days after its month ends


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    label: str  # 2026-11-24 or 2026-11
    starts_at: datetime  # aware, in the zone
    resets_at: datetime  # the next period's start, aware, in the zone

    @property
    def key(self) -> str:
        """The sort key of a user's row, and the `period` (by_period index) of every user's row."""
        return (DAY_PREFIX if self.kind == "day" else MONTH_PREFIX) + self.label

    @property
    def expires_at(self) -> int:
        """The row's TTL, epoch seconds."""
        kept = DAY_ROW_DAYS if self.kind == "day" else MONTH_ROW_DAYS
        return int(self.resets_at.timestamp()) + kept * 86_400

    def seconds_left(self, now: datetime) -> int:
        """Whole seconds to the reset (at least 1): Retry-After."""
        return max(1, int((self.resets_at - now).total_seconds() + 0.999))


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def day(local: date, zone: ZoneInfo) -> Period:
    return Period("day", local.isoformat(), _midnight(local, zone), _midnight(local + timedelta(days=1), zone))


def month(local: date, zone: ZoneInfo) -> Period:
    first = local.replace(day=1)
    return Period("month", first.isoformat()[:7], _midnight(first, zone), _midnight(_next_month(first), zone))


def current(kind: PeriodKind, now: datetime, zone: ZoneInfo) -> Period:
    """The day or month `now` (aware) falls in, in `zone`."""
    local = now.astimezone(zone).date()
    return day(local, zone) if kind == "day" else month(local, zone)


def day_of(now: datetime, zone: ZoneInfo) -> Period:
    return current("day", now, zone)


def month_of(now: datetime, zone: ZoneInfo) -> Period:
    return current("month", now, zone)


def parse(kind: PeriodKind, text: str) -> date | None:
    """The first local date of the period `text` names (YYYY-MM-DD for a day, YYYY-MM for a month); None when it
    is not one (a wrong length, or a date that does not exist)."""
    try:
        if kind == "day" and len(text) == 10:
            return date.fromisoformat(text)
        if kind == "month" and len(text) == 7:
            return date.fromisoformat(text + "-01")
    except ValueError:
        pass
    return None


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
