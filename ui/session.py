"""The signed-in user's session in Streamlit: stack outputs, ID token, API calls with clear errors."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.client import ApiError, Client, Outputs, outputs_path
from ui.streamed import error_text
from ui.views import ADMIN_GROUP, claims_groups


def outputs() -> Outputs:
    if "outputs" not in st.session_state:
        st.session_state["outputs"] = Outputs.load(outputs_path())
    found: Outputs = st.session_state["outputs"]
    return found


def claims(token: str) -> dict[str, Any]:
    """The ID token's claims, for display only (the API verifies the token itself)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def remember(token: str) -> None:
    st.session_state["token"] = token
    st.session_state["claims"] = claims(token)


def forget() -> None:
    for key in list(st.session_state.keys()):
        if key != "outputs":
            del st.session_state[key]


def signed_in() -> bool:
    found = st.session_state.get("claims") or {}
    return float(found.get("exp", 0)) > time.time()


def user() -> str:
    found = st.session_state.get("claims") or {}
    return str(found.get("email") or found.get("cognito:username") or "")


def is_admin() -> bool:
    return ADMIN_GROUP in claims_groups(st.session_state.get("claims") or {})


def client() -> Client:
    return Client(outputs().api_url, st.session_state["token"])


def call(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """The API's answer ({} for an empty one), or None after showing its error (a 401 signs the user out)."""
    return _shown_errors(lambda api: api.call(method, path, body))


def documents() -> list[dict[str, Any]]:
    """Every document (GET /documents followed page by page), or [] after showing the error."""
    return list(_shown_errors(lambda api: api.documents()) or [])


def _shown_errors(request: Callable[[Client], Any]) -> Any:
    try:
        answer = request(client())
        return {} if answer is None else answer
    except ApiError as err:
        show_error(err)
        return None
    except OSError as err:
        st.error(f"API에 연결할 수 없습니다 / The API at {outputs().api_url} did not answer: {err}")
        return None


def show_error(err: ApiError) -> None:
    """The API's error in both languages: a Korean headline, then status, code and message, one line per detail."""
    st.error(error_text(err.body, err.status))
    if err.status == 401:
        forget()
        st.info("세션이 끝났습니다. 다시 로그인하세요 / Your session ended: sign in again.")


def flash(text: str) -> None:
    """A success message that survives the rerun that follows it."""
    st.session_state["flash"] = text


def show_flash() -> None:
    text = st.session_state.pop("flash", None)
    if text:
        st.success(text)


@st.cache_data(ttl=300, show_spinner=False)
def _models(api_url: str, token: str) -> Any:
    return Client(api_url, token).call("GET", "models")


def models() -> dict[str, Any]:
    """GET /models, kept for five minutes."""
    try:
        found: dict[str, Any] = _models(outputs().api_url, st.session_state["token"])
    except ApiError as err:
        show_error(err)
        st.stop()
    return found
