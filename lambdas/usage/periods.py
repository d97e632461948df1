"""Days and months in the configured zone (config `budgets.time_zone`): their storage keys and reset instants.

Lambda's own zone is UTC (TZ is a reserved variable: https://docs.aws.amazon.com/lambda/latest/dg/current-supported-versions.html),
so every local day is worked out from an aware instant and an explicit ZoneInfo. A day ends at the next local
midnight and a month on the 1st of the next month at local midnight, whatever the zone's offset does in between
(DST zones included: the instant is converted with the offset in force at that wall time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from common.errors import ValidationFailedError

PeriodKind = Literal["day", "month"]
DAY_PREFIX = "DAY#"
MONTH_PREFIX = "MONTH#"


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


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def day_of(day: date, zone: ZoneInfo) -> Period:
    return Period("day", day.isoformat(), _midnight(day, zone), _midnight(day + timedelta(days=1), zone))


def month_of(day: date, zone: ZoneInfo) -> Period:
    first = day.replace(day=1)
    return Period("month", first.isoformat()[:7], _midnight(first, zone), _midnight(_next_month(first), zone))


def current(kind: PeriodKind, now: datetime, zone: ZoneInfo) -> Period:
    """The day or month `now` falls in, in `zone`."""
    local = now.astimezone(zone).date()
    return day_of(local, zone) if kind == "day" else month_of(local, zone)


def requested(kind: PeriodKind, text: str | None, now: datetime, zone: ZoneInfo) -> Period:
    """`date` of GET /admin/usage: YYYY-MM-DD for a day, YYYY-MM for a month; absent: the current one."""
    if text is None:
        return current(kind, now, zone)
    expected = "YYYY-MM-DD" if kind == "day" else "YYYY-MM"
    try:
        if kind == "day" and len(text) == 10:
            return day_of(date.fromisoformat(text), zone)
        if kind == "month" and len(text) == 7:
            return month_of(date.fromisoformat(text + "-01"), zone)
    except ValueError:
        pass
    raise ValidationFailedError(
        "the request is not valid: see details",
        details=[{"field": "query.date", "message": f"period={kind} takes a date written {expected} (a real {kind}); got {text!r}"}],
    )


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
