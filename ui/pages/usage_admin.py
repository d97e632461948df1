"""Usage of everyone (admins): every user's use for a day or a month, sorted and paged (GET /admin/usage and its
`next_token`), the period as the API's CSV file, a chart of each day's spend by model over the month, and the
budgets (ui/budgets_view.py).

The chart: GET /admin/usage's `totals` adds up every user of one period by model, so a month's days take one call
per day (at most 31, each kept for an hour once the day is over, a minute for today)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from ui import budgets_view, session, usage_now, usage_tables
from ui.cli.figures import micro_dollars
from ui.client import ApiError, Client
from ui.i18n import current, t

PAGE_SIZE = 20
state = st.session_state
lang = current()
st.title(t("admin_usage.title"), anchor=False)
st.caption(t("admin_usage.intro"))
session.show_flash()
if not session.is_admin():
    st.error(t("admin_usage.admins_only"))
    st.stop()
mine = usage_now.report()
if mine is None:
    st.stop()
today = date.fromisoformat(str(mine["now"])[:10])  # today in the budgets' zone, as the API counts days
catalog = session.models()
names = usage_tables.model_names(catalog, lang)

with st.container(horizontal=True, vertical_alignment="bottom"):
    period = (
        st.segmented_control(
            t("admin_usage.period"),
            ["day", "month"],
            format_func=lambda p: t(f"admin_usage.period.{p}", lang),
            default="day",
            required=True,
            key="admin_period",
        )
        or "day"
    )
    picked = st.date_input(t("admin_usage.date"), value=today, max_value=today, key="admin_date", width=180) or today
    sort = st.selectbox(
        t("admin_usage.sort"),
        ["cost", "tokens", "user"],
        format_func=lambda s: t(f"admin_usage.sort.{s}", lang),
        key="admin_sort",
        width=180,
    )
    order = st.selectbox(
        t("admin_usage.order"), ["desc", "asc"], format_func=lambda o: t(f"admin_usage.order.{o}", lang), key="admin_order", width=160
    )
when = picked.isoformat() if period == "day" else picked.strftime("%Y-%m")
query = {"period": period, "date": when, "sort": sort, "order": order}

tokens = state.setdefault("admin_tokens", {})  # the query -> the next_token of each page seen (None: the first page)
pages: list[str | None] = tokens.setdefault(urlencode(query), [None])
shown = len(pages) - 1
asked = {**query, "limit": PAGE_SIZE, **({"next_token": pages[-1]} if pages[-1] else {})}
page: dict[str, Any] | None = session.call("GET", "admin/usage?" + urlencode(asked))
if page is None:
    st.stop()
totals = page.get("totals") or {}
st.subheader(t("admin_usage.users_title", period=t(f"admin_usage.period.{period}"), date=when), anchor=False)
st.caption(
    t(
        "admin_usage.totals",
        users=int(totals.get("users") or 0),
        cost=micro_dollars(totals.get("cost_micro_usd")),
        tokens=f"{int(totals.get('total_tokens') or 0):,}",
        zone=page.get("time_zone", ""),
    )
)
table = usage_tables.users_table(page.get("users") or [], lang)
if table.empty:
    st.caption(t("admin_usage.no_users"))
else:
    numbers = {column: st.column_config.NumberColumn(format="localized") for column in table.columns[3:6]}
    st.dataframe(table, hide_index=True, width="stretch", column_config=numbers)


def exporter(api_url: str, token: str, path: str) -> Callable[[], bytes]:
    """The period as the API's CSV (UTF-8 with its byte order mark, for Excel), fetched only when the button is clicked.
    Streamlit runs it outside the page's run (no session state there), so what it needs is bound now; if the API
    refuses, Streamlit's button says the file could not be made (its own words, in English)."""
    return lambda: Client(api_url, token).download(path)


with st.container(horizontal=True):
    if st.button(t("admin_usage.previous"), icon=":material/chevron_left:", disabled=shown == 0):
        pages.pop()
        st.rerun()
    if st.button(t("admin_usage.next"), icon=":material/chevron_right:", disabled=not page.get("next_token")):
        pages.append(page["next_token"])
        st.rerun()
    export = exporter(session.outputs().api_url, state["token"], "admin/usage?" + urlencode({**query, "format": "csv"}))
    st.download_button(
        t("admin_usage.csv"),
        export,
        file_name=f"usage-{period}-{when}.csv",
        mime="text/csv",
        icon=":material/download:",
        help=t("admin_usage.csv_help"),
        on_click="ignore",
    )
st.caption(t("admin_usage.page", page=shown + 1))


@st.cache_data(ttl=3600, show_spinner=False)
def _past_day(api_url: str, token: str, day: str) -> Any:
    return Client(api_url, token).call("GET", f"admin/usage?period=day&date={day}&limit=1")["totals"]


@st.cache_data(ttl=60, show_spinner=False)
def _today(api_url: str, token: str, day: str) -> Any:
    return Client(api_url, token).call("GET", f"admin/usage?period=day&date={day}&limit=1")["totals"]


month = picked.replace(day=1)
st.subheader(t("admin_usage.chart_title", month=month.strftime("%Y-%m")), anchor=False)
days = usage_tables.month_days(month, today)
try:
    found = {d: (_today if d == today else _past_day)(session.outputs().api_url, state["token"], d.isoformat()) for d in days}
except ApiError as err:
    session.show_error(err)
    found = {}
spend = usage_tables.daily_spend(found, names, lang)
if spend.empty or not spend.to_numpy().sum():
    st.caption(t("admin_usage.chart_empty"))
else:
    st.bar_chart(spend, stack=True, x_label=t("admin_usage.chart_day"), y_label=t("admin_usage.chart_usd"))
st.caption(t("admin_usage.chart_note", days=len(days)))

budgets_view.show()
