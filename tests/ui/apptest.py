"""Helpers for the AppTest page tests: the app signed in (or not) in a language, and the texts it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from google.protobuf import text_format
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from ui.client import Outputs, sign_in

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
PASSWORD = "Local-Demo-Pass-1!"

_pages_manager_init = PagesManager.__init__


def _like_the_server(self: PagesManager, *args: Any, **kwargs: Any) -> None:
    """AppTest forgets before each run that `st.navigation` turned Streamlit's old `pages/` directory mode off, so
    with `ui/pages/` beside app.py every run after the first would run the page file alone, without app.py (no
    language, no sidebar). The server turns that mode off for good at the first `st.navigation` call; so do we."""
    _pages_manager_init(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False


PagesManager.__init__ = _like_the_server  # type: ignore[method-assign]


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


def texts(at: Any, kind: str) -> list[str]:
    """The values of every element of one kind (`at` an AppTest or one of its blocks, e.g. `at.sidebar`)."""
    return [str(element.value) for element in getattr(at, kind)]


def everything(at: AppTest) -> str:
    """Every element and block the run drew (labels, help, options, captions, table columns…), as UTF-8 text."""
    drawn = [text_format.MessageToString(node.proto, as_utf8=True) for node in at._tree if getattr(node, "proto", None) is not None]
    return "\n".join(drawn)
