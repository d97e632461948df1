"""Today's date, injectable: the functions' deps carry a Clock, tests pass a fixed one.

Lambda's local time is UTC (its TZ is `:UTC`), so `date.today()` is the UTC date there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Clock:
    """The system date, or `fixed` when given (tests, so a result never depends on the day it runs)."""

    fixed: date | None = None

    def today(self) -> date:
        return self.fixed or date.today()
