"""Attached documents the guardrail read, as the clients show them (no Streamlit, no I/O: tested plainly).

The chat API lists them in `withheld[]`, `flagged[]` and `unchecked[]` (POST /chat) or the stream's `withheld` event
right after `start` (docs/api.md#documents-the-guardrail-reads); a stored message's files carry `read_check`. Each
document gets one plain sentence naming the file and what the guardrail found, in the reader's language (never a policy
id): the chat page shows it under the user's turn, `genai chat` prints it in Korean / English on stderr. RAG's passages
keep their own wording (ui/wording.py `withheld_notes`).
"""

from __future__ import annotations

from typing import Any

from ui.attachments import is_image
from ui.i18n import LANGS, has, t

SCREENED = ("withheld", "flagged", "unchecked")  # the answer's lists, in the order they are shown


def screened(data: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """The three lists from a POST /chat answer or a `withheld` event (missing ones empty)."""
    data = data or {}
    return {kind: list(data.get(kind) or []) for kind in SCREENED}


def _subject(phrase: str) -> str:
    """A Korean subject: 이 after a final consonant, 가 after a vowel (내용이, 주제가)."""
    last = phrase[-1:]
    if "가" <= last <= "힣":
        return phrase + ("이" if (ord(last) - ord("가")) % 28 else "가")
    return phrase + "이(가)"


def _found(item: dict[str, Any], lang: str) -> str:
    reasons = [str(r) for r in (item.get("reasons") or [item.get("reason")]) if r]
    words = list(
        dict.fromkeys(t(f"docs.reason.{r}", lang) if has(f"docs.reason.{r}", lang) else t("docs.reason.other", lang) for r in reasons)
    )
    words = words or [t("docs.reason.other", lang)]
    return _subject(", ".join(words)) if lang == "ko" else " and ".join(words)


def line(kind: str, item: dict[str, Any], lang: str) -> str:
    """One document's sentence in `lang`: withheld or flagged with what was found, unchecked with why."""
    name = str(item.get("document") or item.get("key") or "?")
    if kind == "unchecked":
        key = f"docs.unchecked.{item.get('reason')}"
        return t(key if has(key, lang) else "docs.unchecked", lang, name=name)
    return t(f"docs.{kind}", lang, name=name, found=_found(item, lang))


def notes(data: dict[str, Any] | None, lang: str) -> list[tuple[str, str]]:
    """(kind, sentence) for each document the guardrail withheld, flagged or could not check; none otherwise."""
    lists = screened(data)
    return [(kind, line(kind, item, lang)) for kind in SCREENED for item in lists[kind]]


def cli_lines(data: dict[str, Any] | None) -> list[str]:
    """The same sentences for `genai chat`'s stderr, Korean / English like its other notes."""
    lists = screened(data)
    return [" / ".join(line(kind, item, lang) for lang in LANGS) for kind in SCREENED for item in lists[kind]]


def chip(file: dict[str, Any], lang: str) -> str:
    """A file chip under a message: its icon and name, and what the guardrail's read check did with it when it did
    not simply pass (a withheld document is marked as not sent)."""
    name = str(file.get("name") or "?")
    text = f":material/{'image' if is_image(name) else 'description'}: {name}"
    state = file.get("read_check")
    if state == "withheld":
        return f":red[:material/block: ~~{name}~~ ({t('docs.chip.withheld', lang)})]"
    if state in ("flagged", "unchecked"):
        return f"{text} :orange[({t(f'docs.chip.{state}', lang)})]"
    return text


def marked(files: list[dict[str, Any]], data: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The turn's files (as uploaded: key, name) with the `read_check` the answer implies, as a stored message has them."""
    states = {str(item.get("key")): kind for kind, items in screened(data).items() for item in items}
    return [f | {"read_check": states[f["key"]]} if f.get("key") in states else dict(f) for f in files]
