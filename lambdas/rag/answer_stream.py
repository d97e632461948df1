"""A knowledge-base answer as a sequence of events: the one implementation behind POST /rag/query (collected
into one JSON answer by rag.query.answer) and POST /rag/query/stream (server-sent events, rag/stream.py).

    start {stream_id, conversation_id, model_id} · withheld {withheld, flagged} (when the guardrail intervened on a
    retrieved passage, rag/passage_checks.py) · delta {text}… · citation {…} (each passage as soon as the
    answer names it) · guardrail {…} (when it acted) · usage {input_tokens, output_tokens, stop_reason,
    latency_ms} · done {stored: "not_stored"} (RAG answers are not stored)

Checks and retrieval come before `start` (a stream answers them as JSON errors). With no relevant passage
the fixed sentence is the one delta and no model is called. LangChain's ChatBedrockConverse calls Converse
(`invoke`) or ConverseStream (`stream`) itself, through SafeClient (the paid-call rule). Its stream hands on
each event's fields as an AIMessageChunk (text blocks in `content`; messageStop and metadata, the guardrail
trace included, in `response_metadata`); an exception event reaches us as botocore's error or, for one it
does not know, a ValueError, and a stream that ends without messageStop as a ConnectionError: each is an
`error` event, never retried.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from common.auth import Caller
from common.bedrock import bedrock_errors, stream_errors
from common.errors import UpstreamUnavailableError
from common.guardrail import outcome_from_converse
from common.observability import record_model_call
from common.stream_reader import CUT_SHORT, Event, StreamedAnswer, relay
from common.stream_stop import StreamControl
from common.text import text_blocks
from common.usage.calls import converse_metered, interrupted_metered
from common.usage.estimate import input_bound
from rag.metering import bedrock_usage
from rag.query import NO_PASSAGES, Citations, Prepared, RagDeps, RagQuery, citations, language, llm, prepare

MODEL_FAILED = "Bedrock reported an error part-way through the answer; nothing more will come. Retry."
TIME_LIMIT = {
    "code": "time_limit",
    "message": "응답이 함수의 시간 제한에 가까워 여기서 멈췄습니다. / The answer stopped here: the function's time limit was near.",
}


def answer_events(
    request: RagQuery, deps: RagDeps, history: list[dict[str, str]], control: StreamControl | None = None, *, caller: Caller | None = None
) -> Iterator[Event]:
    """`caller` (the Cognito identity) is metered: the answer's most is reserved before Retrieve (429 when no budget
    has room), settled to what it cost after; without one the answer is not metered."""
    prepared = prepare(request, deps, history, streaming=control is not None, caller=caller)
    start = Event(
        "start",
        {"stream_id": control.stream_id if control else None, "conversation_id": request.conversation_id, "model_id": prepared.model.id},
    )
    with prepared.meter.charging():  # a failure settles what was consumed (the embedding), or releases
        if prepared.messages is None:
            yield from _opening(start, prepared)
            yield Event("delta", {"text": NO_PASSAGES[language(request.question)]})
            yield Event("usage", {"input_tokens": 0, "output_tokens": 0, "stop_reason": "end_turn", "latency_ms": 0})
            prepared.meter.settle()
            yield Event("done", {"stored": "not_stored"})
        elif control is None:
            yield from _answered(prepared, deps, start)
        else:
            yield from _streamed(prepared, deps, start, control)


def _opening(start: Event, prepared: Prepared) -> Iterator[Event]:
    """`start`, then the passages the guardrail withheld or flagged, if any (before the answer that lacks them)."""
    yield start
    screened = prepared.screened.event()
    if screened is not None:
        yield Event("withheld", screened)


def _answered(prepared: Prepared, deps: RagDeps, start: Event) -> Iterator[Event]:
    model = prepared.model
    with bedrock_errors(model.id):
        reply = llm(deps, model.id, prepared.options).invoke(prepared.messages)
    yield from _opening(start, prepared)
    text = text_blocks(reply.content)
    if text:
        yield Event("delta", {"text": text})
    response = {**reply.response_metadata, "output": {"message": {"content": [{"text": text}]}}}
    outcome = outcome_from_converse(response)
    reported = bedrock_usage(reply.usage_metadata)
    prepared.meter.add(*converse_metered(model, reported, response, deps.config.prices, input_blocked=outcome.input_blocked))
    prepared.meter.settle()
    usage = {"input_tokens": int(reply.usage_metadata["input_tokens"]), "output_tokens": int(reply.usage_metadata["output_tokens"])}
    latency = (response.get("metrics") or {}).get("latencyMs")
    latency_ms = float(latency[0] if isinstance(latency, list) else latency) if latency is not None else None
    record_model_call(model.id, usage, intervened=outcome.intervened, latency_ms=latency_ms)
    if outcome.action != "BLOCKED":
        yield from (Event("citation", c) for c in citations(text, prepared.passages, deps))
    if outcome.intervened:
        yield Event("guardrail", outcome.to_dict())
    yield Event("usage", {**usage, "stop_reason": str(response.get("stopReason")), "latency_ms": round(latency_ms or 0)})
    yield Event("done", {"stored": "not_stored"})


def _streamed(prepared: Prepared, deps: RagDeps, start: Event, control: StreamControl) -> Iterator[Event]:
    model = prepared.model
    started = time.perf_counter()
    chunks = iter(llm(deps, model.id, prepared.options, deps.config.guardrail_stream_mode).stream(prepared.messages))
    answer, opened = StreamedAnswer(), False
    try:
        with _langchain_errors(model.id):
            first = next(chunks, None)  # LangChain calls ConverseStream here: what Bedrock refuses is still a JSON error
        opened = True  # from here the model writes, and what it writes is paid for
        yield from _opening(start, prepared)
        cited = Citations(prepared.passages, deps)
        with _langchain_errors(model.id):
            for text in relay(_events([first] if first is not None else [], chunks), answer, control):
                yield Event("delta", {"text": text})
                yield from (Event("citation", c) for c in cited.named_in(text))
    except BaseException:
        if opened:  # failed part-way: what was produced is metered, and answer_events' meter settles it
            _meter_produced(prepared, deps, answer)
        raise
    finally:
        getattr(chunks, "close", lambda: None)()  # stopped or failed: LangChain closes its ConverseStream
    if answer.interrupted:
        _meter_produced(prepared, deps, answer)
        prepared.meter.settle()
        yield Event("done", {"stored": "not_stored", **({"notice": TIME_LIMIT} if answer.interrupted == "time_limit" else {})})
        return
    latency_ms = answer.latency_ms if answer.latency_ms is not None else (time.perf_counter() - started) * 1000
    outcome = outcome_from_converse(answer.as_response(answer.shown.text()))
    if outcome.action == "BLOCKED":  # the client replaces what it showed (and its citations) with the message
        blocked = deps.config.guardrail
        outcome = replace(outcome, message=blocked.blocked_input_message if outcome.input_blocked else blocked.blocked_output_message)
    usage = answer.usage or {"input_tokens": 0, "output_tokens": 0}
    prices = deps.config.prices
    response_like = answer.as_response(answer.shown.text())
    prepared.meter.add(*converse_metered(model, answer.reported_usage or {}, response_like, prices, input_blocked=outcome.input_blocked))
    prepared.meter.settle()
    record_model_call(model.id, usage, intervened=outcome.intervened, latency_ms=latency_ms)
    if outcome.intervened:
        yield Event("guardrail", outcome.to_dict())
    yield Event("usage", {**usage, "stop_reason": str(answer.stop_reason), "latency_ms": round(latency_ms)})
    yield Event("done", {"stored": "not_stored"})


def _meter_produced(prepared: Prepared, deps: RagDeps, answer: StreamedAnswer) -> None:
    """A stream that ended before its final event (stopped, timed out, failed): Bedrock's usage never came, so it is
    estimated (common/usage/calls.py) from what was sent (the messages' text) and what was produced."""
    shown, prices = answer.shown.text(), deps.config.prices
    if answer.reported_usage is not None:
        prepared.meter.add(*converse_metered(prepared.model, answer.reported_usage, answer.as_response(shown), prices, input_blocked=False))
    else:
        texts = [_text_of(m.content) for m in prepared.messages or []]
        tokens_in = input_bound(texts, len(texts) + 1)
        prepared.meter.add(*interrupted_metered(prepared.model, tokens_in, shown, [sum(map(len, texts))], prices))


def _text_of(content: Any) -> str:
    """A LangChain message's text, guard content included."""
    if isinstance(content, str):
        return content
    blocks = [b for b in content if isinstance(b, dict)]
    parts = [b.get("text") or b.get("value", {}).get("guardContent", {}).get("text", {}).get("text", "") for b in blocks]
    return "".join(p for p in parts if isinstance(p, str))


def _events(first: Iterable[Any], chunks: Iterator[Any]) -> Iterator[dict[str, Any]]:
    """LangChain's chunks as ConverseStream's events (common/stream_reader.py reads those)."""
    for source in (first, chunks):
        for chunk in source:
            content = chunk.content if isinstance(chunk.content, list) else [{"type": "text", "text": chunk.content}]
            for block in content:
                if isinstance(block, dict) and block.get("type") == "text" and block.get("text"):
                    yield {"contentBlockDelta": {"delta": {"text": block["text"]}}}
            meta = dict(chunk.response_metadata or {})
            if "stopReason" in meta:
                yield {"messageStop": {"stopReason": meta["stopReason"]}}
            if getattr(chunk, "usage_metadata", None):  # LangChain moves the metadata event's usage here
                meta["usage"] = bedrock_usage(chunk.usage_metadata)
            if any(key in meta for key in ("usage", "metrics", "trace")):
                yield {"metadata": {key: meta[key] for key in ("usage", "metrics", "trace") if key in meta}}


@contextmanager
def _langchain_errors(model_id: str) -> Iterator[None]:
    try:
        with stream_errors(model_id):
            yield
    except ConnectionError as err:  # LangChain: "Incomplete Bedrock response stream: missing messageStop event."
        raise UpstreamUnavailableError(CUT_SHORT) from err
    except ValueError as err:  # LangChain: "Received AWS exception <name>" for an exception event botocore passed on
        raise UpstreamUnavailableError(MODEL_FAILED) from err
