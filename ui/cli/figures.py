"""How the usage commands show figures: US dollars rounded for a person, counts with thousands separators, a time
in the budgets' own zone (as the API wrote it, never converted to the machine's), and tables with bilingual
headings whose number columns are right-aligned."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ESTIMATED = "≈"  # before a cost that is partly estimated (no service reported it: api.md "What is metered")


def dollars(amount: Any) -> str:
    """`$1,234.57` from one dollar up; below it two significant digits (`$0.25`, `$0.042`, `$0.0020`, `$0.000062`: a
    turn's cost shows), at most the six decimals the API counts in; `$0` for nothing. `amount` is US dollars."""
    value = Decimal(str(amount or 0))
    if value == 0:
        return "$0"
    if abs(value) >= 1:
        return f"${value.quantize(CENT, ROUND_HALF_UP):,}"
    decimals = min(6, max(2, 1 - value.adjusted()))
    shown = value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"${shown}" if shown else "<$0.000001"


def micro_dollars(micro_usd: Any) -> str:
    """The same from integer micro-USD (`cost_micro_usd`): exact, no float on the way."""
    return dollars(Decimal(int(micro_usd or 0)) / Decimal(1_000_000))


def count(value: Any) -> str:
    return f"{int(value or 0):,}"


def zone_time(iso: Any) -> str:
    """`2026-11-26 00:00` from the API's `2026-11-26T00:00:00+09:00`, in the zone it was written in."""
    try:
        return datetime.fromisoformat(str(iso)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(iso or "")


def until(later: Any, now: Any) -> str:
    """`5 h 12 min`, `3 d 4 h`, `40 min` from `now` to `later` (both the API's ISO times)."""
    try:
        seconds = int((datetime.fromisoformat(str(later)) - datetime.fromisoformat(str(now))).total_seconds())
    except (TypeError, ValueError):
        return ""
    minutes = max(0, seconds + 59) // 60  # rounded up: "resets in 1 min", never "in 0 min" before it has
    days, hours, minutes = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def table(headings: list[str], rows: list[list[str]], right: frozenset[int] = frozenset()) -> list[str]:
    """The headings, a rule, then the rows; the columns in `right` right-aligned (numbers), the others left-aligned."""
    every = [headings, *rows]
    widths = [max(_cells(row[i]) for row in every) for i in range(len(headings))]

    def line(row: list[str]) -> str:
        padded = [_pad(cell, width, i in right) for i, (cell, width) in enumerate(zip(row, widths, strict=True))]
        return "  ".join(padded).rstrip()

    return [line(headings), "  ".join("-" * width for width in widths), *(line(row) for row in rows)]


def _pad(cell: str, width: int, right: bool) -> str:
    space = " " * (width - _cells(cell))
    return space + cell if right else cell + space


def _cells(text: str) -> int:
    """Terminal cells: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
