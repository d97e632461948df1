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
    StoredMessage,
    Usage,
)
from common.auth import Caller
from common.bedrock import bedrock_errors, call_bedrock
from common.catalog import chat_model
from common.conversations import BLOCKED_MARKER, ConversationStore, Turn, new_conversation_id, title_from
from common.errors import NotFoundError, ValidationFailedError
from common.guardrail import mask_input, outcome_from_converse
from common.observability import record_model_call
from common.params import converse_options
from common.runtime_config import RuntimeConfig
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
    model = chat_model(config, request.model_id or stored_model)
    options = converse_options(request.params, model, config.bedrock_timeouts.read_seconds["chat"])
    system_prompt = request.system_prompt if request.system_prompt is not None else stored_system

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

    outcome = outcome_from_converse(response)
    reply = "".join(block.get("text", "") for block in response["output"]["message"]["content"])
    usage = {"input_tokens": int(response["usage"]["inputTokens"]), "output_tokens": int(response["usage"]["outputTokens"])}
    record_model_call(model.id, usage, intervened=outcome.intervened, latency_ms=latency_ms)

    stored_user = BLOCKED_MARKER if outcome.input_blocked else mask_input(request.message, response)
    blank = is_blank(reply)  # e.g. a stop sequence that matched at once: answered as is, never sent back to the model
    stored_reply = BLANK_REPLY_NOTE if blank else reply
    deps.store.append_turn(
        caller.sub,
        conversation_id,
        Turn(stored_user, stored_reply, outcome.action == "BLOCKED", model.id, usage, response["stopReason"], excluded=blank),
        new=new,
        title=title_from(stored_user) if new else "",
        system_prompt=request.system_prompt,
    )
    return ChatResponse(
        conversation_id=conversation_id,
        message=Message(role="assistant", content=reply),
        model_id=model.id,
        stop_reason=response["stopReason"],
        usage=Usage(**usage),
        guardrail=Guardrail(**outcome.to_dict()),
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
