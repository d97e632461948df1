"""A second step before anything is deleted: the question, then Delete or Cancel."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t


def ask(question: str, key: str) -> bool:
    """While `st.session_state[key]` is set: the question with Delete and Cancel. True once Delete is clicked
    (the caller deletes and clears the key); Cancel clears the key."""
    with st.container(border=True):
        st.warning(question, icon=":material/warning:")
        yes, no = st.columns(2)
        confirmed = yes.button(t("confirm.delete"), key=f"{key}-yes", type="primary", icon=":material/delete:", width="stretch")
        if no.button(t("confirm.cancel"), key=f"{key}-no", width="stretch"):
            st.session_state.pop(key, None)
            st.rerun()
    return confirmed
