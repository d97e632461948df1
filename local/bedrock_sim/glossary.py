"""The offline model's stand-in for translation into English: a deterministic word-by-word glossary.

When a request's system prompt asks for a translation into English (the image function's does), the
offline model answers the user's text with every glossary phrase replaced by its English (a trailing
Korean particle such as 를 or 의 goes with it) and every other word passed through unchanged. It is
not a translation; it makes translated text predictable in tests. Example: "내부 전용 설계도를 그려줘"
→ "internal-only blueprint draw". `internal-only` is a denied word in cdk.json while 내부 전용 is not:
a Korean prompt passes the guardrail, its translation does not (word filters match exact text).
"""

from __future__ import annotations

import re

GLOSSARY = {
    "내부 전용": "internal-only",
    "대외비": "confidential",
    "설계도": "blueprint",
    "그려줘": "draw",
    "그려 주세요": "draw",
    "해질녘": "sunset",
    "바닷가": "beach",
    "등대": "lighthouse",
    "수채화": "watercolor",
    "고양이": "cat",
    "강아지": "puppy",
    "포스터": "poster",
    "이메일": "email",
}
_PARTICLE = "(?:에서|으로|을|를|이|가|은|는|의|에|와|과|로)?"
_RULES = [(re.compile(re.escape(k) + _PARTICLE), v) for k, v in sorted(GLOSSARY.items(), key=lambda kv: -len(kv[0]))]
_ASKS = re.compile(r"translat\w*\b.*\benglish", re.IGNORECASE | re.DOTALL)


def wants_english(system: str) -> bool:
    """Whether a system prompt asks for a translation into English."""
    return bool(_ASKS.search(system))


def to_english(text: str) -> str:
    for pattern, english in _RULES:
        text = pattern.sub(english, text)
    return text
