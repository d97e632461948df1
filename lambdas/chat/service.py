"""Chat turns and conversation management: one domain function per route (the turn itself: chat/turn.py)."""

from __future__ import annotations

from typing import Any

from chat.attachments import Attachments
from chat.models import (
    ChatCitation,
    ChatRequest,
    ChatResponse,
    CheckedDocument,
    ConversationDetail,
    ConversationList,
    ConversationSummary,
    Guardrail,
    Message,
    Notice,
    Renamed,
    RenameRequest,
    StoredAttachment,
    StoredMessage,
    Usage,
)
from chat.rename import rename
from chat.turn import run_turn
from chat.turn_deps import ChatDeps
from common import conversation_titles
from common.auth import Caller
from common.conversations import ConversationStore
from common.errors import NotFoundError
from common.guardrail import NOT_APPLIED

__all__ = ["ChatDeps", "delete_conversation", "get_conversation", "list_conversations", "rename_conversation", "send_message"]


def send_message(caller: Caller, request: ChatRequest, deps: ChatDeps) -> ChatResponse:
    """POST /chat: the turn's events (chat/turn.py, shared with POST /chat/stream) collected into one answer."""
    text: list[str] = []
    cited: list[ChatCitation] = []
    seen: dict[str, dict[str, Any]] = {}
    for event in run_turn(caller, request, deps):
        if event.kind == "delta":
            text.append(event.data["text"])
        elif event.kind == "citation":
            cited.append(ChatCitation(**event.data))
        else:
            seen[event.kind] = event.data
    start, usage, done = seen["start"], seen["usage"], seen["done"]
    screened = seen.get("withheld") or {}  # attached documents the guardrail withheld, flagged or could not check
    return ChatResponse(
        conversation_id=start["conversation_id"],
        message=Message(role="assistant", content="".join(text)),
        model_id=start["model_id"],
        stop_reason=usage["stop_reason"],
        usage=Usage(input_tokens=usage["input_tokens"], output_tokens=usage["output_tokens"]),
        guardrail=Guardrail(**seen.get("guardrail", NOT_APPLIED.to_dict())),
        notice=Notice(**done["notice"]) if "notice" in done else None,
        citations=[] if done["stored"] == "blocked" else cited,  # a blocked answer's message replaces it all
        withheld=[CheckedDocument(**d) for d in screened.get("withheld", [])],
        flagged=[CheckedDocument(**d) for d in screened.get("flagged", [])],
        unchecked=[CheckedDocument(**d) for d in screened.get("unchecked", [])],
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


def list_conversations(
    caller: Caller, limit: int, token: str | None, store: ConversationStore, search: str | None = None
) -> ConversationList:
    """GET /conversations, newest first; `search` keeps those whose title contains it (case-insensitive)."""
    if search and search.strip():
        items, next_token = conversation_titles.search(store, caller.sub, search.strip(), limit, token)
    else:
        items, next_token = store.list_conversations(caller.sub, limit, token)
    return ConversationList(conversations=[_summary(i) for i in items], next_token=next_token)


def get_conversation(caller: Caller, conversation_id: str, limit: int, token: str | None, store: ConversationStore) -> ConversationDetail:
    summary = store.get_summary(caller.sub, conversation_id)
    if summary is None:
        raise NotFoundError("conversation not found")
    items, next_token = store.get_messages(caller.sub, conversation_id, limit, token)
    messages = [
        StoredMessage(
            role=i["role"],
            content=i["content"],
            created_at=i["created_at"],
            blocked=bool(i.get("blocked")),
            interrupted=bool(i.get("interrupted")),
            attachments=[StoredAttachment(**a) for a in i.get("attachments", [])],
            citations=[ChatCitation(**c) for c in i.get("citations", [])],
        )
        for i in items
    ]
    return ConversationDetail(conversation=_summary(summary), messages=messages, next_token=next_token)


def rename_conversation(caller: Caller, conversation_id: str, request: RenameRequest, deps: ChatDeps) -> Renamed:
    """PATCH /conversations/{id} (chat/rename.py: the typed title goes through the guardrail like any user input)."""
    summary, outcome = rename(caller, conversation_id, request.title, deps)
    return Renamed(conversation=_summary(summary), guardrail=Guardrail(**outcome.to_dict()))


def delete_conversation(caller: Caller, conversation_id: str, store: ConversationStore, files: Attachments | None = None) -> None:
    """The conversation's items, then the files its messages name (a file a turn committing meanwhile adds is left to the
    lifecycle rule: it expires with the conversation's TTL, infra/attachments.py)."""
    keys = _attached_keys(caller, conversation_id, store) if files is not None else []
    if store.delete(caller.sub, conversation_id) == 0:
        raise NotFoundError("conversation not found")
    if files is not None and keys:
        files.delete(caller, keys)


def _attached_keys(caller: Caller, conversation_id: str, store: ConversationStore) -> list[str]:
    keys: list[str] = []
    token: str | None = None
    while True:
        items, token = store.get_messages(caller.sub, conversation_id, 200, token)
        keys += [a["key"] for i in items for a in i.get("attachments", [])]
        if not token:
            return keys
