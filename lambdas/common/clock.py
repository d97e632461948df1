"""Today's date and the current instant, injectable: the functions' deps carry a Clock, tests pass fixed ones.

Lambda's local time is UTC (its TZ is `:UTC`), so `date.today()` is the UTC date there. Local days (budgets'
day and month boundaries) are worked out from `now()` in an explicit zone, never from TZ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class Clock:
    """The system date and time, or `fixed` / `at` when given (tests, so a result never depends on when it runs)."""

    fixed: date | None = None
    at: datetime | None = None  # an aware instant

    def today(self) -> date:
        return self.fixed or date.today()

    def now(self) -> datetime:
        """The current instant, aware (UTC unless `at` says otherwise)."""
        return self.at or datetime.now(UTC)
