"""The budgets section of the admin usage page: the budgets in force (GET /admin/budgets), an override set for one
user or one group (PUT /admin/budgets/users/{sub} or /groups/{name}), and deleted after a confirmation (DELETE).
The API judges every value: a negative, fractional or absurd one is its 400 naming the field, shown in words."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import streamlit as st

from ui import confirm, session, usage_tables
from ui.i18n import current, t

SCOPES = ("user", "group")


def _who(scope: str, name: str, lang: str | None = None) -> str:
    return t("budgets.user" if scope == "user" else "budgets.group", lang, name=name)


def _path(scope: str, name: str) -> str:
    return f"admin/budgets/{scope}s/{quote(name, safe='')}"


def show() -> None:
    lang = current()
    st.subheader(t("budgets.title"), anchor=False)
    found: dict[str, Any] | None = session.call("GET", "admin/budgets")
    if not found:
        return
    st.caption(t("budgets.intro", zone=found.get("time_zone", "")))
    st.dataframe(usage_tables.overrides_table(found, lang), hide_index=True, width="stretch")
    ceiling = found.get("daily_ceiling")
    if ceiling:
        st.caption(
            t(
                "budgets.ceiling",
                limit=usage_tables.amount(ceiling.get("limit"), "usd"),
                used=usage_tables.amount(ceiling.get("used"), "usd"),
            )
        )
    else:
        st.caption(t("budgets.no_ceiling"))
    _set_form(lang)
    _delete(found.get("overrides") or [], lang)


def _set_form(lang: str) -> None:
    with st.form("budget-set"):  # not cleared on submit: a refused value stays to correct
        st.markdown(f"**{t('budgets.set_title')}**")
        scope = st.radio(
            t("budgets.scope"), SCOPES, format_func=lambda s: t(f"budgets.scope.{s}", lang), horizontal=True, key="budget_scope"
        )
        target = st.text_input(t("budgets.target"), help=t("budgets.target_help"), key="budget_target")
        left, right = st.columns(2)
        tokens = left.number_input(
            t("budget.tokens_per_day"),
            min_value=0,
            value=None,
            step=1000,
            placeholder=t("budget.inherited"),
            help=t("budgets.tokens_help"),
            key="budget_tokens",
        )
        usd = right.number_input(
            t("budget.usd_per_month"),
            min_value=0.0,
            value=None,
            step=1.0,
            format="%.2f",
            placeholder=t("budget.inherited"),
            help=t("budgets.usd_help"),
            key="budget_usd",
        )
        unlimited = st.checkbox(t("budgets.unlimited"), help=t("budgets.unlimited_help"), key="budget_unlimited")
        sent = st.form_submit_button(t("budgets.set"), type="primary", icon=":material/save:")
    if not sent:
        return
    name = target.strip()
    if not name:
        st.warning(t("budgets.no_target"))
        return
    body: dict[str, Any] = {"unlimited": True} if unlimited else {}
    if not unlimited:
        body |= {k: v for k, v in (("tokens_per_day", tokens), ("usd_per_month", usd)) if v is not None}
    saved = session.call("PUT", _path(scope, name), body)
    if saved:
        session.flash(t("budgets.saved", who=_who(scope, name, lang)))
        st.rerun()


def _delete(overrides: list[dict[str, Any]], lang: str) -> None:
    if not overrides:
        return
    st.markdown(f"**{t('budgets.delete_title')}**")
    choices = {f"{o['scope']}:{o['id']}": (str(o["scope"]), str(o["id"])) for o in overrides}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox(
        t("budgets.override_pick"), list(choices), format_func=lambda c: _who(choices[c][0], choices[c][1], lang), key="budget_pick"
    )
    if right.button(t("budgets.delete"), icon=":material/delete:", width="stretch", key="budget_delete") and picked:
        st.session_state["budget_deleting"] = choices[picked]
    deleting: tuple[str, str] | None = st.session_state.get("budget_deleting")
    if deleting and confirm.ask(t("budgets.confirm_delete", who=_who(deleting[0], deleting[1], lang)), "budget_deleting"):
        st.session_state.pop("budget_deleting", None)
        if session.call("DELETE", _path(*deleting)) is not None:
            session.flash(t("budgets.deleted", who=_who(deleting[0], deleting[1], lang)))
            st.rerun()
