"""A conversation whose model was removed from the allow-list moves to the default model and says so."""

from __future__ import annotations

import boto3

from chat import handler as chat_handler
from tests.integration.conftest import TABLE
from tests.integration.test_chat import chat, last_converse

RETIRED = "anthropic.claude-3-5-sonnet-20240620-v1:0"  # not in models.chat.allowed


def _set_model(sub: str, conversation: str, model_id: str) -> None:
    """What a stored conversation looks like after an operator removed its model from the allow-list."""
    boto3.client("dynamodb").update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"USER#{sub}#CONV#{conversation}"}, "sk": {"S": "SUMMARY"}},
        UpdateExpression="SET model_id = :m",
        ExpressionAttributeValues={":m": {"S": model_id}},
    )


def test_given_a_conversation_on_a_model_no_longer_allowed_then_the_default_model_answers_with_a_notice(sim):
    default = chat_handler.config.default_chat_model
    assert RETIRED not in [m.id for m in chat_handler.config.chat_models]
    _, first, _ = chat("first turn", sub="fallback")
    conversation = first["conversation_id"]
    _set_model("fallback", conversation, RETIRED)

    status, body, _ = chat("second turn", conversation_id=conversation, sub="fallback")
    assert status == 200, body
    assert body["model_id"] == default
    assert last_converse(sim)["modelId"] == default
    notice = body["notice"]
    assert (notice["code"], notice["previous_model_id"]) == ("model_fallback", RETIRED)
    assert "더 이상 허용되지 않아" in notice["message"]
    assert "is no longer allowed, so the default model" in notice["message"]

    status, body, _ = chat("third turn", conversation_id=conversation, sub="fallback")
    assert (status, body["model_id"], body["notice"]) == (200, default, None)  # the conversation moved to the default


def test_given_a_turn_that_names_a_model_not_allowed_then_still_400(sim):
    _, first, _ = chat("first turn", sub="fallback-explicit")
    conversation = first["conversation_id"]
    _set_model("fallback-explicit", conversation, RETIRED)
    status, body, _ = chat("second turn", conversation_id=conversation, model_id=RETIRED, sub="fallback-explicit")
    assert (status, body["error"]["code"]) == (400, "bad_request")
