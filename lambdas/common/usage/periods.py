"""Where a day and a month begin and end, in the configured time zone (config `budgets.time_zone`).

Lambda's own zone is UTC and `TZ` is reserved (https://docs.aws.amazon.com/lambda/latest/dg/current-supported-versions.html),
so local days are worked out from an aware instant in an explicit ZoneInfo, never from the process's zone. A day ends
at the next local midnight, a month at 00:00 on the 1st of the next month; across a daylight-saving change the local
midnight is converted to UTC on its own (a 23- or 25-hour day). Row keys carry the local date, so a new period is a
new row: nothing has to be reset. TTL (`expires_at`, epoch seconds) removes old rows "typically within two days"
after it passes (UpdateTimeToLive); it is set far past the period so a row is never deleted while it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_ROW_DAYS = 35  # a day row is kept 35 days after its day ends
MONTH_ROW_DAYS = 400  # a month row 400 days after its month ends


@dataclass(frozen=True)
class Period:
    key: str  # the row's sort key: DAY#2026-11-24 or MONTH#2026-11
    ends: datetime  # aware, in the zone
    expires_at: int  # epoch seconds (TTL)

    def seconds_left(self, now: datetime) -> int:
        """Whole seconds to the end (at least 1): Retry-After."""
        return max(1, int((self.ends - now).total_seconds() + 0.999))


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def day_of(now: datetime, zone: ZoneInfo) -> Period:
    local = now.astimezone(zone).date()
    ends = _midnight(local + timedelta(days=1), zone)
    return Period(f"DAY#{local.isoformat()}", ends, int(ends.timestamp()) + DAY_ROW_DAYS * 86_400)


def month_of(now: datetime, zone: ZoneInfo) -> Period:
    local = now.astimezone(zone).date()
    following = date(local.year + (local.month == 12), local.month % 12 + 1, 1)
    ends = _midnight(following, zone)
    return Period(f"MONTH#{local.year:04d}-{local.month:02d}", ends, int(ends.timestamp()) + MONTH_ROW_DAYS * 86_400)
