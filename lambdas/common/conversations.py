"""Conversation memory in DynamoDB (key design: infra/constructs/conversations.py).

Per turn: one Query (summary + latest messages, consistent read) and one TransactWriteItems
(user message, assistant message, summary) — two requests, whatever the conversation's length.
Turn keys sort by time and carry a random suffix, so concurrent turns on one conversation
never overwrite each other; both items of a turn share the key, so they stay adjacent.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from common.conversation_delete import delete_conversation
from common.dynamo_items import plain, typed
from common.errors import NotFoundError, UpstreamUnavailableError
from common.pagination import TokenShape, decode_token, encode_token, start_key_errors
from common.storage import storage_failure
from common.titles import search_key
from common.titles import title_from as title_from  # where the turn path has always imported it from

SUMMARY = "SUMMARY"  # sorts after every "MSG#" key: a descending Query reads it first
MESSAGE = "MSG#"
INDEX = "by_user_updated"
BLOCKED_MARKER = "[blocked by the guardrail]"
_TRANSACTION_ATTEMPTS = 8


@dataclass(frozen=True)
class Turn:
    user: str
    assistant: str
    blocked: bool
    model_id: str
    usage: dict[str, int]
    stop_reason: str
    excluded: bool = False  # kept for the record, never sent to the model again (a blank reply, common/text.py)
    interrupted: bool = False  # a streamed answer stopped part-way: the reply is what was produced (kept in the window)
    attachments: tuple[dict[str, Any], ...] = ()  # files of the user message: {key, name, type, size} (chat/attachments.py)
    citations: tuple[dict[str, Any], ...] = ()  # passages of attached documents the reply cites (chat/doc_citations.py)


@dataclass(frozen=True)
class Window:
    summary: dict[str, Any]
    messages: list[dict[str, Any]]  # [{role, content, attachments?}], oldest first, starting on a user turn


def _iso(nanoseconds: int) -> str:
    return datetime.fromtimestamp(nanoseconds / 1e9, UTC).isoformat(timespec="milliseconds")


def conversation_pk(sub: str, conversation_id: str) -> str:
    return f"USER#{sub}#CONV#{conversation_id}"


def new_conversation_id() -> str:
    return secrets.token_urlsafe(18)


@contextmanager
def storage_errors() -> Iterator[None]:
    try:
        yield
    except ClientError as err:
        raise storage_failure(err, "conversation storage") from err


class ConversationStore:
    def __init__(self, client: Any, table_name: str, ttl_days: int) -> None:
        self._db = client
        self._table = table_name
        self._ttl_seconds = ttl_days * 86_400

    @property
    def client(self) -> Any:
        return self._db

    @property
    def table_name(self) -> str:
        return self._table

    def _expires(self) -> int:
        return int(time.time()) + self._ttl_seconds

    # --- the turn path ----------------------------------------------------------------------

    def load_window(self, sub: str, conversation_id: str, turns: int, budget_chars: int, reserve_chars: int) -> Window | None:
        """The summary and the latest `turns` turns that fit in `budget_chars` (minus the new message)."""
        with storage_errors():
            response = self._db.query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk AND sk >= :from",
                ExpressionAttributeValues={":pk": {"S": conversation_pk(sub, conversation_id)}, ":from": {"S": MESSAGE}},
                ScanIndexForward=False,
                Limit=2 * turns + 1,
                ConsistentRead=True,
            )
        items = [plain(i) for i in response.get("Items", [])]
        if not items or items[0]["sk"] != SUMMARY:
            return None
        # Whole turns leave the window: blocked, excluded, or holding a blank message (stored before blank replies were kept out).
        left_out = {_turn_of(i) for i in items[1:] if i.get("blocked") or i.get("excluded") or not str(i.get("content", "")).strip()}
        newest_first = [i for i in items[1:] if _turn_of(i) not in left_out]
        messages = [{"role": i["role"], "content": i["content"], **_files(i)} for i in reversed(newest_first)]
        while messages and messages[0]["role"] != "user":
            messages.pop(0)
        # Keep whole turns, newest first, while they fit in the budget.
        kept: list[dict[str, Any]] = []
        used = reserve_chars
        for user, assistant in reversed(list(_pairs(messages))):
            size = len(user["content"]) + len(assistant["content"])
            if used + size > budget_chars:
                break
            kept[:0] = [user, assistant]
            used += size
        return Window(summary=items[0], messages=kept)

    def append_turn(
        self,
        sub: str,
        conversation_id: str,
        turn: Turn,
        *,
        new: bool,
        title: str,
        system_prompt: str | None,
        extra: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Write the user message, the assistant message and the summary in one transaction, with `extra` actions
        (the turn's usage settle, common/usage/ledger.py: Updates on the usage table, no condition) in the same one."""
        pk = conversation_pk(sub, conversation_id)
        written = time.time_ns()  # one clock reading: the turn's sort key and created_at always agree
        now, expires = _iso(written), self._expires()
        key = f"{MESSAGE}{written:020d}{secrets.token_hex(4)}"
        base = {"pk": pk, "created_at": now, "expires_at": expires, "model_id": turn.model_id, "blocked": turn.blocked}
        if turn.excluded:
            base["excluded"] = True
        user_item = {**base, "sk": f"{key}#1", "role": "user", "content": turn.user}
        if turn.attachments:
            user_item["attachments"] = [dict(a) for a in turn.attachments]
        assistant_item = {
            **base,
            "sk": f"{key}#2",
            "role": "assistant",
            "content": turn.assistant,
            "usage": turn.usage,
            "stop_reason": turn.stop_reason,
        }
        if turn.interrupted:
            assistant_item["interrupted"] = True
        if turn.citations:
            assistant_item["citations"] = [dict(c) for c in turn.citations]
        writes: list[dict[str, Any]] = [
            {"Put": {"TableName": self._table, "Item": typed(user_item), "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": self._table, "Item": typed(assistant_item), "ConditionExpression": "attribute_not_exists(pk)"}},
            self._summary_write(sub, conversation_id, turn, new=new, title=title, system_prompt=system_prompt, now=now, expires=expires),
            *extra,
        ]
        token = secrets.token_hex(16)  # the same token makes a retried transaction idempotent
        for attempt in range(_TRANSACTION_ATTEMPTS):
            try:
                self._db.transact_write_items(TransactItems=writes, ClientRequestToken=token)
                return
            except ClientError as err:
                if not _is_cancelled(err):
                    with storage_errors():
                        raise
                reasons = [r.get("Code") for r in err.response.get("CancellationReasons", [])]
                if len(reasons) > 2 and reasons[2] == "ConditionalCheckFailed":
                    raise NotFoundError("conversation not found (it may have just been deleted)") from None
                if "TransactionConflict" not in reasons or attempt == _TRANSACTION_ATTEMPTS - 1:
                    raise UpstreamUnavailableError("conversation storage could not record the turn; retry") from err
                time.sleep(0.02 * (2**attempt) * (0.5 + secrets.randbelow(100) / 100))

    def _summary_write(
        self, sub: str, conversation_id: str, turn: Turn, *, new: bool, title: str, system_prompt: str | None, now: str, expires: int
    ) -> dict[str, Any]:
        pk = conversation_pk(sub, conversation_id)
        sort_key = f"{now}#{conversation_id}"
        if new:
            item = {
                "pk": pk,
                "sk": SUMMARY,
                "conversation_id": conversation_id,
                "title": title,
                "title_search": search_key(title),  # what GET /conversations?q= matches (common/conversation_titles.py)
                "model_id": turn.model_id,
                "created_at": now,
                "updated_at": now,
                "turns": 1,
                "expires_at": expires,
                "gsi1pk": f"USER#{sub}",
                "gsi1sk": sort_key,
            }
            if system_prompt:
                item["system_prompt"] = system_prompt
            return {"Put": {"TableName": self._table, "Item": typed(item), "ConditionExpression": "attribute_not_exists(pk)"}}
        names = {"#u": "updated_at", "#t": "turns", "#e": "expires_at", "#g": "gsi1sk", "#m": "model_id"}
        values: dict[str, Any] = {":now": now, ":one": 1, ":zero": 0, ":exp": expires, ":g": sort_key, ":m": turn.model_id}
        update = "SET #u = :now, #t = if_not_exists(#t, :zero) + :one, #e = :exp, #g = :g, #m = :m"
        if system_prompt is not None:
            names["#s"] = "system_prompt"
            values[":s"] = system_prompt
            update += ", #s = :s"
        return {
            "Update": {
                "TableName": self._table,
                "Key": typed({"pk": pk, "sk": SUMMARY}),
                "UpdateExpression": update,
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": typed(values),
            }
        }

    # --- reading and deleting -------------------------------------------------------------

    def list_conversations(self, sub: str, limit: int, token: str | None) -> tuple[list[dict[str, Any]], str | None]:
        params: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": INDEX,
            "KeyConditionExpression": "gsi1pk = :u",
            "ExpressionAttributeValues": {":u": {"S": f"USER#{sub}"}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if token:
            shape = TokenShape(fixed={"gsi1pk": f"USER#{sub}", "sk": SUMMARY}, prefixed={"pk": conversation_pk(sub, ""), "gsi1sk": ""})
            params["ExclusiveStartKey"] = typed(decode_token(token, shape))
        with storage_errors(), start_key_errors(params):
            response = self._db.query(**params)
        last = response.get("LastEvaluatedKey")
        return [plain(i) for i in response.get("Items", [])], encode_token(plain(last)) if last else None

    def get_summary(self, sub: str, conversation_id: str) -> dict[str, Any] | None:
        with storage_errors():
            response = self._db.get_item(
                TableName=self._table, Key=typed({"pk": conversation_pk(sub, conversation_id), "sk": SUMMARY}), ConsistentRead=True
            )
        item = response.get("Item")
        return plain(item) if item else None

    def get_messages(self, sub: str, conversation_id: str, limit: int, token: str | None) -> tuple[list[dict[str, Any]], str | None]:
        pk = conversation_pk(sub, conversation_id)
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :m)",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":m": {"S": MESSAGE}},
            "ScanIndexForward": True,
            "Limit": limit,
        }
        if token:
            params["ExclusiveStartKey"] = typed(decode_token(token, TokenShape(fixed={"pk": pk}, prefixed={"sk": MESSAGE})))
        with storage_errors(), start_key_errors(params):
            response = self._db.query(**params)
        last = response.get("LastEvaluatedKey")
        return [plain(i) for i in response.get("Items", [])], encode_token(plain(last)) if last else None

    def delete(self, sub: str, conversation_id: str) -> int:
        """Delete every item of the conversation; the count deleted, 0 when there was none (common/conversation_delete.py)."""
        with storage_errors():
            return delete_conversation(self._db, self._table, conversation_pk(sub, conversation_id), summary_key=SUMMARY)


def _turn_of(item: dict[str, Any]) -> str:
    """The turn's key: both messages of a turn share it (…#1 user, …#2 assistant)."""
    return str(item["sk"]).rsplit("#", 1)[0]


def _files(item: dict[str, Any]) -> dict[str, Any]:
    return {"attachments": item["attachments"]} if item.get("attachments") else {}


def _pairs(messages: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for i in range(0, len(messages) - 1, 2):
        if messages[i]["role"] == "user" and messages[i + 1]["role"] == "assistant":
            yield messages[i], messages[i + 1]


def _is_cancelled(err: ClientError) -> bool:
    return err.response.get("Error", {}).get("Code") == "TransactionCanceledException"
