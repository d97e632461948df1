"""Tables as people read them: named columns, local times, sizes in KB/MB, states in words (no Streamlit here).

Times: the API's are ISO 8601 in UTC. The server does not know the browser's time zone, so the UI shows times in
`UI_TIME_ZONE` (an IANA name), Asia/Seoul when it is not set, and names the zone in the column heading.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from ui.i18n import has, t

DEFAULT_ZONE = "Asia/Seoul"
SETTLED_DOCUMENTS = ("INDEXED", "FAILED")  # GET /documents `ingestion`: PENDING and INGESTING still change
RUNNING_JOBS = ("STARTING", "IN_PROGRESS", "STOPPING")  # Bedrock ingestion job statuses that still change


def zone() -> ZoneInfo:
    """UI_TIME_ZONE, else Asia/Seoul (an unknown name falls back too rather than breaking every page)."""
    try:
        return ZoneInfo(os.environ.get("UI_TIME_ZONE") or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def zone_name() -> str:
    """The zone's short name now (KST, UTC, CET…) for column headings."""
    return datetime.now(zone()).strftime("%Z")


def short_time(iso: str | None, now: datetime | None = None) -> str:
    """A list's date, short enough to stay visible before the title: `18:12` today, `05-04` this year, else
    `2025-05-04` (the UI's zone); "" for none, the text itself if unreadable."""
    full = local_time(iso)
    if len(full) != len("2026-05-04 18:12"):
        return full
    today = (now or datetime.now(zone())).astimezone(zone()).strftime("%Y-%m-%d")
    if full[:10] == today:
        return full[11:]
    return full[5:10] if full[:4] == today[:4] else full[:10]


def local_time(iso: str | None) -> str:
    """`2026-05-04T09:12:33+00:00` → `2026-05-04 18:12` in the UI's zone; "" for none, the text itself if unreadable."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone()).strftime("%Y-%m-%d %H:%M")


def size_text(size: int | float | None) -> str:
    """Bytes in B, KB or MB (1 KB = 1,024 bytes): `512 B`, `1.2 KB`, `3.4 MB`."""
    if size is None:
        return ""
    value = float(size)
    if value < 1024:
        return f"{int(value):,} B"
    if value < 1024 * 1024:
        return f"{value / 1024:,.1f} KB"
    return f"{value / (1024 * 1024):,.1f} MB"


def _state(prefix: str, value: Any, lang: str) -> str:
    key = f"{prefix}.{value}"
    return t(key, lang) if has(key, lang) else str(value)


def documents_table(documents: list[dict[str, Any]], lang: str) -> pd.DataFrame:
    """GET /documents items as a table: name, state, size, last change (local time), metadata yes/no."""
    columns = [
        t("docs.col.name", lang),
        t("docs.col.state", lang),
        t("docs.col.size", lang),
        t("docs.col.modified", lang, zone=zone_name()),
        t("docs.col.metadata", lang),
    ]
    rows = [
        [
            d.get("name"),
            _state("ingest", d.get("ingestion"), lang),
            size_text(d.get("size")),
            local_time(d.get("last_modified")),
            t("yes" if d.get("has_metadata") else "no", lang),
        ]
        for d in documents
    ]
    return pd.DataFrame(rows, columns=columns)


def jobs_table(jobs: list[dict[str, Any]], lang: str) -> pd.DataFrame:
    """GET /documents/sync jobs as a table: state, start and last update (local time), documents indexed and failed."""
    columns = [
        t("jobs.col.state", lang),
        t("jobs.col.started", lang, zone=zone_name()),
        t("jobs.col.updated", lang, zone=zone_name()),
        t("jobs.col.indexed", lang),
        t("jobs.col.failed", lang),
        t("jobs.col.id", lang),
    ]
    rows = []
    for job in jobs:
        stats = job.get("statistics") or {}
        indexed = int(stats.get("numberOfNewDocumentsIndexed") or 0) + int(stats.get("numberOfModifiedDocumentsIndexed") or 0)
        rows.append(
            [
                _state("job", job.get("status"), lang),
                local_time(job.get("started_at")),
                local_time(job.get("updated_at")),
                indexed,
                int(stats.get("numberOfDocumentsFailed") or 0),
                job.get("job_id"),
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def unsettled(documents: list[dict[str, Any]], jobs: list[dict[str, Any]]) -> int:
    """How many things are still changing: documents waiting or being indexed, and jobs still running."""
    waiting = sum(1 for d in documents if d.get("ingestion") not in SETTLED_DOCUMENTS)
    return waiting + sum(1 for j in jobs if j.get("status") in RUNNING_JOBS)
