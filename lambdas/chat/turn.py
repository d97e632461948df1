"""A chat turn as a sequence of events: the one implementation behind POST /chat and POST /chat/stream.

load the window → guard the inputs → call the model (Converse, or ConverseStream when streaming) → commit
the turn once, whole. POST /chat collects the events into one JSON answer (chat.service.send_message);
POST /chat/stream sends each as a server-sent event (chat/stream.py). In order:

    start {stream_id, conversation_id, model_id} · delta {text}… (citation {…} after a delta that cites a document:
    chat/doc_citations.py) · guardrail {intervened, action, policies, message} (when it acted) · usage {input_tokens,
    output_tokens, stop_reason, latency_ms} · done {stored, notice?}

Whatever can refuse the request (validation, an unknown conversation, a model that is not allowed, a call
Bedrock refuses) happens before `start`, so a stream answers it as a plain JSON error. What is stored is what
the user was shown: the reply as sent (masked by the guardrail) or, when the guardrail blocked, the blocked
marker and message. A stream stopped part-way (a stop request, the client gone, the time limit) stores what
was produced, flagged `interrupted`; a model error part-way raises (the stream's `error` event) and stores nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

from chat.models import ChatRequest
from chat.turn_deps import ChatDeps
from chat.turn_plan import Plan, make_plan
from common.auth import Caller
from common.bedrock import bedrock_errors, call_bedrock, stream_errors
from common.conversations import BLOCKED_MARKER, Turn, title_from
from common.guard_text import combined, guard_texts
from common.guardrail import GuardrailOutcome, mask_input, mask_output, outcome_from_converse
from common.observability import GUARDRAIL_INTERVENTIONS, MetricUnit, metrics, record_model_call
from common.stream_reader import Event, StreamedAnswer, relay
from common.stream_stop import StreamControl
from common.text import BLANK_REPLY_NOTE, is_blank, reply_text
from common.usage.calls import converse_metered, interrupted_metered
from common.usage.prices import guardrail_cost

INTERRUPTED_NOTE = "[중단된 응답: 글이 나오기 전에 멈췄습니다 / Interrupted before any text was written]"
TIME_LIMIT = {
    "code": "time_limit",
    "message": "응답이 함수의 시간 제한에 가까워 여기서 멈췄습니다. / The answer stopped here: the function's time limit was near.",
}


def run_turn(caller: Caller, request: ChatRequest, deps: ChatDeps, control: StreamControl | None = None) -> Iterator[Event]:
    """The turn's events; `control` (a stream's) makes it a ConverseStream call that stops when asked."""
    plan = make_plan(caller, request, deps, streaming=control is not None)
    stream_id = control.stream_id if control else None
    with plan.meter.charging():  # a turn that fails settles what it consumed, or gives its reservation back
        if plan.blocked_system is not None:
            yield from _blocked_system_prompt(plan, deps, plan.blocked_system, stream_id)
        elif control is None:
            yield from _answered(plan, deps)
        else:
            yield from _streamed(plan, deps, control)


def _start(plan: Plan, stream_id: str | None) -> Iterator[Event]:
    """`start`, then the attached documents the guardrail withheld, flagged or could not check, if any."""
    yield Event("start", {"stream_id": stream_id, "conversation_id": plan.conversation_id, "model_id": plan.model.id})
    if plan.screened:
        yield Event("withheld", plan.screened)


def _answered(plan: Plan, deps: ChatDeps) -> Iterator[Event]:
    """Converse: the whole reply at once."""
    started = time.perf_counter()
    with bedrock_errors(plan.model.id):
        response = call_bedrock(deps.bedrock.converse, **plan.call)
    latency_ms = (time.perf_counter() - started) * 1000
    yield from _start(plan, None)
    # Text blocks only: a model that thinks answers a reasoningContent block first, never shown, stored or sent back.
    reply = reply_text(response)
    if reply:
        yield Event("delta", {"text": reply})
    yield from plan.cited.events(response)  # the passages its citationsContent blocks cite (chat/doc_citations.py)
    message_outcome = outcome_from_converse(response)
    blocked_input = message_outcome.input_blocked  # then no inference is charged (common/usage/calls.py)
    plan.meter.add(*converse_metered(plan.model, response["usage"], response, deps.config.prices, input_blocked=blocked_input))
    usage = {"input_tokens": int(response["usage"]["inputTokens"]), "output_tokens": int(response["usage"]["outputTokens"])}
    stored_user = BLOCKED_MARKER if message_outcome.input_blocked else mask_input(plan.request.message, response)
    yield from _finish(plan, deps, message_outcome, reply, stored_user, usage, response["stopReason"], latency_ms)


def _streamed(plan: Plan, deps: ChatDeps, control: StreamControl) -> Iterator[Event]:
    """ConverseStream: deltas as the model writes them; the guardrail's stream mode on ConverseStream only."""
    call = {**plan.call, "guardrailConfig": {**plan.call["guardrailConfig"], "streamProcessingMode": deps.config.guardrail_stream_mode}}
    started = time.perf_counter()
    with bedrock_errors(plan.model.id):
        response = call_bedrock(deps.bedrock.converse_stream, **call)
    answer = StreamedAnswer()
    events = response["stream"]
    try:
        yield from _start(plan, control.stream_id)
        with stream_errors(plan.model.id):
            yield from plan.cited.relayed(relay(events, answer, control), answer)  # deltas, and citations as they come
    except BaseException:
        # Failed part-way (an error event, a cut connection): what was produced was paid for. run_turn's meter then
        # settles it (over-counting, never under: the text may have been billed whatever the error).
        _meter_produced(plan, deps, answer.shown.text(), answer)
        raise
    finally:
        events.close()  # done, stopped or failed: the connection to Bedrock is let go (a stopped answer stops there)
    latency_ms = answer.latency_ms if answer.latency_ms is not None else (time.perf_counter() - started) * 1000
    shown = answer.shown.text()
    if answer.interrupted:
        yield from _interrupted(plan, deps, shown, answer)
        return
    response_like = answer.as_response(shown)
    message_outcome = outcome_from_converse(response_like)
    reported = answer.reported_usage or {}  # ConverseStreamMetadataEvent: usage is required in the final event
    plan.meter.add(*converse_metered(plan.model, reported, response_like, deps.config.prices, input_blocked=message_outcome.input_blocked))
    if message_outcome.action == "BLOCKED":
        # Never the raw text: what was shown is replaced by the guardrail's message (the client does the same).
        blocked = deps.config.guardrail
        message = blocked.blocked_input_message if message_outcome.input_blocked else blocked.blocked_output_message
        message_outcome = replace(message_outcome, message=message)
        reply = message
    else:
        reply = mask_output(shown, response_like)
    stored_user = BLOCKED_MARKER if message_outcome.input_blocked else mask_input(plan.request.message, response_like)
    usage = answer.usage or {"input_tokens": 0, "output_tokens": 0}
    yield from _finish(plan, deps, message_outcome, reply, stored_user, usage, str(answer.stop_reason), latency_ms)


def _finish(
    plan: Plan,
    deps: ChatDeps,
    message_outcome: GuardrailOutcome,
    reply: str,
    stored_user: str,
    usage: dict[str, int],
    stop_reason: str,
    latency_ms: float,
) -> Iterator[Event]:
    outcome = combined(plan.system_outcome, message_outcome)  # a masked system prompt is reported with the reply
    record_model_call(plan.model.id, usage, intervened=outcome.intervened, latency_ms=latency_ms)
    blank = is_blank(reply)  # e.g. a stop sequence that matched at once: answered as is, never sent back to the model
    turn = Turn(
        stored_user, BLANK_REPLY_NOTE if blank else reply, outcome.action == "BLOCKED", plan.model.id, usage, stop_reason, excluded=blank
    )
    _commit(plan, deps, turn)
    if outcome.intervened:
        yield Event("guardrail", outcome.to_dict())
    yield Event("usage", {**usage, "stop_reason": stop_reason, "latency_ms": round(latency_ms)})
    yield _done(plan, "blocked" if outcome.action == "BLOCKED" else "complete")


def _interrupted(plan: Plan, deps: ChatDeps, shown: str, answer: StreamedAnswer) -> Iterator[Event]:
    """Stored once with what was produced. The stream's guardrail trace (its last event) never came, so the user's
    message is masked by ApplyGuardrail before it is stored; the reply was shown as Bedrock sent it."""
    _meter_produced(plan, deps, shown, answer)
    guarded = guard_texts(deps.bedrock, deps.guardrail_id, deps.guardrail_version, [plan.request.message])
    plan.meter.add(guardrail_cost([guarded.usage], deps.config.prices))
    stored_user = BLOCKED_MARKER if guarded.outcome.action == "BLOCKED" else guarded.texts[0]
    blank = is_blank(shown)
    usage = answer.usage or {"input_tokens": 0, "output_tokens": 0}  # Bedrock reports usage in the last event only
    turn = Turn(
        stored_user, INTERRUPTED_NOTE if blank else shown, False, plan.model.id, usage, "interrupted", excluded=blank, interrupted=True
    )
    _commit(plan, deps, turn)
    yield _done(plan, "interrupted", TIME_LIMIT if answer.interrupted == "time_limit" else None)


def _meter_produced(plan: Plan, deps: ChatDeps, shown: str, answer: StreamedAnswer) -> None:
    """A stream that ended before its final event (stopped, timed out, failed): what Bedrock reported if that event
    came after all, else estimated from what was sent and produced (common/usage/calls.py)."""
    prices = deps.config.prices
    if answer.reported_usage is not None:
        plan.meter.add(*converse_metered(plan.model, answer.reported_usage, answer.as_response(shown), prices, input_blocked=False))
    else:
        plan.meter.add(*interrupted_metered(plan.model, plan.tokens_in, shown, [len(plan.request.message)], prices))


def _blocked_system_prompt(plan: Plan, deps: ChatDeps, outcome: GuardrailOutcome, stream_id: str | None) -> Iterator[Event]:
    """Answered and stored like a blocked message: the blocked-input text, a marker for the user's turn,
    no model call; the conversation keeps the system prompt it had."""
    reply = outcome.message or deps.config.guardrail.blocked_input_message
    usage = {"input_tokens": 0, "output_tokens": 0}
    metrics.add_metric(name=GUARDRAIL_INTERVENTIONS, unit=MetricUnit.Count, value=1)
    yield from _start(plan, stream_id)
    yield Event("delta", {"text": reply})
    _commit(plan, deps, Turn(BLOCKED_MARKER, reply, True, plan.model.id, usage, "guardrail_intervened"))
    yield Event("guardrail", outcome.to_dict())
    yield Event("usage", {**usage, "stop_reason": "guardrail_intervened", "latency_ms": 0})
    yield _done(plan, "blocked")


def _commit(plan: Plan, deps: ChatDeps, turn: Turn) -> None:
    """The turn's one write: both messages, the summary and the usage settle (common/conversations.py)."""
    deps.store.append_turn(
        plan.caller.sub,
        plan.conversation_id,
        replace(turn, attachments=plan.files, citations=() if turn.blocked else plan.cited.stored()),
        new=plan.new,
        title=title_from(turn.user) if plan.new else "",
        system_prompt=plan.keep_system,
        extra=plan.meter.settle_items(),
    )
    plan.meter.committed()


def _done(plan: Plan, stored: str, fallback: dict[str, str] | None = None) -> Event:
    notice = plan.notice.model_dump() if plan.notice else fallback
    return Event("done", {"stored": stored, **({"notice": notice} if notice else {})})
