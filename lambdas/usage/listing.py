"""GET /admin/usage: every user's usage for one day or month, sorted, in pages (or all of it as CSV).

The by_period index holds one row per user per period (partition `period`, sort `user`). DynamoDB can only return
it in `user` order, so the rows of the period are read (each Query page holds up to 1 MB, a few thousand users) and
sorted here. Pages continue from a keyset position, not an offset: the token holds the last row's sort value and
user, bound to the period, sort and order it was issued for, so a page never repeats or skips a user because
another user's numbers changed between two requests. A token edited or issued for another listing is a 400
(lambdas/common/pagination.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from common.errors import ValidationFailedError
from common.pagination import TokenShape, decode_token, encode_token, invalid_token
from common.usage import periods
from usage.counters import Counters

Sort = Literal["cost", "tokens", "user"]
Order = Literal["asc", "desc"]


@dataclass(frozen=True)
class Row:
    user: str
    counters: Counters

    def sort_value(self, sort: Sort) -> int | str:
        if sort == "cost":
            return self.counters.cost_micro_usd
        return self.counters.total_tokens if sort == "tokens" else self.user


@dataclass(frozen=True)
class Query:
    period: periods.Period
    sort: Sort
    order: Order
    limit: int | None  # None: every row (CSV export)
    token: str | None


def requested(kind: periods.PeriodKind, text: str | None, now: datetime, zone: ZoneInfo) -> periods.Period:
    """`date` of GET /admin/usage: YYYY-MM-DD for a day, YYYY-MM for a month; absent: the current one; else a 400."""
    if text is None:
        return periods.current(kind, now, zone)
    first = periods.parse(kind, text)
    if first is None:
        expected = "YYYY-MM-DD" if kind == "day" else "YYYY-MM"
        problem = {"field": "query.date", "message": f"period={kind} takes a date written {expected} (a real {kind}); got {text!r}"}
        raise ValidationFailedError("the request is not valid: see details", details=[problem])
    return periods.day(first, zone) if kind == "day" else periods.month(first, zone)


def default_order(sort: Sort) -> Order:
    """The biggest spenders first; users alphabetically."""
    return "asc" if sort == "user" else "desc"


def _position(row: Row, sort: Sort) -> tuple[int | str, str]:
    return (row.sort_value(sort), row.user)


def _shape(query: Query) -> TokenShape:
    return TokenShape(fixed={"period": query.period.key, "sort": query.sort, "order": query.order}, prefixed={"after": "", "user": ""})


def _start(query: Query) -> tuple[int | str, str] | None:
    if query.token is None:
        return None
    position = decode_token(query.token, _shape(query))
    if query.sort == "user":
        return (position["after"], position["user"])
    if not position["after"].isdigit() or len(position["after"]) > 30:
        raise invalid_token()
    return (int(position["after"]), position["user"])


def rows_of(items: list[dict[str, Any]]) -> list[Row]:
    """Users' rows only (a row without a `user` is not a user's: the index holds nothing else today)."""
    return [Row(str(item["user"]), Counters.from_item(item)) for item in items if isinstance(item.get("user"), str)]


def page(rows: list[Row], query: Query) -> tuple[list[Row], str | None]:
    """The rows of this page in order, and the token of the next page (None at the end)."""
    start = _start(query)
    descending = query.order == "desc"
    ordered = sorted(rows, key=lambda r: _position(r, query.sort), reverse=descending)
    if start is not None:
        ordered = [r for r in ordered if (_position(r, query.sort) < start if descending else _position(r, query.sort) > start)]
    if query.limit is None or len(ordered) <= query.limit:
        return ordered, None
    shown = ordered[: query.limit]
    last = shown[-1]
    token = encode_token(
        {"period": query.period.key, "sort": query.sort, "order": query.order, "after": str(last.sort_value(query.sort)), "user": last.user}
    )
    return shown, token


def totals(rows: list[Row]) -> dict[str, Any]:
    """The whole period: every user's counters added, by model too (what a chart of spend by model needs)."""
    total = Counters()
    for row in rows:
        total.add(row.counters)
    return {"users": len(rows), **total.view()}
