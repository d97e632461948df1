"""Conversation titles: the automatic one (from the first message), a title a person types, and the search key.

Titles are cut on a character boundary a reader sees (an extended grapheme cluster, approximated without a
dependency): after NFC normalisation a Korean syllable is one code point, and a cut never separates a base from its
combining marks, a Hangul vowel or final jamo from its lead, an emoji from its modifier, ZWJ sequence or variation
selector, or the two halves of a flag. Search compares NFKC-normalised, case-folded text (`search_key`): DynamoDB's
`contains` is an exact substring test, so the stored key and the searched one are folded the same way.
"""

from __future__ import annotations

import unicodedata

TITLE_MAX_CHARS = 100  # a title a person types (PATCH /conversations/{id}); counted in characters (code points)
AUTO_TITLE_CHARS = 60  # the automatic title from the first message, ellipsis included
ELLIPSIS = "…"

_ZWJ = "\u200d"


def _extends(char: str) -> bool:
    """A code point that belongs to the cluster before it (UAX #29 Extend/SpacingMark/ZWJ, Hangul V and T jamo)."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF  # variation selectors supplement
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
        or 0x1160 <= code <= 0x11FF  # Hangul jungseong and jongseong (conjoining vowels and finals)
        or 0xD7B0 <= code <= 0xD7FF  # Hangul jamo extended-B
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def boundary(text: str, at: int) -> int:
    """The largest cluster boundary at or before `at` in `text`."""
    at = max(0, min(at, len(text)))
    while 0 < at < len(text) and (_extends(text[at]) or text[at - 1] == _ZWJ):
        at -= 1
    if 0 < at < len(text) and _regional(text[at]):
        run = 0
        while run < at and _regional(text[at - 1 - run]):
            run += 1
        if run % 2:  # the cut falls inside a flag (a pair of regional indicators)
            at -= 1
    return at


def shortened(text: str, limit: int) -> str:
    """`text` whole when it fits in `limit` characters, else cut on a cluster boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: boundary(text, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS


def title_from(message: str, limit: int = AUTO_TITLE_CHARS) -> str:
    """The automatic title: the (stored, so already masked) first message on one line, shortened."""
    line = " ".join(unicodedata.normalize("NFC", message).split())
    return shortened(line, limit)


def title_problem(title: str) -> str | None:
    """Why a typed title cannot be used (a message naming the rule), or None."""
    trimmed = title.strip()
    if not trimmed:
        return "must contain text, not only spaces"
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in trimmed):
        return "must not contain control characters or line breaks"
    if len(unicodedata.normalize("NFC", trimmed)) > TITLE_MAX_CHARS:
        return f"at most {TITLE_MAX_CHARS} characters"
    return None


def clean_title(title: str) -> str:
    """A valid typed title as stored: trimmed, NFC (title_problem(title) must be None)."""
    return unicodedata.normalize("NFC", title.strip())


def search_key(text: str) -> str:
    """What title search compares: NFKC (full-width Latin and compatibility forms folded) and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()
