"""Helpers for the AppTest page tests: the app signed in (or not) in a language, and the texts it shows."""

from __future__ import annotations

from pathlib import Path

from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from ui.client import Outputs, sign_in

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
PASSWORD = "Local-Demo-Pass-1!"


def app(outputs_file: Path, username: str | None = None, lang: str | None = None) -> AppTest:
    """The app, signed in as `username` (a real ID token from the local pool) or at the sign-in page; in `lang`
    when given (as `?lang=` in the address), else in the default language."""
    at = AppTest.from_file(APP, default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    if username:
        token = sign_in(Outputs.load(outputs_file), username, PASSWORD)
        from ui.session import claims

        at.session_state["token"], at.session_state["claims"] = token, claims(token)
    return at.run()


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(element.value) for element in getattr(at, kind)]


def everything(at: AppTest) -> str:
    """Every element and block the run drew (labels, help, options, captions, table columns…), as UTF-8 text, and the
    navigation's page titles."""
    drawn = [text_format.MessageToString(node.proto, as_utf8=True) for node in at._tree if getattr(node, "proto", None) is not None]
    titles = [str(info.get("page_name", "")) for info in at._registered_pages.values()]  # st.Page titles (private, no API)
    return "\n".join(drawn + titles)
