"""ConverseStream, streamed for real: event-stream frames written as the offline model produces them.

Headers and `messageStart` go at once; the text follows in 40-character `contentBlockDelta` chunks, the first
after `sim.first_token_ms` and each later one `sim.token_ms` per token after the one before (the schedule is
absolute, so sleeps never drift); then `contentBlockStop`, the cited parts of the answer (document citations: each a
block of its own, its `citation` delta first, then its text: local/bedrock_sim/citations.py), `messageStop` and
`metadata` (usage, metrics and, when traced, the guardrail trace). A client that goes away ends the stream at its
next write.

The guardrail's `streamProcessingMode` (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-streaming.html):

- `sync` (AWS's default): "guardrails will buffer and apply the configured policies to one or more response
  chunks before the response is sent back to the user". AWS does not document how much it buffers. The
  simulator holds back a batch of at least SYNC_BATCH_CHARS characters ending at a space or line break (so a
  word or an e-mail address is never split between two checks), checks it, and sends it masked; a batch the
  guardrail blocks is replaced by the blocked-output message and the stream ends (`guardrail_intervened`).
  An entity written across a batch boundary (one containing spaces, e.g. `010 1234 5678`) is not masked.
- `async`: "sends the response chunks to the user as soon as they become available, while asynchronously
  applying the configured policies in the background … As soon as inappropriate content is identified,
  subsequent chunks will be blocked". Chunks go out as written; each batch is checked once its last chunk
  went out, and when the guardrail acts on one, no later chunk is sent and the stop reason is
  `guardrail_intervened`. Nothing is masked ("Amazon Bedrock Guardrails doesn't support the masking of
  sensitive information with asynchronous mode"): what was sent stays sent.

What AWS sends in the stream when the guardrail intervenes is not documented (research-13 §4.2): the
simulator's choices are the ones above. A blocked input answers the blocked-input message as the text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from local.bedrock_sim import citations, eventstream
from local.bedrock_sim.conversation import Draft, result_document
from local.bedrock_sim.model import tokens

if TYPE_CHECKING:
    from local.bedrock_sim.server import BedrockSimulator

CHUNK_CHARS = 40
SYNC_BATCH_CHARS = 200
# ConverseStreamOutput's exception events (botocore's bedrock-runtime model).
EXCEPTIONS = (
    "internalServerException",
    "modelStreamErrorException",
    "validationException",
    "throttlingException",
    "serviceUnavailableException",
)


def converse_stream(sim: BedrockSimulator, answer: Draft, mode: str) -> tuple[int, dict[str, str], Iterator[bytes]]:
    pace = (sim.first_token_ms / 1000, sim.token_ms / 1000)
    return 200, {"Content-Type": "application/vnd.amazon.eventstream"}, _watched(sim, _frames(sim, answer, mode, pace, sim.stream_fault()))


def _watched(sim: BedrockSimulator, frames: Iterator[bytes]) -> Iterator[bytes]:
    """`frames`, counting a stream its client closed before the end in `sim.streams_cut` (the model stopped writing)."""
    try:
        yield from frames
    except GeneratorExit:
        with sim._lock:
            sim.streams_cut += 1
        raise


def batches(text: str, size: int = SYNC_BATCH_CHARS) -> list[str]:
    """`text` in pieces of at least `size` characters, each ending after whitespace (the last: whatever is left)."""
    pieces, start = [], 0
    for match in re.finditer(r"\s+", text):
        if match.end() - start >= size and match.end() < len(text):
            pieces.append(text[start : match.end()])
            start = match.end()
    return [*pieces, text[start:]] if start < len(text) or not pieces else pieces


def _chunks(text: str) -> list[str]:
    return [text[i : i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)]


class _Clock:
    """When each chunk is written: first token after `first`, then `per_token` seconds a token."""

    def __init__(self, first: float, per_token: float) -> None:
        self._start, self._first, self._per_token, self._tokens = time.monotonic(), first, per_token, 0

    def wait_for(self, text: str) -> None:
        """Sleep until the model has written `text` (the next piece after what came before)."""
        self._tokens += tokens(text)
        due = self._start + self._first + self._tokens * self._per_token
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)


def _frames(sim: BedrockSimulator, answer: Draft, mode: str, pace: tuple[float, float], fault: Any) -> Iterator[bytes]:
    yield eventstream.event("messageStart", {"role": "assistant"})
    index = 0
    if answer.reasoning:
        thinking = answer.reasoning["reasoningText"]
        yield _delta(0, {"reasoningContent": {"text": thinking["text"]}})
        if "signature" in thinking:
            yield _delta(0, {"reasoningContent": {"signature": thinking["signature"]}})
        yield eventstream.event("contentBlockStop", {"contentBlockIndex": 0})
        index = 1
    clock = _Clock(*pace)
    sent, chars, cjk = 0, 0, 0  # chunks and characters sent so far, for the token count (the text is not kept twice)
    stop_reason = answer.stop_reason
    checked = answer.guard is not None and not answer.input_blocked
    assessments: list[dict[str, Any]] = []
    for batch in batches(answer.text) if checked else [answer.text]:
        outcome = None
        if checked and mode == "sync":
            clock.wait_for(batch)  # held back until the whole batch is written and checked
            outcome = sim.guardrail.check(batch, "OUTPUT", sources=answer.sources, query=answer.query)
            assessments.append(outcome.assessment)
            batch = outcome.text
        for chunk in _chunks(batch):
            if fault is not None and sent >= fault.after_chunks:
                yield eventstream.exception(fault.code, f"Injected {fault.code} part-way through the stream (offline simulator)")
                return
            if not (checked and mode == "sync") and not answer.input_blocked:
                clock.wait_for(chunk)
            sent, chars, cjk = sent + 1, chars + len(chunk), cjk + sum(1 for ch in chunk if ord(ch) >= 0x1100)
            yield _delta(index, {"text": chunk})
        if checked and mode == "async":
            outcome = sim.guardrail.check(batch, "OUTPUT", sources=answer.sources, query=answer.query)
            assessments.append(outcome.assessment)
        if outcome is not None and outcome.intervened:
            stop_reason = "guardrail_intervened"
            if outcome.blocked or mode == "async":
                break  # later chunks are never sent
    if not answer.text:
        yield _delta(index, {"text": ""})  # an empty reply is still one (empty) text block
    yield eventstream.event("contentBlockStop", {"contentBlockIndex": index})
    for block in answer.cited if stop_reason != "guardrail_intervened" else []:  # local/bedrock_sim/citations.py
        index += 1
        yield from (_delta(index, {"citation": citation}) for citation in block["citationsContent"]["citations"])
        for chunk in _chunks(citations.text_of([block])):
            clock.wait_for(chunk)
            sent, chars, cjk = sent + 1, chars + len(chunk), cjk + sum(1 for ch in chunk if ord(ch) >= 0x1100)
            yield _delta(index, {"text": chunk})
        yield eventstream.event("contentBlockStop", {"contentBlockIndex": index})
    yield eventstream.event("messageStop", {"stopReason": stop_reason})
    if checked:
        answer.trace["outputAssessments"] = {sim.guardrail_id: assessments}
    written = max(1, (chars - cjk + 3) // 4 + cjk) if chars else 0  # model.tokens() of the text sent
    result = result_document(answer, "", stop_reason, 0 if answer.input_blocked else written + answer.thought_tokens)
    yield eventstream.event("metadata", {k: result[k] for k in ("usage", "metrics", "trace") if k in result})


def _delta(index: int, delta: dict[str, Any]) -> bytes:
    return eventstream.event("contentBlockDelta", {"contentBlockIndex": index, "delta": delta})
