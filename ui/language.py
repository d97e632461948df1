"""The language of the session: `?lang=ko|en` in the address (so a bookmark or a reload keeps it), else the
session's last choice, else Korean; and the switch shown in the sidebar and on the sign-in page."""

from __future__ import annotations

import streamlit as st

from ui.i18n import DEFAULT, LANGS, NAMES, t


def resolve() -> str:
    """The language for this run, kept in the session and written back to the address. Page changes in
    `st.navigation` may drop the query string; the session puts it back."""
    asked = st.query_params.get("lang")
    if asked in LANGS:
        st.session_state["lang"] = asked
    chosen = st.session_state.get("lang")
    if chosen not in LANGS:
        chosen = st.session_state["lang"] = DEFAULT
    if asked != chosen:
        st.query_params["lang"] = chosen
    return str(chosen)


def switch(where: str) -> None:
    """한국어 | English: a choice writes `?lang=` and reruns the page in that language."""
    current = str(st.session_state.get("lang", DEFAULT))
    choice = st.segmented_control(
        t("lang.label"), list(LANGS), format_func=NAMES.__getitem__, default=current, required=True, key=f"lang_{where}_{current}"
    )  # a key per language: a fresh widget after each switch
    if choice in LANGS and choice != current:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()
