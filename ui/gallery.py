"""The Images page's pictures: the user's stored ones from GET /images (newest first, a page at a time, kept in the
session) and the bytes a download button hands the browser.

Each listed picture comes with a presigned GET valid 900 s (docs/api.md#get-images): a listing older than
REFRESH_SECONDS is read again, as far as the user had paged, on the page's next run, so a shown link has at least
five minutes left."""

from __future__ import annotations

import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

import streamlit as st

from ui import session

PAGE = 6  # pictures per "more" (two rows of the three-column gallery)
REFRESH_SECONDS = 600
KEY = "image_listing"


def _listing() -> dict[str, Any]:
    found: dict[str, Any] = st.session_state.setdefault(KEY, {"items": [], "token": None, "at": 0.0, "loaded": False})
    return found


def forget() -> None:
    """The next run reads the listing again (after new pictures were made)."""
    st.session_state.pop(KEY, None)


def _page(limit: int, token: str | None) -> dict[str, Any] | None:
    query = urllib.parse.urlencode({"limit": limit, **({"next_token": token} if token else {})})
    answer: dict[str, Any] | None = session.call("GET", f"images?{query}")
    return answer


def pictures() -> tuple[list[dict[str, Any]], bool]:
    """The pictures listed so far, newest first, and whether more follow ("more" reads them: `more()`)."""
    listing = _listing()
    if not listing["loaded"] or time.time() - listing["at"] > REFRESH_SECONDS:
        answer = _page(min(100, max(PAGE, len(listing["items"]))), None)
        if answer is None:  # the error is shown; nothing to list
            return [], False
        listing.update(items=list(answer["images"]), token=answer.get("next_token"), at=time.time(), loaded=True)
    return list(listing["items"]), bool(listing["token"])


def more() -> None:
    """The next page, appended (a full page may have carried a token whose next page is empty: then none follow)."""
    listing = _listing()
    answer = _page(PAGE, listing["token"])
    if answer is not None:
        listing["items"] += answer["images"]
        listing["token"] = answer.get("next_token")


def file_name(picture: dict[str, Any]) -> str:
    return PurePosixPath(str(picture["key"])).name


def image_id(picture: dict[str, Any]) -> str:
    """What DELETE /images/{id} takes: the key's last part without `.png` (`images/<sub>/<id>.png`)."""
    return PurePosixPath(str(picture["key"])).stem


def fetcher(url: str) -> Callable[[], bytes]:
    """What st.download_button calls when clicked (on its own thread, no Streamlit calls): the PNG's bytes."""

    def fetch() -> bytes:
        with urllib.request.urlopen(url, timeout=60) as response:
            data: bytes = response.read()
        return data

    return fetch
