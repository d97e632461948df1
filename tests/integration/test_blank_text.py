"""Blank text: the offline Bedrock refuses it as Converse does, and the product never sends or stores it for the model."""

from __future__ import annotations

import time

import boto3
import pytest
from botocore.exceptions import ClientError

from common.text import BLANK_REPLY_NOTE
from tests.integration.conftest import TABLE
from tests.integration.test_chat import HAIKU, call, chat, last_converse
from tests.integration.test_rag import corpus  # noqa: F401  (fixture: the sample corpus, ingested)
from tests.integration.test_time_limits import invoke

STOP_AT_ONCE = ["[offline"]  # the offline model's replies start with "[offline model …]": the reply comes back empty


@pytest.fixture
def runtime(sim):
    return boto3.client("bedrock-runtime", endpoint_url=sim.endpoint_url)


def _converse(runtime, **fields):
    params = {"modelId": HAIKU, "messages": [{"role": "user", "content": [{"text": "hello"}]}], **fields}
    with pytest.raises(ClientError) as caught:
        runtime.converse(**params)
    return caught.value.response["Error"]


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_given_a_blank_text_block_anywhere_in_the_messages_then_converse_refuses_it(runtime, blank):
    messages = [
        {"role": "user", "content": [{"text": "first"}]},
        {"role": "assistant", "content": [{"text": blank}]},
        {"role": "user", "content": [{"text": "second"}]},
    ]
    error = _converse(runtime, messages=messages)
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "The text field in the ContentBlock object at messages.1.content.0 is blank. Add text to the text field, and try again."
    )


def test_given_blank_guarded_text_or_a_blank_system_block_then_converse_refuses_it(runtime):
    guarded = [{"role": "user", "content": [{"guardContent": {"text": {"text": "  ", "qualifiers": ["guard_content"]}}}]}]
    assert "messages.0.content.0.guardContent is blank" in _converse(runtime, messages=guarded)["Message"]
    assert "system.0 is blank" in _converse(runtime, system=[{"text": " \n"}])["Message"]


def test_given_a_whitespace_only_message_or_question_then_400_and_no_model_call(corpus, sim):  # noqa: F811
    status, body, _ = chat(" \n\t ")
    assert (status, body["error"]["code"]) == (400, "validation_error")
    assert [d["field"] for d in body["error"]["details"]] == ["message"]
    status, answer = invoke("rag", "/rag/query", {"question": "   "})
    assert (status, [d["field"] for d in answer["error"]["details"]]) == (400, ["question"])
    assert not sim.recorded("Converse")
    assert not sim.recorded("Retrieve")


def test_given_a_blank_reply_then_it_is_returned_as_is_stored_as_a_note_and_the_next_turn_works(sim):
    status, first, _ = chat("say nothing", params={"stop_sequences": STOP_AT_ONCE}, sub="blank")
    assert status == 200
    assert (first["message"]["content"], first["stop_reason"]) == ("", "stop_sequence")
    conversation = first["conversation_id"]
    status, second, _ = chat("now say something", conversation_id=conversation, sub="blank")
    assert status == 200, second  # the old code resent {"text": ""} and Converse refused every later turn
    sent = last_converse(sim)
    assert [m["role"] for m in sent["messages"]] == ["user"]  # the blank turn stays out of the model's window
    _, detail, _ = call("GET", f"/conversations/{conversation}", sub="blank", resource="/conversations/{id}")
    assert [m["content"] for m in detail["messages"]][:2] == ["say nothing", BLANK_REPLY_NOTE]


def test_given_a_blank_reply_stored_before_the_fix_then_later_turns_leave_that_turn_out(sim):
    _, first, _ = chat("first question", sub="legacy")
    conversation = first["conversation_id"]
    db = boto3.client("dynamodb")
    key = f"MSG#{time.time_ns():020d}0000beef"  # a turn as the old code stored it: the blank reply as it came
    for suffix, role, content in (("#1", "user", "an old question"), ("#2", "assistant", "")):
        item = {
            "pk": {"S": f"USER#legacy#CONV#{conversation}"},
            "sk": {"S": key + suffix},
            "role": {"S": role},
            "content": {"S": content},
            "created_at": {"S": "2026-11-01T00:00:00.000+00:00"},
            "blocked": {"BOOL": False},
        }
        db.put_item(TableName=TABLE, Item=item)
    status, body, _ = chat("next question", conversation_id=conversation, sub="legacy")
    assert status == 200, body
    texts = [block.get("text") for m in last_converse(sim)["messages"] for block in m["content"] if "text" in block]
    assert "" not in texts
    assert "an old question" not in texts  # the whole turn, so the roles still alternate
    assert "first question" in texts
