"""A chat turn's plan: everything decided before the first token is paid for.

The request's sizes, the conversation's window (404 when it is not the caller's), the model (the request's, else the
conversation's, falling back to the default with a notice when it is no longer allowed), the attached files checked
and their documents read, the budget reservation, the user's system prompt through the guardrail, the documents'
text through the guardrail, and the Converse request itself (chat/turn.py runs it)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from chat.doc_citations import DocumentCitations, citations_on, request_citations
from chat.document_checks import screen, turn_files
from chat.file_blocks import history_messages, turn_content
from chat.metering import turn_estimate
from chat.models import ChatRequest, Notice
from chat.turn_deps import ChatDeps
from common.allowed_models import allowed_chat_model
from common.auth import Caller
from common.conversations import new_conversation_id
from common.custom_models import ModelRegistry, is_allowed, pick_model
from common.errors import NotFoundError, ValidationFailedError
from common.guard_text import guard_texts
from common.guardrail import NOT_APPLIED, GuardrailOutcome
from common.params import converse_options
from common.prompt_cache import window_full, with_cache_points
from common.runtime_config import ChatModelSpec, RuntimeConfig
from common.text import is_blank
from common.usage.meter import UNMETERED, Meter
from common.usage.prices import guardrail_cost


@dataclass(frozen=True)
class Plan:
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
    config: RuntimeConfig, requested: str | None, stored: str | None, registry: ModelRegistry | None, today: date
) -> tuple[ChatModelSpec, Notice | None]:
    """The model named in the request, else the conversation's. A conversation whose model was later removed from
    the allow-list (or a custom model whose registration was removed, or whose base model reached its end of life)
    moves to the default model (and says so) instead of failing every turn; a request that names a model that is not
    allowed is still a 400 (`model_end_of_life` for such a custom model)."""
    if requested is None and stored is not None and not is_allowed(config, registry, stored, today):
        model = allowed_chat_model(config, None)
        message = (
            f"이 대화의 모델({stored})은 더 이상 허용되지 않아 기본 모델 {model.name}(으)로 답했습니다. / "
            f"This conversation's model ({stored}) is no longer allowed, so the default model, {model.name}, answered."
        )
        return model, Notice(code="model_fallback", message=message, previous_model_id=stored)
    return pick_model(config, registry, requested or stored, today), None


def make_plan(caller: Caller, request: ChatRequest, deps: ChatDeps, *, streaming: bool) -> Plan:
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
    model, notice = _turn_model(config, request.model_id, stored_model, deps.registry, deps.clock.today())
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
            blocked = Plan(caller, request, conversation_id, new, model, notice, {}, NOT_APPLIED, None, guarded.outcome, meter, tokens_in)
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
    plan = Plan(caller, request, conversation_id, new, model, notice, call, system_outcome, keep, None, meter, tokens_in, cited=cited)
    return replace(plan, files=screened.stored, screened=screened.event())
