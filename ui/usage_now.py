"""The signed-in user's GET /usage, kept in the session for a minute and forgotten after each turn, so the budget
line beside the chat box is fresh after every answer without a request on every rerun."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from ui import session

KEEP_SECONDS = 60  # a budget that resets (midnight, the 1st) shows its new figures within a minute
KEY = "usage_now"


def report() -> dict[str, Any] | None:
    """GET /usage (from the session when under a minute old), or None after showing its error."""
    kept = st.session_state.get(KEY)
    if kept and time.time() - kept[0] < KEEP_SECONDS:
        found: dict[str, Any] = kept[1]
        return found
    answer = session.call("GET", "usage")
    if answer:
        st.session_state[KEY] = (time.time(), answer)
    return answer or None


def forget() -> None:
    """After a turn (answered, refused or failed): the next run reads GET /usage again."""
    st.session_state.pop(KEY, None)
