"""Concurrent chat turns through the local gateway: none lost, none duplicated, none split, no 5xx.

The figures (statuses, turns, wall time) are printed, not asserted: speed is measured in bench/.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.integration.live import Stack, create_user, request, sign_in

WORKERS = 16


def _messages(stack: Stack, token: str, conversation: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Every stored message of a conversation, oldest first, following next_token."""
    messages: list[dict[str, Any]] = []
    next_token = ""
    while True:
        query = f"?limit=200{'&next_token=' + next_token if next_token else ''}"
        status, page, _ = request(stack, "GET", f"conversations/{conversation}{query}", token)
        assert status == 200, page
        messages += page["messages"]
        next_token = page["next_token"] or ""
        if not next_token:
            return page["conversation"], messages


def _assert_whole_turns(summary: dict[str, Any], messages: list[dict[str, Any]], expected_questions: list[str]) -> None:
    questions = [m["content"] for m in messages if m["role"] == "user"]
    assert sorted(questions) == sorted(expected_questions)  # none lost, none duplicated
    assert [m["role"] for m in messages] == ["user", "assistant"] * len(expected_questions)
    for question, reply in zip(messages[::2], messages[1::2], strict=True):
        assert question["content"] in reply["content"]  # each reply sits right after its own question
    assert [m["created_at"] for m in messages] == sorted(m["created_at"] for m in messages)
    assert summary["turns"] == len(expected_questions)


def _print(title: str, statuses: Counter[int], turns: int, seconds: float) -> None:
    print(f"\nload: {title}: {turns} turns in {seconds:.1f} s ({turns / seconds:.1f} turns/s), statuses {dict(statuses)}")


def test_given_50_concurrent_turns_on_one_conversation_then_every_turn_is_stored_once_and_whole(stack):
    token = sign_in(stack, "user@example.com")
    status, first, _ = request(stack, "POST", "chat", token, {"message": "동시 대화 시작"})
    assert status == 200
    conversation = first["conversation_id"]
    questions = [f"동시 질문 {n}번" for n in range(50)]

    def turn(question: str) -> int:
        return request(stack, "POST", "chat", token, {"message": question, "conversation_id": conversation})[0]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        statuses = Counter(pool.map(turn, questions))
    _print("one conversation", statuses, len(questions), time.perf_counter() - started)
    assert statuses == {200: 50}
    summary, messages = _messages(stack, token, conversation)
    _assert_whole_turns(summary, messages, ["동시 대화 시작", *questions])


def test_given_200_concurrent_turns_across_20_users_then_each_conversation_holds_exactly_its_own_turns(stack):
    users = [create_user(stack, f"load-{n}@example.com", "Load-Test-Pass-1!") for n in range(20)]
    conversations = []
    for n, token in enumerate(users):
        status, first, _ = request(stack, "POST", "chat", token, {"message": f"user {n} opens"})
        assert status == 200
        conversations.append(first["conversation_id"])
    work = [(u, t) for t in range(10) for u in range(len(users))]  # interleaved: every user busy at once

    def turn(item: tuple[int, int]) -> int:
        user, n = item
        body = {"message": f"user {user} turn {n}", "conversation_id": conversations[user]}
        return request(stack, "POST", "chat", users[user], body)[0]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        statuses = Counter(pool.map(turn, work))
    _print("20 users", statuses, len(work), time.perf_counter() - started)
    assert statuses == {200: 200}
    for user, token in enumerate(users):
        summary, messages = _messages(stack, token, conversations[user])
        _assert_whole_turns(summary, messages, [f"user {user} opens", *[f"user {user} turn {n}" for n in range(10)]])
        status, listing, _ = request(stack, "GET", "conversations", token)
        assert [c["conversation_id"] for c in listing["conversations"]] == [conversations[user]]  # nobody else's
