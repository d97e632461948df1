"""The UI's words in Korean and English: one catalogue per language (`ko.py`, `en.py`) and `t(key, **values)`.

The language is the session's choice (`st.session_state["lang"]`, set from `?lang=` by `ui/language.py`),
Korean by default. A key missing from a catalogue shows as `⟦key⟧`, which the tests look for on every page.
"""

from __future__ import annotations

from ui.i18n import en, ko

LANGS = ("ko", "en")
DEFAULT = "ko"
NAMES = {"ko": "한국어", "en": "English"}  # each in its own language: the switch reads the same in both
CATALOGUES: dict[str, dict[str, str]] = {"ko": ko.STRINGS, "en": en.STRINGS}
MISSING = "⟦{}⟧"


def current() -> str:
    """The session's language (Korean outside a Streamlit run, e.g. in a reading thread)."""
    try:
        import streamlit as st

        found = st.session_state.get("lang")
    except Exception:  # no script run context
        found = None
    return found if found in LANGS else DEFAULT


def t(key: str, /, lang: str | None = None, **values: object) -> str:
    """The text for `key` in `lang` (the session's by default), with `{name}` fields filled from `values`."""
    text = CATALOGUES[lang or current()].get(key)
    if text is None:
        return MISSING.format(key)
    return text.format(**values) if values else text


def has(key: str, lang: str | None = None) -> bool:
    return key in CATALOGUES[lang or current()]
