"""One streamed answer as the clients show it, built event by event (no Streamlit, no I/O: tested plainly).

The events are the API's (docs/api.md#streaming-post-chatstream-and-post-ragquerystream): start, withheld (RAG:
passages the guardrail kept from the model; chat: attached documents it withheld, flagged or could not check), delta,
citation, guardrail, usage, done, error. The page and the `genai` command both feed them to a `Reply`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ui.client import ServerEvent
from ui.i18n import t

THINKING = "생각 중… / Thinking…"
STOPPING = "중지하는 중… / Stopping…"
INTERRUPTED = "중단된 답변: 멈출 때까지 쓴 내용입니다 / Interrupted: the answer as far as it got when it was stopped."

# A Korean headline for each error code of the API (docs/api.md#errors); the API's own message follows in English.
HEADLINES = {
    "validation_error": "요청 값이 올바르지 않습니다",
    "bad_request": "요청을 처리할 수 없습니다",
    "unauthorized": "다시 로그인하세요",
    "forbidden": "권한이 없습니다",
    "not_found": "찾을 수 없습니다",
    "payload_too_large": "요청이 너무 큽니다",
    "throttled": "요청이 많습니다. 잠시 후 다시 시도하세요",
    "upstream_unavailable": "모델 또는 저장소를 지금 쓸 수 없습니다. 다시 시도하세요",
    "model_not_enabled": "이 모델은 아직 사용할 수 없습니다 (운영자 확인 필요)",
    "upstream_timeout": "모델이 제시간에 답하지 않았습니다. 더 짧게 요청하고 다시 시도하세요",
    "guardrail_mismatch": "가드레일 결과를 맞출 수 없습니다. 다시 시도하세요",
    "stream_broken": "스트림이 끊겼습니다",
    "unreachable": "API에 연결할 수 없습니다",
}


@dataclass
class Reply:
    """What the user sees of one streamed answer so far."""

    stream_id: str | None = None
    conversation_id: str | None = None
    model_id: str | None = None
    text: str = ""  # the answer as shown: the deltas, or the guardrail's message once it blocked
    citations: list[dict[str, Any]] = field(default_factory=list)
    withheld: list[dict[str, Any]] = field(default_factory=list)  # RAG: passages the guardrail kept from the model
    flagged: list[dict[str, Any]] = field(default_factory=list)  # RAG: passages it intervened on, sent anyway (FLAG)
    unchecked: list[dict[str, Any]] = field(default_factory=list)  # chat: documents sent without a check (no text, unreadable)
    guardrail: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    done: dict[str, Any] | None = None
    error: dict[str, Any] | None = None  # the API's error body {"error": {code, message, details?}, "request_id"}
    stopped: bool = False  # the user asked it to stop (it is interrupted once `done` says so)

    @property
    def screened(self) -> dict[str, list[dict[str, Any]]]:
        """The `withheld` event's lists (chat: attached documents, ui/document_notes.py)."""
        return {"withheld": self.withheld, "flagged": self.flagged, "unchecked": self.unchecked}

    def apply(self, event: ServerEvent) -> None:
        data = event.data
        if event.kind == "start":
            self.stream_id, self.conversation_id, self.model_id = data.get("stream_id"), data.get("conversation_id"), data.get("model_id")
        elif event.kind == "delta":
            self.text += str(data.get("text", ""))
        elif event.kind == "withheld":
            self.withheld, self.flagged = list(data.get("withheld") or []), list(data.get("flagged") or [])
            self.unchecked = list(data.get("unchecked") or [])  # chat's attached documents (ui/document_notes.py)
        elif event.kind == "citation":
            self.citations.append(data)
        elif event.kind == "guardrail":
            self.guardrail = data
            if data.get("action") == "BLOCKED":  # what was shown (and its citations) gives way to the message
                self.text, self.citations = str(data.get("message") or ""), []
        elif event.kind == "usage":
            self.usage = data
        elif event.kind == "done":
            self.done = data
        elif event.kind == "error":
            self.error = data

    @property
    def blocked(self) -> bool:
        return bool(self.guardrail and self.guardrail.get("action") == "BLOCKED")

    @property
    def interrupted(self) -> bool:
        return bool(self.done and self.done.get("stored") == "interrupted")


def usage_line(usage: dict[str, Any] | None) -> str:
    """`21 → 18 tokens · end_turn · 0.8 s`, or "" without usage (a stopped stream has none)."""
    if not usage:
        return ""
    seconds = float(usage.get("latency_ms") or 0) / 1000
    return f"{usage.get('input_tokens', '?')} → {usage.get('output_tokens', '?')} tokens · {usage.get('stop_reason', '')} · {seconds:.1f} s"


SETTLE_AFTER = 4000  # characters of live text before finished paragraphs are frozen


def settled_split(text: str, start: int) -> int:
    """Where the text still changing begins: `start`, or later when more than SETTLE_AFTER characters follow it
    and a paragraph break outside a code fence lets what comes before it be shown once and left alone (so a long
    answer does not resend everything on each delta)."""
    if len(text) - start <= SETTLE_AFTER:
        return start
    cut = text.rfind("\n\n", start, len(text) - 1)
    if cut < 0 or text.count("```", 0, cut) % 2:
        return start
    return cut + 2


def _documents(passages: list[dict[str, Any]]) -> str:
    return ", ".join(dict.fromkeys(str(p.get("document") or p.get("uri") or "?") for p in passages))


def withheld_lines(withheld: list[dict[str, Any]], flagged: list[dict[str, Any]]) -> list[str]:
    """The RAG answer's withheld and flagged passages as bilingual lines (the `genai rag` command's stderr), e.g.
    `검토 결과 제외된 문서 1건 / 1 passages withheld: notes.md`; none when the guardrail let every passage through."""
    lines = []
    for key, passages in (("rag.withheld", withheld), ("rag.flagged", flagged)):
        if passages:
            n = len(passages)
            lines.append(f"{t(key, 'ko', n=n)} / {t(key, 'en', n=n)}: {_documents(passages)}")
    return lines
