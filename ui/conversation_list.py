"""The chat page's sidebar list of conversations: a title search, each title with its date (local time), open, rename
(an inline text box with Save and Cancel) and delete (with a confirmation). GET /conversations?q=, PATCH and DELETE
/conversations/{id}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from ui import confirm, live, session, wording
from ui.i18n import current, t
from ui.tables import local_time, short_time

PAGE = 30


def listed(search: str) -> list[dict[str, Any]]:
    """Up to PAGE conversations, newest first; with a search, pages are followed until PAGE matches (or the end)."""
    found: list[dict[str, Any]] = []
    token = None
    while len(found) < PAGE:
        query = {"limit": PAGE - len(found), **({"q": search} if search else {}), **({"next_token": token} if token else {})}
        page = session.call("GET", f"conversations?{urlencode(query)}")
        if not page:
            break
        found += page.get("conversations", [])
        token = page.get("next_token")
        if not search or not token:
            break
    return found


def _rename(item: dict[str, Any]) -> None:
    cid = item["conversation_id"]
    with st.container(border=True):
        title = st.text_input(t("chat.rename_label"), value=item.get("title") or "", key=f"rename-text-{cid}", max_chars=100)
        save, cancel = st.columns(2)
        if save.button(t("chat.rename_save"), key=f"rename-save-{cid}", type="primary", icon=":material/check:", width="stretch"):
            answer = session.call("PATCH", f"conversations/{cid}", {"title": title})
            if answer:
                note = wording.guardrail_note(answer.get("guardrail"), current())
                if note:
                    st.session_state["chat_rename_note"] = note
                st.session_state.pop("chat_renaming", None)
                st.rerun()
        if cancel.button(t("confirm.cancel"), key=f"rename-cancel-{cid}", width="stretch"):
            st.session_state.pop("chat_renaming", None)
            st.rerun()


def sidebar(current_id: str | None, busy: bool, open_conversation: Callable[[str | None], None]) -> None:
    state = st.session_state
    search = st.text_input(
        t("chat.search"), key="chat_search", placeholder=t("chat.search_placeholder"), icon=":material/search:", max_chars=100
    ).strip()
    if state.get("chat_rename_note"):
        live.show_note(state.pop("chat_rename_note"))
    items = listed(search)
    if not items:
        st.caption(t("chat.search_none", q=search) if search else t("chat.none"))
    for item in items:
        cid = item["conversation_id"]
        title = item.get("title") or cid
        left, edit, remove = st.columns([5, 1, 1], vertical_alignment="center")
        # The date first, short (the sidebar cuts a long label at its end); the full local time on hover.
        label = ("▶ " if cid == current_id else "") + f"{short_time(item.get('updated_at'))} · {title}"
        full = f"{title} · {local_time(item.get('updated_at'))}"  # last activity, local time
        if left.button(label, key=f"open-{cid}", width="stretch", disabled=busy, help=full):
            open_conversation(cid)
        if edit.button("", key=f"rename-{cid}", icon=":material/edit:", help=t("chat.rename_help"), disabled=busy):
            state["chat_renaming"] = cid
        if remove.button("", key=f"delete-{cid}", icon=":material/delete:", help=t("chat.delete_help"), disabled=busy):
            state["chat_deleting"] = cid
        if state.get("chat_renaming") == cid:
            _rename(item)
        if state.get("chat_deleting") == cid and confirm.ask(t("chat.confirm_delete", title=title), "chat_deleting"):
            state.pop("chat_deleting", None)
            if session.call("DELETE", f"conversations/{cid}") is not None:
                if cid == current_id:
                    open_conversation(None)
                st.rerun()
