"""GET /admin/usage as JSON (a page) or CSV (the whole period, or its first `limit` users)."""

from __future__ import annotations

from typing import Any

from usage import csv_export, listing
from usage.people import Directory
from usage.store import UsageStore

DEFAULT_PAGE = 20


def as_json(query: listing.Query, store: UsageStore, directory: Directory, time_zone: str) -> dict[str, Any]:
    rows = listing.rows_of(store.period_rows(query.period.key))
    shown, next_token = listing.page(rows, query)
    people = directory.lookup([row.user for row in shown])
    users = [{"user": row.user, **people.get(row.user, {"email": None, "name": None}), **row.counters.view()} for row in shown]
    return {
        "period": query.period.kind,
        "date": query.period.label,
        "time_zone": time_zone,
        "sort": query.sort,
        "order": query.order,
        "users": users,
        "totals": listing.totals(rows),
        "next_token": next_token,
    }


def as_csv(query: listing.Query, store: UsageStore, directory: Directory) -> tuple[str, str]:
    """The file's text and its name."""
    rows, _ = listing.page(listing.rows_of(store.period_rows(query.period.key)), query)
    people = directory.lookup([row.user for row in rows])
    return csv_export.render(rows, people, query.period.label), csv_export.filename(query.period.kind, query.period.label)
