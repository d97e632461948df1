"""Page tokens a client forged (valid base64 JSON, wrong shape) are 400s, never a crash or a storage 503."""

from __future__ import annotations

import base64
import json

import pytest

from tests.integration.test_chat import call, chat

SUB = "forger"


def _forge(position) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def _listing_tokens(other: str) -> list:
    summary = {"pk": f"USER#{SUB}#CONV#{'c' * 24}", "sk": "SUMMARY", "gsi1pk": f"USER#{SUB}", "gsi1sk": "2026-01-01T00:00:00.000+00:00#c"}
    return [
        {"gsi1pk": f"USER#{SUB}"},  # the right partition key, nothing else
        {**summary, "gsi1sk": 5},  # a number where DynamoDB holds a string
        {**summary, "pk": None},
        {**summary, "sk": {"S": "SUMMARY"}},  # an attribute value, not the string
        {**summary, "extra": "x"},
        {k: v for k, v in summary.items() if k != "sk"},
        {**summary, "gsi1pk": f"USER#{other}"},  # another user's partition
        {**summary, "pk": f"USER#{other}#CONV#{'c' * 24}"},
        {**summary, "sk": "MSG#1"},  # not a summary: no such position in the index
        [summary],
        "USER#forger",
        7,
    ]


@pytest.mark.parametrize("position", _listing_tokens("someone-else"), ids=lambda p: json.dumps(p)[:60])
def test_given_a_forged_listing_token_then_400_naming_next_token(sim, position):
    status, body, _ = call("GET", "/conversations", sub=SUB, query={"next_token": _forge(position)})
    assert status == 400, body
    assert body["error"]["code"] == "bad_request"
    assert body["error"]["details"] == [{"field": "next_token", "message": "not a token this API issued"}]


def test_given_forged_message_tokens_then_400_for_each(sim):
    _, first, _ = chat("hello", sub=SUB)
    conversation = first["conversation_id"]
    pk = f"USER#{SUB}#CONV#{conversation}"
    forged = [
        {"pk": pk},
        {"pk": pk, "sk": 1},
        {"pk": pk, "sk": ["MSG#1"]},
        {"pk": pk, "sk": "MSG#1", "gsi1pk": f"USER#{SUB}"},
        {"pk": pk, "sk": "SUMMARY"},  # outside the messages' key range
        {"pk": f"USER#{SUB}#CONV#{'d' * 24}", "sk": "MSG#1"},  # another conversation
        {"pk": pk, "sk": "MSG#" + "9" * 1100},  # longer than a DynamoDB sort key may be
        {},
    ]
    for position in forged:
        status, body, _ = call(
            "GET", f"/conversations/{conversation}", sub=SUB, resource="/conversations/{id}", query={"next_token": _forge(position)}
        )
        assert (status, body["error"]["code"]) == (400, "bad_request"), (position, body)
    for garbage in ("not base64!", "e30", "bnVsbA", "_" * 40):
        status, _, _ = call("GET", "/conversations", sub=SUB, query={"next_token": garbage})
        assert status == 400, garbage


def test_given_dynamodb_refuses_a_start_key_then_400_not_503(proxy, sim):
    """Second line of defence: a well-formed token DynamoDB still refuses ("The provided starting key is invalid")."""
    for n in range(3):
        chat(f"topic {n}", sub="refused")
    _, page1, _ = call("GET", "/conversations", sub="refused", query={"limit": "1"})
    assert page1["next_token"]
    proxy.fail("dynamodb", "Query", "ValidationException", times=1)
    status, body, _ = call("GET", "/conversations", sub="refused", query={"limit": "1", "next_token": page1["next_token"]})
    assert (status, body["error"]["code"]) == (400, "bad_request"), body
    assert body["error"]["details"][0]["field"] == "next_token"
    proxy.fail("dynamodb", "Query", "ValidationException", times=1)
    status, body, _ = call("GET", "/conversations", sub="refused", query={"limit": "1"})
    assert status == 503, body  # no token: DynamoDB refusing our own query is not the client's fault
