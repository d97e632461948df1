"""Usage (everyone): the caller's own use today and this month by model, and what is left of each budget with its
reset time in the budgets' zone (GET /usage: the API reads the caller's own rows only)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import session, usage_now, usage_tables
from ui.i18n import current, t

st.title(t("usage.title"), anchor=False)
st.caption(t("usage.intro"))
lang = current()
if st.button(t("usage.refresh"), icon=":material/refresh:"):
    usage_now.forget()
report = usage_now.report()
if report is None:
    st.stop()
catalog = session.models()
names = usage_tables.model_names(catalog, lang)

st.subheader(t("usage.budgets"), anchor=False)
if report.get("unlimited") or not report.get("budgets"):
    st.info(t("budget.line_unlimited"), icon=":material/all_inclusive:")
else:
    st.dataframe(usage_tables.budgets_table(report, lang), hide_index=True, width="stretch")


def period(title: str, found: dict[str, Any]) -> None:
    st.subheader(t(title, period=found.get("period", "")), anchor=False)
    table = usage_tables.models_table(found, names, lang)
    if table.empty:
        st.caption(t("usage.none"))
        return
    numbers = {column: st.column_config.NumberColumn(format="localized") for column in table.columns[1:4]}
    st.dataframe(table, hide_index=True, width="stretch", column_config=numbers)
    notes = [
        t("usage.requests", count=f"{int(found.get('requests') or 0):,}"),
        t("usage.total_tokens", count=f"{int(found.get('total_tokens') or 0):,}"),
    ]
    if int(found.get("cache_read_tokens") or 0) or int(found.get("cache_write_tokens") or 0):
        read, write = f"{int(found['cache_read_tokens'] or 0):,}", f"{int(found['cache_write_tokens'] or 0):,}"
        saved = f"${int(found.get('cache_saved_micro_usd') or 0) / 1_000_000:,.6f}"
        notes.append(t("usage.cache", read=read, write=write, saved=saved))
    st.caption(" · ".join(notes))
    if int(found.get("estimated_micro_usd") or 0) or any(m.get("images") for m in found.get("models") or []):
        st.caption(t("usage.estimated"))


period("usage.today", report.get("day") or {})
period("usage.month", report.get("month") or {})
st.caption(t("usage.zone", zone=report.get("time_zone", "")))
