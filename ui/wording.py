"""The API's answers in plain words, in the chosen language (no Streamlit here: tested plainly).

- guardrail outcomes: what kind of content was refused or masked, from the `policies` labels of a `guardrail`
  object (docs/api.md#guardrail: `content:<TYPE>`, `topic:<name>`, `word:custom`, `word:PROFANITY`, `pii:<TYPE>`,
  `regex:<name>`, `grounding:<TYPE>`, `image:output`), never the label itself;
- errors: a headline for the code, each `validation_error` field named in words with its rule;
- the API's own bilingual texts ("한국어 / English": the guardrail's blocked messages, notices, stored markers)
  cut to the chosen language.
"""

from __future__ import annotations

import re
from typing import Any

from ui.cli.figures import zone_time
from ui.i18n import has, t

HANGUL = re.compile(r"[가-힣]")


def _batchim(word: str) -> bool | None:
    """Whether the word's last syllable ends in a consonant (이/을 follow it, else 가/를); None if not Hangul."""
    last = word.rstrip()[-1:] or " "
    if not "가" <= last <= "힣":
        return None
    return (ord(last) - ord("가")) % 28 != 0


def particle(word: str, after_consonant: str, after_vowel: str) -> str:
    """`word` with the Korean particle that fits it (주민등록번호가, 욕설이); both forms when it cannot tell."""
    ends = _batchim(word)
    if ends is None:
        return f"{word}{after_consonant}({after_vowel})"
    return word + (after_consonant if ends else after_vowel)


def _noun(label: str, lang: str) -> str | None:
    """Words for a thing a policy found in the text (`pii:EMAIL` → 이메일 주소), or None for other policies."""
    kind, _, name = label.partition(":")
    if kind not in ("pii", "regex", "word") and not (kind == "content" and name != "PROMPT_ATTACK"):
        return None
    key = f"guard.{kind}.{name}"
    return t(key if has(key, lang) else f"guard.{kind}.other", lang)


def _clause(label: str, lang: str) -> str:
    """Why a policy without a noun acted (a prompt attack, a denied topic, grounding, a withheld picture)."""
    kind, _, name = label.partition(":")
    if kind == "topic":
        topic_key = f"guard.topic_name.{name}"
        return t("guard.topic", lang, topic=t(topic_key, lang) if has(topic_key, lang) else name)
    key = f"guard.{kind}.{name}" if kind != "image" else "guard.image"
    return t(key if has(key, lang) else "guard.other", lang)


def _join(words: list[str], lang: str) -> str:
    if lang == "en" and len(words) > 1:
        return ", ".join(words[:-1]) + " and " + words[-1]
    return ", ".join(words)


def reasons(policies: list[str], lang: str) -> list[str]:
    """One clause per kind of finding: the things found together ("주민등록번호, 욕설이 포함되어 있어"), then the rest."""
    nouns = list(dict.fromkeys(n for n in (_noun(p, lang) for p in policies) if n))
    clauses = list(dict.fromkeys(_clause(p, lang) for p in policies if _noun(p, lang) is None))
    found = (
        [t("guard.contains", lang, things=particle(_join(nouns, lang), "이", "가") if lang == "ko" else _join(nouns, lang))]
        if nouns
        else []
    )
    return found + clauses


def guardrail_note(guardrail: dict[str, Any] | None, lang: str) -> tuple[str, str] | None:
    """("error", text) when the guardrail blocked, ("warning", text) when it masked, None when it did not act."""
    if not guardrail or not guardrail.get("intervened"):
        return None
    policies = [str(p) for p in guardrail.get("policies") or []]
    if guardrail.get("action") == "BLOCKED":
        found = reasons(policies, lang)
        if not found:
            return "error", t("guard.blocked_plain", lang)
        return "error", t("guard.blocked", lang, reasons=(", " if lang == "ko" else "; ").join(found))
    nouns = list(dict.fromkeys(n for n in (_noun(p, lang) for p in policies) if n)) or [t("guard.pii.other", lang)]
    things = _join(nouns, lang)
    return "warning", t("guard.masked", lang, things=particle(things, "을", "를") if lang == "ko" else things)


def one_language(text: str, lang: str) -> str:
    """The side of an API text written "한국어 / English" (optionally in brackets) in `lang`; other text unchanged."""
    match = re.fullmatch(r"(\[?)(.+?) / (.+?)(\]?)", text.strip(), re.S)
    if not match or bool(match.group(1)) != bool(match.group(4)):
        return text
    korean, english = match.group(2), match.group(3)
    if not HANGUL.search(korean) or HANGUL.search(english):
        return text
    return match.group(1) + (korean if lang == "ko" else english) + match.group(4)


# pydantic's and this API's messages for a field (lambdas/common/api.py, lambdas/*/): the rule in words
_RULES = [
    (re.compile(r"(?:String should have )?at most (\d[\d,]*) characters?"), "rule.max_chars"),
    (re.compile(r"String should have at least (\d[\d,]*) characters?"), "rule.min_chars"),
    (re.compile(r"Input should be less than or equal to (\S+)"), "rule.at_most"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), "rule.at_least"),
    (re.compile(r"must be between (\S+) and (\S+)"), "rule.between"),
    (re.compile(r"(?:List should have )?at most (\d+) (?:items|for )"), "rule.max_items"),
    (re.compile(r"Extra inputs are not permitted"), "rule.unknown_field"),
    (re.compile(r"Field required"), "rule.required"),
    (re.compile(r".*\bblank\b.*", re.I), "rule.blank"),
]


def rule_text(message: str, lang: str) -> str:
    """A field's rule in words where it is one this API uses; otherwise the API's own message."""
    for pattern, key in _RULES:
        found = pattern.match(message.strip())
        if found:
            values = dict(zip(("low", "high"), found.groups(), strict=False)) if key == "rule.between" else {}
            if key != "rule.between" and found.groups():
                values = {"n": found.group(1)}
            return t(key, lang, **values)
    return message


def field_name(field: str, lang: str) -> str:
    """`params.top_k` → "Top K 값"; a field the catalogue does not name keeps its name, quoted."""
    key = f"field.{field}"
    if has(key, lang):
        return t(key, lang)
    tail = field.rsplit(".", 1)[-1]
    return t(f"field.{tail}", lang) if has(f"field.{tail}", lang) else t("field.other", lang, name=field)


def error_text(body: Any, status: int | None, lang: str) -> str:
    """An API error for a person: a headline in words, each invalid field by name with its rule, then in small
    print the status, code and request id to quote."""
    error = body.get("error", {}) if isinstance(body, dict) else {}
    code = str(error.get("code") or "error")
    text = t(f"error.{code}" if has(f"error.{code}", lang) else "error.other", lang)
    details = error.get("details")
    message = str(error.get("message") or "")
    if isinstance(details, list) and any(isinstance(d, dict) and "field" in d for d in details):
        text += "\n" + "".join(
            f"\n- **{field_name(str(d['field']), lang)}**: {rule_text(str(d.get('message', '')), lang)}"
            for d in details
            if isinstance(d, dict) and "field" in d
        )
    elif code == "budget_exceeded" and isinstance(details, dict):
        text += "\n\n" + budget_refusal(details, lang)
    elif message and code != "validation_error":
        text += "\n\n" + t("error.said", lang, message=one_language(message, lang))
    reference = f"`{status} {code}`" if status else f"`{code}`"
    if isinstance(details, dict) and details.get("cause"):
        reference += f" · {details['cause']}"
    if isinstance(body, dict) and body.get("request_id"):
        reference += f" · {t('error.request_id', lang)} `{body['request_id']}`"
    return f"{text}\n\n{reference}"


def budget_refusal(details: dict[str, Any], lang: str) -> str:
    """A 429 `budget_exceeded`'s details in words: which budget, what was used of its limit, what the request could
    use, and when it resets (in the budgets' zone, as the API wrote it). docs/api.md "Over budget"."""
    from ui.usage_tables import amount, budget_name  # here: ui.usage_tables imports pandas, which most callers never need

    budget = str(details.get("budget") or "")
    unit = "tokens" if budget == "tokens_per_day" else "usd"
    resets = str(details.get("resets_at") or "")
    return t(
        "budget.refused",
        lang,
        name=budget_name(budget, lang),
        used=amount(details.get("used"), unit),
        limit=amount(details.get("limit"), unit),
        request=amount(details.get("request_max"), unit),
        resets=zone_time(resets),
        zone=f"UTC{resets[19:]}" if len(resets) > 19 else "",
    )


def usage_line(usage: dict[str, Any] | None, lang: str) -> str:
    """`21 → 18 토큰 · 완료 · 0.8초`, or "" without usage (a stopped stream has none)."""
    if not usage:
        return ""
    reason = str(usage.get("stop_reason") or "")
    key = f"stop.{reason}"
    seconds = f"{float(usage.get('latency_ms') or 0) / 1000:.1f}"
    words = t(key, lang) if has(key, lang) else reason
    return t(
        "usage.line", lang, input=usage.get("input_tokens", "?"), output=usage.get("output_tokens", "?"), reason=words, seconds=seconds
    )


def citation_label(citation: dict[str, Any], lang: str) -> str:
    """`[1] 안내.pdf, 2쪽`: the source and where in it (a PDF's page; a chat citation of a text file: its characters)."""
    source, where = citation.get("source") or {}, citation.get("location") or {}
    if source.get("page"):
        place = t("rag.page", lang, page=source["page"])
    elif where.get("type") == "char":
        place = t("rag.chars", lang, start=where["start"] + 1, end=where["end"])  # shown counting from 1
    else:
        place = ""
    return f"[{citation['number']}] {source.get('name') or source.get('uri') or t('rag.source', lang)}{place}"


def withheld_notes(withheld: list[dict[str, Any]], flagged: list[dict[str, Any]], lang: str) -> list[tuple[str, str]]:
    """(headline, the documents named) for the RAG page: passages the guardrail kept from the model, then those it
    flagged (sent anyway); none when it let every passage through."""
    notes = []
    for key, passages in (("rag.withheld", withheld), ("rag.flagged", flagged)):
        if passages:
            documents = ", ".join(dict.fromkeys(str(p.get("document") or p.get("uri") or "?") for p in passages))
            notes.append((t(key, lang, n=len(passages)), t(f"{key}_help", lang, documents=documents)))
    return notes
