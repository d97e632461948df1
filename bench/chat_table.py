"""Local `/chat` and the size of the local table: a chat turn's latency on an empty table and with N stored messages.

Starts the local stack in its own process (`python -m local.stack`, what `make dev` runs), signs the demo user
in, and times `POST /chat` turns through the local gateway, one at a time, on a table holding only those turns
(the baseline), then again after N messages were stored: conversations of 50 turns (100 messages and a summary
each) for the same user, shaped as `common.conversations` writes them and loaded with BatchWriteItem, as the local
stack's own restore loads a saved table. Each phase continues a conversation of its own, so both read the same
window. The figures are the turn as a client sees it: gateway, token check, handler, moto, offline Bedrock; a turn
answered with another status than 200, or not within 30 s (status 0), is timed too and counted.
Usage: python -m bench.chat_table [turns] [messages]
"""

from __future__ import annotations

import base64
import json
import sys
import time
from typing import Any

from bench.stack import call, sign_in, stack_process
from bench.warm import percentile

TURNS_PER_CONVERSATION = 50
WARM_UP = 3


def _sub(token: str) -> str:
    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])


def _conversation(sub: str, number: int) -> list[dict[str, Any]]:
    """One stored conversation: its summary and TURNS_PER_CONVERSATION turns, as common.conversations writes them."""
    conversation_id = f"bench-seeded-{number:08d}"
    pk = f"USER#{sub}#CONV#{conversation_id}"
    created = f"2026-01-01T00:{number // 60 % 60:02d}:{number % 60:02d}.000+00:00"
    expires = int(time.time()) + 90 * 86_400
    items: list[dict[str, Any]] = [
        {
            "pk": pk,
            "sk": "SUMMARY",
            "conversation_id": conversation_id,
            "title": f"저장된 대화 {number}",
            "model_id": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
            "created_at": created,
            "updated_at": created,
            "turns": TURNS_PER_CONVERSATION,
            "expires_at": expires,
            "gsi1pk": f"USER#{sub}",
            "gsi1sk": f"{created}#{conversation_id}",
        }
    ]
    for turn in range(TURNS_PER_CONVERSATION):
        key = f"MSG#{1_767_225_600_000_000_000 + number * 1_000_000 + turn:020d}{turn:08x}"
        base = {"pk": pk, "created_at": created, "expires_at": expires, "model_id": items[0]["model_id"], "blocked": False}
        items.append({**base, "sk": f"{key}#1", "role": "user", "content": f"질문 {turn}: 오늘의 메모를 정리해 주세요. " * 3})
        items.append(
            {
                **base,
                "sk": f"{key}#2",
                "role": "assistant",
                "content": "정리한 메모입니다. " * 20,
                "usage": {"inputTokens": 120, "outputTokens": 80, "totalTokens": 200},
                "stop_reason": "end_turn",
            }
        )
    return items


def seed(outputs: dict[str, Any], sub: str, messages: int) -> int:
    """Store `messages` messages (whole conversations) for `sub` in the local table; returns the items written."""
    import boto3
    from boto3.dynamodb.types import TypeSerializer

    from local.stack import NAMES

    serializer = TypeSerializer()
    db = boto3.client(
        "dynamodb",
        endpoint_url=outputs["CognitoEndpoint"],
        region_name=outputs["Region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    items = [i for n in range(messages // (2 * TURNS_PER_CONVERSATION)) for i in _conversation(sub, n)]
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": {k: serializer.serialize(v) for k, v in item.items()}}} for item in items[start : start + 25]]
        requests: dict[str, Any] = {NAMES["table"]: batch}
        while requests:
            requests = db.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
    return len(items)


def _turns(outputs: dict[str, Any], token: str, count: int) -> tuple[list[float], dict[int, int]]:
    """`count` timed turns of one new conversation, after WARM_UP untimed ones: every turn's time, and the count of
    each status other than 200 (a failed turn is timed too, and the next one continues the conversation)."""
    url = outputs["ApiUrl"] + "chat"
    conversation: str | None = None
    times: list[float] = []
    failed: dict[int, int] = {}
    for index in range(WARM_UP + count):
        body = {"message": f"표 크기 측정 {index}: 짧게 답해 주세요.", **({"conversation_id": conversation} if conversation else {})}
        started = time.perf_counter()
        try:
            status, answer = call(url, token, "POST", body)
        except OSError:  # no answer within the client's 30 s (TimeoutError), or the connection failed: counted as 0
            status, answer = 0, b""
        elapsed = (time.perf_counter() - started) * 1000
        if status == 200:
            conversation = json.loads(answer)["conversation_id"]
        elif index >= WARM_UP:
            failed[status] = failed.get(status, 0) + 1
        if index >= WARM_UP:
            times.append(elapsed)
    return times, failed


def measure(turns: int, messages: int) -> dict[str, Any]:
    with stack_process() as outputs:
        token = sign_in(outputs)
        empty, empty_failed = _turns(outputs, token, turns)
        started = time.perf_counter()
        items = seed(outputs, _sub(token), messages)
        seconds = time.perf_counter() - started
        full, full_failed = _turns(outputs, token, turns)
    return {
        "empty": empty,
        "full": full,
        "failed": {"empty": empty_failed, "full": full_failed},
        "messages": messages,
        "items": items,
        "seed_seconds": seconds,
    }


def lines(result: dict[str, Any], turns: int) -> list[str]:
    base = percentile(result["empty"], 50)
    rows = [
        f"local POST /chat through `make dev`'s stack, {turns} turns per row, one at a time (ratio: p50 to the empty table's p50)",
        f"  {'stored messages':<22} {'p50':>9} {'p90':>9} {'max':>9} {'p50 ratio':>10}  not 200",
    ]
    for label, key in (("0 (baseline)", "empty"), (f"{result['messages']:,}", "full")):
        values = result[key]
        p50 = percentile(values, 50)
        failed = ", ".join(f"{count} x {status}" for status, count in sorted(result["failed"][key].items())) or "0"
        rows.append(f"  {label:<22} {p50:>6.1f} ms {percentile(values, 90):>6.1f} ms {max(values):>6.1f} ms {p50 / base:>9.2f}x  {failed}")
    rows.append(f"  (stored with BatchWriteItem: {result['items']:,} items in {result['seed_seconds']:.1f} s; target: ratio <= 1.5x)")
    return rows


def main() -> None:
    turns = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    messages = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    print("\n".join(lines(measure(turns, messages), turns)))


if __name__ == "__main__":
    main()
