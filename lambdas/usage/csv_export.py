"""GET /admin/usage?format=csv: one row per user, a header row, UTF-8 with a byte order mark.

Why the BOM: Excel on Windows opens a CSV by double-click in the system's legacy code page (CP949 on Korean
Windows) unless the file starts with the UTF-8 BOM (EF BB BF), so Korean names would arrive garbled; with it
Excel 2007 and later read UTF-8. No Microsoft page states this; it is the widely reported behaviour (e.g.
payloadcms/payload PR 14044, getodk/docs issue 1788); Microsoft documents the import wizard's "65001: Unicode
(UTF-8)" choice as the way around it. Python's csv module reads the file with encoding="utf-8-sig", pandas and
LibreOffice skip the BOM. Media type text/csv with `header=present` (RFC 4180, section 3).

Cells a spreadsheet would run as a formula (starting with = + - @, tab or carriage return) get a leading
apostrophe (OWASP "CSV Injection"): a user's own name attribute is text they chose. Numbers are never escaped:
`cache_saved_usd` is negative while prompt caching's writes outweigh its reads, and stays a number a sheet can sum.

`cache_saved_usd` / `cache_saved_micro_usd`: the saving GET /usage and the usage views show (the usage row's
`cache_saved_micro_usd`, lambdas/common/usage/prices.py: the cached tokens at the input rate minus what they cost).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from usage.counters import usd
from usage.listing import Row

BOM = "\ufeff"
MEDIA_TYPE = "text/csv; charset=utf-8; header=present"
COLUMNS = (
    "user",
    "email",
    "name",
    "period",
    "cost_usd",
    "cost_micro_usd",
    "estimated_micro_usd",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_saved_usd",
    "cache_saved_micro_usd",
    "total_tokens",
    "images",
    "guardrail_text_units",
    "requests",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def _usd(micro_usd: int) -> Decimal:
    """Dollars to six places as a number (a Decimal, written as "-0.000010", never "-1E-5" nor escaped as a formula)."""
    return (Decimal(micro_usd) / 1_000_000).quantize(Decimal("0.000001"))


def render(rows: list[Row], people: dict[str, dict[str, str | None]], period_label: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line breaks
    writer.writerow(COLUMNS)
    for row in rows:
        person = people.get(row.user, {})
        values = row.counters.values
        writer.writerow(
            _cell(v)
            for v in (
                row.user,
                person.get("email"),
                person.get("name"),
                period_label,
                f"{usd(row.counters.cost_micro_usd):.6f}",
                row.counters.cost_micro_usd,
                values["estimated_micro_usd"],
                values["input_tokens"],
                values["output_tokens"],
                values["cache_read_tokens"],
                values["cache_write_tokens"],
                _usd(values["cache_saved_micro_usd"]),
                values["cache_saved_micro_usd"],
                row.counters.total_tokens,
                values["images"],
                values["guardrail_text_units"],
                values["requests"],
            )
        )
    return BOM + out.getvalue()


def filename(kind: str, period_label: str) -> str:
    return f"usage-{kind}-{period_label}.csv"
