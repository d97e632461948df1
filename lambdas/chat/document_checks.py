"""Attached documents' text through the guardrail before the model reads them (config guardrail.read_checks).

A document can carry instructions meant for the model (indirect prompt injection), and Converse's guardrail never sees
inside it: a `guardContent` block holds text or an image, never a document, and with guardContent in the message "all
unmarked content is skipped" (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-converse-api.html).
So each document's text is extracted (chat/document_text.py) and checked with ApplyGuardrail as INPUT, the same check
RAG runs on retrieved passages (common/read_checks.py: why INPUT, why one call per piece), before the paid Converse call.

Two steps, so every refusal comes before anything is paid for:
1. `read_texts` (with the turn's other file checks): the text of each document. A 400 naming the file: more text than
   `max_document_chars` (never a part checked and the rest sent unchecked); a file built to exhaust its reader (a zip
   bomb, XML entity expansion); with `unreadable_documents: refuse` (the default), a document whose text cannot be read
   (.doc, .xls, damaged, encrypted). With `allow`, such a document is sent and reported `unchecked`; so is one with no
   text at all (a scanned PDF: the guardrail has nothing to read).
2. `screen` (after the system prompt's check): the texts cut into pieces of at most PIECE_CHARS characters, each its
   own ApplyGuardrail call (at most 5 at once). ApplyGuardrail's API sets no size limit on a text
   (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ApplyGuardrail.html), but its quotas are per
   second in text units of 1,000 characters, per policy: 25 in most Regions, 50 (denied topics) and 200 (content, PII,
   words) in us-east-1 and us-west-2, with 25 or 50 requests per second (Bedrock service quotas,
   https://docs.aws.amazon.com/general/latest/gr/bedrock.html#limits_bedrock). A 10-unit piece fits the smallest quota
   with room; consecutive pieces overlap by PIECE_OVERLAP characters, so an instruction shorter than that is whole in
   at least one piece. A text unit is "up to 1,000 characters", charged per policy
   (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-how.html): a document of n characters costs about
   ceil(n / 9,500) × 10 units of each paid policy; the most is reserved on the caller's budgets before the calls.
   A document on which a counted policy intervened is withheld (not sent; WITHHOLD) or sent and reported (FLAG).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from chat.attachments import Loaded
from chat.document_text import RefusedError, TooLongError, UnreadableError, document_text
from chat.models import ChatRequest
from common.auth import Caller
from common.errors import ValidationFailedError
from common.observability import logger
from common.read_checks import TextVerdict, check_texts
from common.runtime_config import ChatModelSpec, ReadChecks
from common.usage.estimate import guardrail_max
from common.usage.meter import Meter
from common.usage.prices import guardrail_cost

PIECE_CHARS = 10_000
PIECE_OVERLAP = 500
# Why a document was withheld or flagged, for people (never the guardrail's own labels: a denied topic's name is config).
_REASONS = {
    "PROMPT_ATTACK": ("모델을 조종하려는 지시문", "instructions aimed at the model (a prompt attack)"),
    "DENIED_TOPICS": ("허용되지 않는 주제", "a denied topic"),
    "CONTENT_FILTERS": ("유해한 내용", "harmful content"),
    "WORDS": ("금지된 단어", "a blocked word"),
    "SENSITIVE_INFORMATION": ("민감한 정보", "sensitive information"),
}
_UNCHECKED = {
    "UNREADABLE": (
        "가드레일이 이 파일의 글을 읽을 수 없어 검사 없이 보냈습니다.",
        "The guardrail cannot read this file's text, so it was sent unchecked.",
    ),
    "NO_TEXT": (
        "글자가 없는 문서(스캔한 PDF 등)라 가드레일이 검사할 글이 없었습니다. 모델은 페이지 이미지를 읽을 수 있습니다.",
        "It has no text (e.g. a scanned PDF), so the guardrail had nothing to check; the model may still read the page images.",
    ),
}


@dataclass(frozen=True)
class Reading:
    file: Loaded
    text: str | None = None  # the document's text to check; None: not checked (an image, checks off, `unchecked`)
    unchecked: str | None = None  # why a document goes unchecked: UNREADABLE or NO_TEXT


@dataclass(frozen=True)
class TurnFiles:
    """The turn's checked files (chat/attachments.py) with their documents' text."""

    readings: tuple[Reading, ...] = ()

    def __iter__(self) -> Iterator[Loaded]:
        return (r.file for r in self.readings)

    def __len__(self) -> int:
        return len(self.readings)


NO_FILES = TurnFiles()


@dataclass(frozen=True)
class Screened:
    kept: list[Loaded]  # the files the model is sent, in the turn's order
    stored: tuple[dict[str, Any], ...]  # every file as stored with the message; documents with their `read_check`
    withheld: tuple[dict[str, Any], ...] = ()
    flagged: tuple[dict[str, Any], ...] = ()
    unchecked: tuple[dict[str, Any], ...] = ()

    def event(self) -> dict[str, Any] | None:
        """The `withheld` event's data (after `start`), or None when every document was checked and let through."""
        if not (self.withheld or self.flagged or self.unchecked):
            return None
        return {"withheld": list(self.withheld), "flagged": list(self.flagged), "unchecked": list(self.unchecked)}


def _problem(index: int, name: str, ko: str, en: str) -> ValidationFailedError:
    message = f"{name}: {ko} / {en}"
    return ValidationFailedError(message, details=[{"field": f"attachments[{index}]", "message": message}])


def read_texts(files: list[Loaded], checks: ReadChecks) -> TurnFiles:
    """Each document's text (module docstring, step 1); raises a 400 naming the first file that cannot be checked."""
    if not checks.enabled:
        return TurnFiles(tuple(Reading(f) for f in files))
    readings = []
    for index, f in enumerate(files):
        if f.spec.kind != "document":
            readings.append(Reading(f))
            continue
        try:
            text = document_text(f.spec.format, f.data, checks.max_document_chars)
        except UnreadableError as err:
            if checks.unreadable_documents == "refuse":
                ko = f"가드레일이 이 파일의 글을 읽을 수 없어 보낼 수 없습니다({err}). DOCX나 PDF로 저장해 다시 첨부하세요"
                en = f"the guardrail cannot read this file's text ({err}), so it is not sent; save it as DOCX or PDF and attach it again"
                raise _problem(index, f.name, ko, en) from err
            readings.append(Reading(f, unchecked="UNREADABLE"))
            continue
        except TooLongError as err:
            most = f"{checks.max_document_chars:,}"
            ko = f"문서의 글이 {most}자를 넘습니다. 가드레일은 문서마다 {most}자까지 검사합니다. 나누어 첨부하세요"
            en = f"the document has {err}; the guardrail checks at most {most} per document (read_checks.max_document_chars): split it"
            raise _problem(index, f.name, ko, en) from err
        except RefusedError as err:
            ko = "안전하게 읽을 수 없는 구조의 파일(압축 폭탄, XML 엔티티 확장 등)이라 읽지 않습니다"
            en = f"the file is not read: {err}"
            raise _problem(index, f.name, ko, en) from err
        readings.append(Reading(f, text) if text else Reading(f, unchecked="NO_TEXT"))
    return TurnFiles(tuple(readings))


def turn_files(caller: Caller, request: ChatRequest, model: ChatModelSpec, deps: Any) -> TurnFiles:
    """The turn's files checked (chat/attachments.py) and their documents' text read (`deps`: chat.turn_deps.ChatDeps)."""
    if not request.attachments:
        return NO_FILES
    if deps.attachments is None:
        raise ValidationFailedError("files cannot be attached here", details=[{"field": "attachments", "message": "not configured"}])
    loaded = deps.attachments.load(caller, request.attachments, model, deps.config.guardrail.images_guarded)
    return read_texts(loaded, deps.config.guardrail.read_checks)


def pieces(text: str) -> list[str]:
    """`text` in pieces of at most PIECE_CHARS characters, each overlapping the next by PIECE_OVERLAP."""
    step = PIECE_CHARS - PIECE_OVERLAP
    return [text[start : start + PIECE_CHARS] for start in range(0, max(1, len(text) - PIECE_OVERLAP), step)]


def _entry(reading: Reading, reasons: tuple[str, ...], sent: bool) -> dict[str, Any]:
    ko, en = _REASONS[reasons[0]]
    if sent:
        then = ("문제가 있지만 설정에 따라 모델에 보냈습니다", "the document was sent to the model anyway")
    else:
        then = ("모델에 보내지 않았습니다", "the document was not sent to the model")
    message = f"가드레일 검사 결과({ko}) {then[0]}. / The guardrail found {en}; {then[1]}."
    return {"document": reading.file.name, "key": reading.file.key, "reason": reasons[0], "reasons": list(reasons), "message": message}


def _unchecked(reading: Reading) -> dict[str, Any]:
    ko, en = _UNCHECKED[str(reading.unchecked)]
    reason = str(reading.unchecked)
    return {"document": reading.file.name, "key": reading.file.key, "reason": reason, "reasons": [reason], "message": f"{ko} / {en}"}


def screen(files: TurnFiles, deps: Any, meter: Meter) -> Screened:
    """The documents checked by the guardrail (`deps`: chat.turn_deps.ChatDeps), split into those the model reads and those it
    does not; no call when there is no text to check."""
    checks, prices = deps.config.guardrail.read_checks, deps.config.prices
    texts = [(r, pieces(r.text)) for r in files.readings if r.text is not None]
    flat = [p for _, cut in texts for p in cut]
    verdicts: list[TextVerdict] = []
    if flat:
        with meter.charging():
            meter.extend(guardrail_max([len(p) for p in flat], prices))  # 429 before the calls when no budget has room
            verdicts = check_texts(deps.bedrock, deps.guardrail_id, deps.guardrail_version, flat, checks.policies)
        meter.add(guardrail_cost([v.usage for v in verdicts], prices))
    hits: dict[int, tuple[str, ...]] = {}
    start = 0
    for reading, cut in texts:
        mine = verdicts[start : start + len(cut)]
        start += len(cut)
        found = {p for v in mine if v.withheld for p in v.reasons}
        if found:
            hits[id(reading)] = tuple(p for p in _REASONS if p in found)
    withhold = checks.action == "WITHHOLD"
    kept: list[Loaded] = []
    stored: list[dict[str, Any]] = []
    withheld: list[dict[str, Any]] = []
    flagged: list[dict[str, Any]] = []
    unchecked: list[dict[str, Any]] = []
    for reading in files.readings:
        record = reading.file.stored()
        reasons = hits.get(id(reading))
        if reasons:
            (withheld if withhold else flagged).append(_entry(reading, reasons, sent=not withhold))
            record["read_check"] = "withheld" if withhold else "flagged"
        elif reading.unchecked:
            unchecked.append(_unchecked(reading))
            record["read_check"] = "unchecked"
        elif reading.text is not None:
            record["read_check"] = "passed"
        if record.get("read_check") != "withheld":
            kept.append(reading.file)
        stored.append(record)
    if withheld or flagged:
        documents = [{"key": e["key"], "reasons": e["reasons"]} for e in (*withheld, *flagged)]
        logger.info("attached documents the guardrail intervened on", extra={"read_checks_action": checks.action, "documents": documents})
    return Screened(kept, tuple(stored), tuple(withheld), tuple(flagged), tuple(unchecked))
