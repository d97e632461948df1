"""Reading a ConverseStream answer: the text deltas to show, and what the stream says at its end; the events
the chat turn and the RAG answer produce (shared by their JSON and stream routes).

Events (botocore's bedrock-runtime model, ConverseStreamOutput): messageStart, contentBlockStart,
contentBlockDelta (text; a thinking model's reasoningContent, never shown; a document `citation`, kept in
`citations` as it came: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlockDelta.html),
contentBlockStop, messageStop (stopReason) and metadata (usage, metrics.latencyMs and, with trace enabled,
trace.guardrail). Exception events reach the reader as botocore errors (common/bedrock.py `stream_errors` maps them).

Memory stays bounded by the answer: the frames are read one at a time and dropped; only the shown text is
kept (it is stored), in a buffer that joins small pieces as it goes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from common.errors import UpstreamUnavailableError
from common.stream_stop import StreamControl

Kind = Literal["start", "withheld", "delta", "citation", "guardrail", "usage", "done"]  # withheld: RAG (rag/passage_checks.py)
CUT_SHORT = "Bedrock ended the answer without its final event; what arrived was not stored. Retry."
_JOIN_EVERY = 64


@dataclass(frozen=True)
class Event:
    """One event of a turn or an answer, as a stream sends it (`event: <kind>`, `data: <data as JSON>`)."""

    kind: Kind
    data: dict[str, Any]


class TextBuffer:
    """Text appended in many small pieces, kept as a few large strings (a 40-character str costs ~90 bytes)."""

    def __init__(self) -> None:
        self._joined: list[str] = []
        self._pieces: list[str] = []

    def add(self, text: str) -> None:
        self._pieces.append(text)
        if len(self._pieces) >= _JOIN_EVERY:
            self._joined.append("".join(self._pieces))
            self._pieces.clear()

    def text(self) -> str:
        return "".join(self._joined) + "".join(self._pieces)


@dataclass
class StreamedAnswer:
    """What one streamed answer produced. `interrupted` is the StreamControl's reason when it was cut short."""

    shown: TextBuffer = field(default_factory=TextBuffer)
    stop_reason: str | None = None
    usage: dict[str, int] | None = None
    reported_usage: dict[str, Any] | None = None  # the metadata's TokenUsage as Bedrock sent it (cache tokens included)
    latency_ms: float | None = None
    trace: dict[str, Any] | None = None
    interrupted: str | None = None
    citations: list[dict[str, Any]] = field(default_factory=list)  # the stream's CitationsDelta members, in order

    def as_response(self, text: str) -> dict[str, Any]:
        """The answer in Converse's response shape (for common.guardrail's readers), its text being `text`."""
        response: dict[str, Any] = {"stopReason": self.stop_reason, "output": {"message": {"content": [{"text": text}]}}}
        if self.trace:
            response["trace"] = self.trace
        return response


def relay(events: Iterable[dict[str, Any]], answer: StreamedAnswer, control: StreamControl | None) -> Iterator[str]:
    """The text deltas of `events`, never blank: whitespace alone waits for the next text (a trailing run is dropped).
    Before each delta it asks `control` whether to stop; then it records why and returns early."""
    held = ""
    for event in events:
        if "contentBlockDelta" in event:
            delta = event["contentBlockDelta"].get("delta", {})
            if "citation" in delta:
                answer.citations.append(delta["citation"])
            text = delta.get("text")
            if not text:
                continue  # reasoning (a model's thinking) is neither shown nor stored
            if control is not None:
                answer.interrupted = control.stop_reason()
                if answer.interrupted:
                    return
            if not text.strip():
                held += text
                continue
            text, held = held + text, ""
            answer.shown.add(text)
            yield text
        elif "messageStop" in event:
            answer.stop_reason = str(event["messageStop"].get("stopReason"))
        elif "metadata" in event:
            _read_metadata(event["metadata"], answer)
    if answer.stop_reason is None:
        raise UpstreamUnavailableError(CUT_SHORT)


def _read_metadata(metadata: dict[str, Any], answer: StreamedAnswer) -> None:
    usage = metadata.get("usage") or {}
    if usage:
        answer.reported_usage = dict(usage)
        answer.usage = {"input_tokens": int(usage.get("inputTokens", 0)), "output_tokens": int(usage.get("outputTokens", 0))}
    latency = (metadata.get("metrics") or {}).get("latencyMs")
    if latency is not None:
        answer.latency_ms = float(latency[0] if isinstance(latency, list) else latency)
    if metadata.get("trace"):
        answer.trace = metadata["trace"]
