"""The file uploader's own words in the page's language.

`st.file_uploader` draws its button, its limit line, its drop hint and its error messages in the browser, in English,
hard-coded in Streamlit's FileUploader / utils bundles, and Streamlit 1.67.0 offers no setting or parameter to change
them (its `st.file_uploader` takes no such words; streamlit/streamlit#13500, open, asks for one). So on a Korean page
a CSS block hides those texts and shows Korean ones through `::after` content:

- `css()` (once a run, from ui/app.py): the **Upload** button reads 파일 선택, the drop hint (shown while a file is
  dragged over the box: "Drag and drop files here") reads 여기에 파일을 놓으세요.
- `file_uploader(...)` (every page's uploader): `st.file_uploader` plus the rules for that one widget, scoped by its
  key (`.st-key-<key>`): the limit line ("5MB per file • PDF, TXT") as 파일당 최대 5MB • PDF, TXT, and a refused
  file's error (the chip's tooltip and its screen-reader text, e.g. "text/plain files are not allowed.") as a Korean
  sentence naming the accepted types and the limit.

English pages keep Streamlit's own words. The selectors are the `data-testid`s of the 1.67.0 bundle (never its
generated class names): stFileUploaderDropzone, stFileUploaderDropzoneInstructions, stBaseButton-secondary,
stMarkdownContainer, stFileChip, stTooltipErrorHoverTarget, stTooltipErrorContent. A Streamlit upgrade may rename
them: tests/ui/test_browser_uploader.py reads the words a browser shows and is what catches that.

Screen readers: the hidden English texts are `display: none` or `visibility: hidden` (out of the accessibility tree)
and the generated Korean content is in it, so the button is announced as 파일 선택 and the limit line in Korean. What
CSS cannot reach stays English: attributes (the remove button's "Remove <name>", a failed chip's "Click to retry
upload" title, the hidden input's "file upload" label).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import streamlit as st

from ui.i18n import current, t

ENGLISH = "en"  # Streamlit's own words are English: an English page keeps them
SMALL = "0.875rem"  # Streamlit's theme fontSizes.sm, the size of the limit line, the hint and the tooltip
SAME = {"jpeg": "jpg", "tiff": "tif", "htm": "html", "mpeg": "mpg", "mpeg4": "mp4"}  # shown once, as Streamlit does
DROPZONE = '[data-testid="stFileUploaderDropzone"]'


def _quoted(text: str) -> str:
    """A CSS string: quotes and backslashes escaped, line breaks as spaces."""
    return '"' + re.sub(r'(["\\])', r"\\\1", " ".join(text.split())) + '"'


def key_class(key: str) -> str:
    """The class Streamlit gives a keyed element's container (`st-key-` and the key, other characters as `-`)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def types_text(types: Sequence[str]) -> str:
    """The accepted extensions as Streamlit's limit line lists them: upper case, without dots, jpg/jpeg once."""
    shown = dict.fromkeys(SAME.get(e.lstrip(".").lower(), e.lstrip(".").lower()) for e in types)
    return ", ".join(e.upper() for e in shown)


def _replaced(selector: str, words: str, shown: bool = True) -> str:
    """Hide the element's own text (out of sight and of the accessibility tree) and show `words` after it; the
    hidden text takes no room (font size 0), the words the size of Streamlit's small print, wrapped rather than cut
    off on a narrow screen (Streamlit's own line ends in an ellipsis there, drawn at the hidden size). `shown=False` for an
    element Streamlit keeps off screen for screen readers only: the words replace its text, nothing else changes."""
    room = (" font-size: 0;", f" font-size: {SMALL}; white-space: normal;") if shown else ("", "")
    hidden = f"{selector} {{ visibility: hidden;{room[0]} }}"
    return f"{hidden}\n{selector}::after {{ visibility: visible;{room[1]} content: {_quoted(words)}; }}\n"


def css(lang: str) -> str:
    """The rules every uploader shares, in `lang` (none in English)."""
    if lang == ENGLISH:
        return ""
    button = f'{DROPZONE} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]'
    return (
        f"{button} p {{ display: none; }}\n"  # the label "Upload" (its icon stays)
        f"{button}::after {{ content: {_quoted(t('uploader.button', lang))}; }}\n"
        # the drop hint, drawn over the box only while files are dragged over it (a div without a test id)
        + _replaced(f"{DROPZONE} > div:not([data-testid]) > span", t("uploader.drop", lang))
    )


def scoped_css(key: str, types: Sequence[str], max_mb: int, lang: str) -> str:
    """One uploader's limit line and error words, in `lang` (none in English)."""
    if lang == ENGLISH:
        return ""
    scope = "." + key_class(key)
    kinds = types_text(types)
    limit = t("uploader.limit", lang, size=max_mb) + (f" • {kinds}" if kinds else "")
    refused = t("uploader.refused", lang, types=kinds or "*", size=max_mb)
    tooltip = f"body:has({scope} [data-testid='stTooltipErrorHoverTarget']:is(:hover, :focus-within))"
    return (
        _replaced(f'{scope} [data-testid="stFileUploaderDropzoneInstructions"] span', limit)
        + _replaced(f'{scope} [data-testid="stFileChip"] > span[role="alert"]', refused, shown=False)  # read, never seen
        + _boxed(f'{tooltip} [data-testid="stTooltipErrorContent"]', refused)
    )


def _boxed(selector: str, words: str) -> str:
    """Like `_replaced`, for an element whose own box is what shows (a tooltip: white, rounded, shadowed): hiding it
    hides that box too, so the words after it draw the box again (its colour and corners inherited, its padding and
    shadow Streamlit's 1.67.0 ones)."""
    box = "display: block; padding: 0.375rem 0.75rem; background-color: inherit; border-radius: inherit;"
    shadow = "box-shadow: 0 1px 4px rgba(0, 0, 0, 0.16);"
    hidden = f"{selector} {{ visibility: hidden; font-size: 0; padding: 0; }}"
    return f"{hidden}\n{selector}::after {{ visibility: visible; font-size: {SMALL}; {box} {shadow} content: {_quoted(words)}; }}\n"


def inject(rules: str) -> None:
    """Style-only HTML: Streamlit puts it in the page's event container, where it takes no space."""
    if rules:
        st.html(f"<style>{rules}</style>")


def file_uploader(label: str, *, key: str, type: Sequence[str], max_upload_size: int | None = None, **options: Any) -> Any:
    """`st.file_uploader` (a key is required: it scopes the words), its limit line and errors in the page's language."""
    limit = max_upload_size or int(st.get_option("server.maxUploadSize"))
    inject(scoped_css(key, type, limit, current()))
    return st.file_uploader(label, type=list(type), key=key, max_upload_size=max_upload_size, **options)
