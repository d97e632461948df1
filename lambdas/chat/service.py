"""Chat turns and conversation management: one domain function per route."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from chat.models import (
    ChatRequest,
    ChatResponse,
    ConversationDetail,
    ConversationList,
    ConversationSummary,
    Guardrail,
    Message,
    Notice,
    StoredMessage,
    Usage,
)
from common.auth import Caller
from common.bedrock import bedrock_errors, call_bedrock
from common.catalog import chat_model
from common.conversations import BLOCKED_MARKER, ConversationStore, Turn, new_conversation_id, title_from
from common.errors import NotFoundError, ValidationFailedError
from common.guard_text import combined, guard_texts
from common.guardrail import NOT_APPLIED, GuardrailOutcome, mask_input, outcome_from_converse
from common.observability import GUARDRAIL_INTERVENTIONS, MetricUnit, metrics, record_model_call
from common.params import converse_options
from common.runtime_config import ChatModelSpec, RuntimeConfig
from common.text import BLANK_REPLY_NOTE, is_blank


@dataclass(frozen=True)
class ChatDeps:
    config: RuntimeConfig
    store: ConversationStore
    bedrock: Any
    guardrail_id: str
    guardrail_version: str


def _check_sizes(request: ChatRequest, config: RuntimeConfig) -> None:
    limits = config.limits
    problems = []
    if len(request.message) > limits.max_message_chars:
        problems.append({"field": "message", "message": f"at most {limits.max_message_chars} characters"})
    if request.system_prompt is not None and len(request.system_prompt) > limits.max_system_prompt_chars:
        problems.append({"field": "system_prompt", "message": f"at most {limits.max_system_prompt_chars} characters"})
    if problems:
        raise ValidationFailedError("the request is not valid: see details", details=problems)


def _turn_model(config: RuntimeConfig, requested: str | None, stored: str | None) -> tuple[ChatModelSpec, Notice | None]:
    """The model named in the request, else the conversation's. A conversation whose model was later removed from
    the allow-list moves to the default model (and says so) instead of failing every turn; a request that names a
    model that is not allowed is still a 400."""
    if requested is None and stored is not None and stored not in {m.id for m in config.chat_models}:
        model = chat_model(config, None)
        message = (
            f"이 대화의 모델({stored})은 더 이상 허용되지 않아 기본 모델 {model.name}(으)로 답했습니다. / "
            f"This conversation's model ({stored}) is no longer allowed, so the default model, {model.name}, answered."
        )
        return model, Notice(code="model_fallback", message=message, previous_model_id=stored)
    return chat_model(config, requested or stored), None


def send_message(caller: Caller, request: ChatRequest, deps: ChatDeps) -> ChatResponse:
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
    model, notice = _turn_model(config, request.model_id, stored_model)
    options = converse_options(request.params, model, config.bedrock_timeouts.read_seconds["chat"])
    system_prompt = request.system_prompt if request.system_prompt is not None else stored_system
    system_outcome = NOT_APPLIED
    if request.system_prompt:
        # A user's system prompt is user input, but Converse never assesses system prompts
        # (guardrails-use-converse-api): check it first, and keep only its masked form.
        guarded = guard_texts(deps.bedrock, deps.guardrail_id, deps.guardrail_version, [request.system_prompt])
        if guarded.outcome.action == "BLOCKED":
            return _blocked_system_prompt(caller, conversation_id, new, model.id, guarded.outcome, deps, notice)
        system_prompt = guarded.texts[0]
        system_outcome = guarded.outcome

    messages = [{"role": m["role"], "content": [{"text": m["content"]}]} for m in history]
    # Only the new message is guarded: history was already checked (and stored as let through).
    messages.append({"role": "user", "content": [{"guardContent": {"text": {"text": request.message, "qualifiers": ["guard_content"]}}}]})
    call: dict[str, Any] = {
        "modelId": model.id,
        "messages": messages,
        "guardrailConfig": {"guardrailIdentifier": deps.guardrail_id, "guardrailVersion": deps.guardrail_version, "trace": "enabled"},
        **options,
    }
    if system_prompt and not is_blank(system_prompt):  # Converse refuses a blank system block
        call["system"] = [{"text": system_prompt}]
    started = time.perf_counter()
    with bedrock_errors(model.id):
        response = call_bedrock(deps.bedrock.converse, **call)
    latency_ms = (time.perf_counter() - started) * 1000

    message_outcome = outcome_from_converse(response)
    outcome = combined(system_outcome, message_outcome)  # a masked system prompt is reported with the reply
    # Text blocks only: a model that thinks answers a reasoningContent block first, never shown, stored or sent back.
    reply = "".join(block.get("text", "") for block in response["output"]["message"]["content"])
    usage = {"input_tokens": int(response["usage"]["inputTokens"]), "output_tokens": int(response["usage"]["outputTokens"])}
    record_model_call(model.id, usage, intervened=outcome.intervened, latency_ms=latency_ms)

    stored_user = BLOCKED_MARKER if message_outcome.input_blocked else mask_input(request.message, response)
    blank = is_blank(reply)  # e.g. a stop sequence that matched at once: answered as is, never sent back to the model
    stored_reply = BLANK_REPLY_NOTE if blank else reply
    deps.store.append_turn(
        caller.sub,
        conversation_id,
        Turn(stored_user, stored_reply, outcome.action == "BLOCKED", model.id, usage, response["stopReason"], excluded=blank),
        new=new,
        title=title_from(stored_user) if new else "",
        system_prompt=system_prompt if request.system_prompt is not None else None,
    )
    return ChatResponse(
        conversation_id=conversation_id,
        message=Message(role="assistant", content=reply),
        model_id=model.id,
        stop_reason=response["stopReason"],
        usage=Usage(**usage),
        guardrail=Guardrail(**outcome.to_dict()),
        notice=notice,
    )


def _blocked_system_prompt(
    caller: Caller, conversation_id: str, new: bool, model_id: str, outcome: GuardrailOutcome, deps: ChatDeps, notice: Notice | None
) -> ChatResponse:
    """Answered and stored like a blocked message: the blocked-input text, a marker for the user's turn,
    no model call; the conversation keeps the system prompt it had."""
    reply = outcome.message or deps.config.guardrail.blocked_input_message
    usage = {"input_tokens": 0, "output_tokens": 0}
    metrics.add_metric(name=GUARDRAIL_INTERVENTIONS, unit=MetricUnit.Count, value=1)
    deps.store.append_turn(
        caller.sub,
        conversation_id,
        Turn(BLOCKED_MARKER, reply, True, model_id, usage, "guardrail_intervened"),
        new=new,
        title=title_from(BLOCKED_MARKER) if new else "",
        system_prompt=None,
    )
    return ChatResponse(
        conversation_id=conversation_id,
        message=Message(role="assistant", content=reply),
        model_id=model_id,
        stop_reason="guardrail_intervened",
        usage=Usage(**usage),
        guardrail=Guardrail(**outcome.to_dict()),
        notice=notice,
    )


def _summary(item: dict[str, Any]) -> ConversationSummary:
    return ConversationSummary(
        conversation_id=item["conversation_id"],
        title=item.get("title", ""),
        model_id=item.get("model_id", ""),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        turns=int(item.get("turns", 0)),
    )


def list_conversations(caller: Caller, limit: int, token: str | None, store: ConversationStore) -> ConversationList:
    items, next_token = store.list_conversations(caller.sub, limit, token)
    return ConversationList(conversations=[_summary(i) for i in items], next_token=next_token)


def get_conversation(caller: Caller, conversation_id: str, limit: int, token: str | None, store: ConversationStore) -> ConversationDetail:
    summary = store.get_summary(caller.sub, conversation_id)
    if summary is None:
        raise NotFoundError("conversation not found")
    items, next_token = store.get_messages(caller.sub, conversation_id, limit, token)
    messages = [
        StoredMessage(role=i["role"], content=i["content"], created_at=i["created_at"], blocked=bool(i.get("blocked"))) for i in items
    ]
    return ConversationDetail(conversation=_summary(summary), messages=messages, next_token=next_token)


def delete_conversation(caller: Caller, conversation_id: str, store: ConversationStore) -> None:
    if store.delete(caller.sub, conversation_id) == 0:
        raise NotFoundError("conversation not found")
