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
from dataclasses import dataclass, field, replace
from typing import Any

from chat.attachments import Attachments
from chat.doc_citations import DocumentCitations, citations_on, request_citations
from chat.document_checks import screen, turn_files
from chat.file_blocks import history_messages, turn_content
from chat.metering import turn_estimate
from chat.models import ChatRequest, Notice
from common.allowed_models import allowed_chat_model
from common.auth import Caller
from common.bedrock import bedrock_errors, call_bedrock, stream_errors
from common.conversations import BLOCKED_MARKER, ConversationStore, Turn, new_conversation_id, title_from
from common.custom_models import ModelRegistry, is_allowed, pick_model
from common.errors import NotFoundError, ValidationFailedError
from common.guard_text import combined, guard_texts
from common.guardrail import NOT_APPLIED, GuardrailOutcome, mask_input, mask_output, outcome_from_converse
from common.observability import GUARDRAIL_INTERVENTIONS, MetricUnit, metrics, record_model_call
from common.params import converse_options
from common.prompt_cache import window_full, with_cache_points
from common.runtime_config import ChatModelSpec, RuntimeConfig
from common.stream_reader import Event, StreamedAnswer, relay
from common.stream_stop import StreamControl
from common.text import BLANK_REPLY_NOTE, is_blank, reply_text
from common.usage.calls import converse_metered, interrupted_metered
from common.usage.meter import UNMETERED, Meter, Metering
from common.usage.prices import guardrail_cost

INTERRUPTED_NOTE = "[중단된 응답: 글이 나오기 전에 멈췄습니다 / Interrupted before any text was written]"
TIME_LIMIT = {
    "code": "time_limit",
    "message": "응답이 함수의 시간 제한에 가까워 여기서 멈췄습니다. / The answer stopped here: the function's time limit was near.",
}


@dataclass(frozen=True)
class ChatDeps:
    config: RuntimeConfig
    store: ConversationStore
    bedrock: Any  # bedrock-runtime: the chat function's, or a streaming function's (common.bedrock.stream_client)
    guardrail_id: str
    guardrail_version: str
    metering: Metering | None = None  # None: not metered (tests that build a turn by hand)
    registry: ModelRegistry | None = None  # registered custom models (common/custom_models.py); None: configured models only
    attachments: Attachments | None = None  # files in chat (chat/attachments.py); None: a turn with files is refused


@dataclass(frozen=True)
class _Plan:
    caller: Caller
    request: ChatRequest
    conversation_id: str
    new: bool
    model: ChatModelSpec
    notice: Notice | None
    call: dict[str, Any]
    system_outcome: GuardrailOutcome
    keep_system: str | None  # the (masked) system prompt the conversation keeps; None leaves it as it was
    blocked_system: GuardrailOutcome | None  # the user's system prompt was blocked: no model call
    meter: Meter  # the turn's reservation and what its paid calls consumed (common/usage/meter.py)
    tokens_in: int  # the most input tokens the model call counts (what an interrupted stream is metered at)
    files: tuple[dict[str, Any], ...] = ()  # the turn's attached files as stored with the user message
    cited: DocumentCitations = field(default_factory=DocumentCitations)  # the documents it asks to cite, and what was cited
    screened: dict[str, Any] | None = None  # documents withheld, flagged or unchecked (chat/document_checks.py)


def run_turn(caller: Caller, request: ChatRequest, deps: ChatDeps, control: StreamControl | None = None) -> Iterator[Event]:
    """The turn's events; `control` (a stream's) makes it a ConverseStream call that stops when asked."""
    plan = _plan(caller, request, deps, streaming=control is not None)
    stream_id = control.stream_id if control else None
    with plan.meter.charging():  # a turn that fails settles what it consumed, or gives its reservation back
        if plan.blocked_system is not None:
            yield from _blocked_system_prompt(plan, deps, plan.blocked_system, stream_id)
        elif control is None:
            yield from _answered(plan, deps)
        else:
            yield from _streamed(plan, deps, control)


def _check_sizes(request: ChatRequest, config: RuntimeConfig) -> None:
    limits = config.limits
    problems = []
    if len(request.message) > limits.max_message_chars:
        problems.append({"field": "message", "message": f"at most {limits.max_message_chars} characters"})
    if request.system_prompt is not None and len(request.system_prompt) > limits.max_system_prompt_chars:
        problems.append({"field": "system_prompt", "message": f"at most {limits.max_system_prompt_chars} characters"})
    if problems:
        raise ValidationFailedError("the request is not valid: see details", details=problems)


def _turn_model(
    config: RuntimeConfig, requested: str | None, stored: str | None, registry: ModelRegistry | None = None
) -> tuple[ChatModelSpec, Notice | None]:
    """The model named in the request, else the conversation's. A conversation whose model was later removed from
    the allow-list (or a custom model whose registration was removed) moves to the default model (and says so)
    instead of failing every turn; a request that names a model that is not allowed is still a 400."""
    if requested is None and stored is not None and not is_allowed(config, registry, stored):
        model = allowed_chat_model(config, None)
        message = (
            f"이 대화의 모델({stored})은 더 이상 허용되지 않아 기본 모델 {model.name}(으)로 답했습니다. / "
            f"This conversation's model ({stored}) is no longer allowed, so the default model, {model.name}, answered."
        )
        return model, Notice(code="model_fallback", message=message, previous_model_id=stored)
    return pick_model(config, registry, requested or stored), None


def _plan(caller: Caller, request: ChatRequest, deps: ChatDeps, *, streaming: bool) -> _Plan:
    config = deps.config
    _check_sizes(request, config)
    new = request.conversation_id is None
    conversation_id = request.conversation_id or new_conversation_id()
    history: list[dict[str, str]] = []
    stored_system: str | None = None
    stored_model: str | None = None
    if not new:
        window = deps.store.load_window(
            caller.sub, conversation_id, config.memory.window_turns, config.memory.max_context_chars, len(request.message)
        )
        if window is None:
            raise NotFoundError("conversation not found")
        history = window.messages
        stored_system = window.summary.get("system_prompt")
        stored_model = window.summary.get("model_id")
    model, notice = _turn_model(config, request.model_id, stored_model, deps.registry)
    files = turn_files(caller, request, model, deps)  # checked, and documents read, before anything is paid for
    # A stream is read for as long as the model writes: its ceiling is the model's own (common/params.py).
    options = converse_options(request.params, model, None if streaming else config.bedrock_timeouts.read_seconds["chat"])
    system_prompt = request.system_prompt if request.system_prompt is not None else stored_system
    # Earlier turns' files are resent within attachments.window_bytes, else noted by name (chat/file_blocks.py).
    documents: list[dict[str, str]] = []  # each document block's file, in request order (chat/doc_citations.py)
    messages = history_messages(history, deps.attachments, model, config.attachments.window_bytes, documents)
    # Before the first paid call: the turn's most, files included, reserved on the caller's budgets (429 when no room).
    estimate, tokens_in = turn_estimate(
        model, messages, request, system_prompt, options, config.prices, streaming=streaming, files=list(files)
    )
    meter = deps.metering.start(caller, estimate) if deps.metering else UNMETERED
    system_outcome = NOT_APPLIED
    if request.system_prompt:
        # A user's system prompt is user input, but Converse never assesses system prompts
        # (guardrails-use-converse-api): check it first, and keep only its masked form.
        with meter.charging():
            guarded = guard_texts(deps.bedrock, deps.guardrail_id, deps.guardrail_version, [request.system_prompt])
        meter.add(guardrail_cost([guarded.usage], config.prices))
        if guarded.outcome.action == "BLOCKED":
            blocked = _Plan(caller, request, conversation_id, new, model, notice, {}, NOT_APPLIED, None, guarded.outcome, meter, tokens_in)
            return replace(blocked, files=tuple(f.stored() for f in files))
        system_prompt = guarded.texts[0]
        system_outcome = guarded.outcome

    screened = screen(files, deps, meter)  # documents' text through the guardrail (chat/document_checks.py)
    # Only the new message is guarded: history was already checked (and stored as let through).
    text = {"guardContent": {"text": {"text": request.message, "qualifiers": ["guard_content"]}}}
    messages.append({"role": "user", "content": turn_content(text, screened.kept, config.guardrail.images_guarded, documents)})
    # txt and pdf documents, where the model cites them and config attachments.citations asks for them on this route
    cited = request_citations(messages, model, documents, enabled=citations_on(config.attachments, streaming=streaming))
    call: dict[str, Any] = {
        "modelId": model.id,
        "messages": messages,
        "guardrailConfig": {"guardrailIdentifier": deps.guardrail_id, "guardrailVersion": deps.guardrail_version, "trace": "enabled"},
        **options,
    }
    if system_prompt and not is_blank(system_prompt):  # Converse refuses a blank system block
        call["system"] = [{"text": system_prompt}]
    call = with_cache_points(call, model, config.prompt_caching, window_full=window_full(history, request.message, config.memory))
    keep = system_prompt if request.system_prompt is not None else None
    plan = _Plan(caller, request, conversation_id, new, model, notice, call, system_outcome, keep, None, meter, tokens_in, cited=cited)
    return replace(plan, files=screened.stored, screened=screened.event())


def _start(plan: _Plan, stream_id: str | None) -> Iterator[Event]:
    """`start`, then the attached documents the guardrail withheld, flagged or could not check, if any."""
    yield Event("start", {"stream_id": stream_id, "conversation_id": plan.conversation_id, "model_id": plan.model.id})
    if plan.screened:
        yield Event("withheld", plan.screened)


def _answered(plan: _Plan, deps: ChatDeps) -> Iterator[Event]:
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


def _streamed(plan: _Plan, deps: ChatDeps, control: StreamControl) -> Iterator[Event]:
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
    plan: _Plan,
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


def _interrupted(plan: _Plan, deps: ChatDeps, shown: str, answer: StreamedAnswer) -> Iterator[Event]:
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


def _meter_produced(plan: _Plan, deps: ChatDeps, shown: str, answer: StreamedAnswer) -> None:
    """A stream that ended before its final event (stopped, timed out, failed): what Bedrock reported if that event
    came after all, else estimated from what was sent and produced (common/usage/calls.py)."""
    prices = deps.config.prices
    if answer.reported_usage is not None:
        plan.meter.add(*converse_metered(plan.model, answer.reported_usage, answer.as_response(shown), prices, input_blocked=False))
    else:
        plan.meter.add(*interrupted_metered(plan.model, plan.tokens_in, shown, [len(plan.request.message)], prices))


def _blocked_system_prompt(plan: _Plan, deps: ChatDeps, outcome: GuardrailOutcome, stream_id: str | None) -> Iterator[Event]:
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


def _commit(plan: _Plan, deps: ChatDeps, turn: Turn) -> None:
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


def _done(plan: _Plan, stored: str, fallback: dict[str, str] | None = None) -> Event:
    notice = plan.notice.model_dump() if plan.notice else fallback
    return Event("done", {"stored": stored, **({"notice": notice} if notice else {})})
