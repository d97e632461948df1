"""A custom model registered as a chat model before its base model's end of life, once that date has passed, through
the real customize, chat and chat_stream handlers, moto DynamoDB and the offline Bedrock.

"If you customized a model, you can continue to use it until the EOL date of the base model version that you used for
customization", and after it "Any requests made to this version will fail"
(https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html, older revision). Llama 3.3 70B deploys on
demand in us-west-2 (the unit tests' stack) and is Legacy until its end of life, 2027-03-30 (infra/catalog).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import boto3
import pytest
from starlette.testclient import TestClient

from chat import handler as chat_handler
from chat import stream as chat_stream
from common.clock import Clock
from common.custom_models import PARTITION, ModelRegistry
from customize import handler as customize_handler
from tests.clock import TODAY
from tests.events import FakeContext, rest_event
from tests.integration.conftest import TABLE
from tests.integration.customize_helpers import jsonl, record, until
from tests.integration.test_customize_retired_base import LLAMA33, call

AFTER_LLAMA33_EOL = date(2027, 4, 1)
DEFAULT = "us.anthropic.claude-haiku-5-5"  # models.chat.default in cdk.json


@pytest.fixture(autouse=True)
def no_registration_left() -> Iterator[None]:
    """Each test's registrations go with it: the table is the session's, and every later GET /models would list them."""
    yield
    db = boto3.client("dynamodb")
    found = db.query(TableName=TABLE, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": PARTITION}})
    for item in found["Items"]:
        db.delete_item(TableName=TABLE, Key={"pk": item["pk"], "sk": item["sk"]})


@pytest.fixture
def on(sim, monkeypatch: pytest.MonkeyPatch):
    """Move every function's clock (customize, chat, chat_stream: their injected Clock) and the offline account."""
    sim.customization.job_seconds, sim.customization.deploy_seconds = 0.2, 0.1

    def move(day: date) -> None:
        for module in (customize_handler, chat_handler, chat_stream):
            monkeypatch.setattr(module, "clock", Clock(day))
        sim.account.today = day.isoformat()

    move(TODAY)
    return move


def chat_call(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    response = chat_handler.handler(rest_event(method, path, body=body, sub="user-a"), FakeContext("chat"))
    return response["statusCode"], json.loads(response["body"])


def listed() -> dict[str, Any]:
    status, models = chat_call("GET", "/models")
    assert status == 200, models
    return {m["id"]: m for m in models["chat_models"]}


def _registered_llama(name: str) -> str:
    """A Llama 3.3 70B custom model made, deployed on demand and registered while its base is Legacy: its ARN."""
    content = jsonl([record(f"질문 {i}", f"답변 {i}") for i in range(100)])
    status, report = call("POST", "/customize/datasets", {"base_model_id": LLAMA33, "content": content})
    assert status == 201, report
    assert call("POST", "/customize/jobs", {"dataset_id": report["dataset_id"], "name": name})[0] == 201
    until(lambda: call("GET", f"/customize/jobs/{name}")[1]["status"] == "Completed")
    status, deployment = call("POST", "/customize/deployments", {"model_name": name})
    assert status == 202, deployment
    until(lambda: call("GET", f"/customize/deployments/{name}")[1]["status"] == "Active")
    status, registered = call("POST", f"/customize/deployments/{name}/registration", {"display_name": "하늘빛 라마"})
    assert status == 201, registered
    arn: str = deployment["arn"]
    return arn


def _stream(body: dict[str, Any]) -> tuple[int, Any]:
    claims = {"requestId": "r-1", "authorizer": {"claims": {"sub": "user-a"}}}
    answer = TestClient(chat_stream.app).post("/chat/stream", json=body, headers={"x-amzn-request-context": json.dumps(claims)})
    return answer.status_code, answer.json() if answer.headers["content-type"].startswith("application/json") else answer.text


def test_given_a_registered_custom_model_when_its_base_reaches_end_of_life_then_models_leaves_it_out_and_chat_is_400(sim, on):
    arn = _registered_llama("llama-chat")
    entry = listed()[arn]
    assert entry["custom"] == {"deployment_name": "llama-chat", "base_model_id": LLAMA33, "base_end_of_life": "2027-03-30"}
    status, answer = chat_call("POST", "/chat", {"message": "안녕하세요", "model_id": arn})
    assert status == 200, answer  # before the end of life it answers

    on(AFTER_LLAMA33_EOL)
    assert arn not in listed()
    assert DEFAULT in listed()
    calls = len(sim.recorded("Converse"))
    status, refused = chat_call("POST", "/chat", {"message": "안녕하세요", "model_id": arn})
    assert (status, refused["error"]["code"]) == (400, "model_end_of_life"), refused
    message = refused["error"]["message"]
    assert f"The custom model 하늘빛 라마 ({arn}) was made from {LLAMA33}, which reached its Bedrock end of life on 2027-03-30" in message
    assert "2027-03-30에 Bedrock 지원이 종료(EOL)되어 더 이상 채팅에 쓸 수 없습니다" in message
    (detail,) = refused["error"]["details"]
    assert (detail["field"], detail["model_id"], detail["base_model_id"], detail["end_of_life"]) == ("model_id", arn, LLAMA33, "2027-03-30")
    status, streamed = _stream({"message": "안녕하세요", "model_id": arn})
    assert (status, streamed["error"]["code"]) == (400, "model_end_of_life"), streamed
    assert len(sim.recorded("Converse")) == calls  # nothing reached Bedrock
    assert len(sim.recorded("ConverseStream")) == 0


def test_given_a_conversation_with_a_custom_model_whose_base_retired_then_the_default_model_answers_with_model_fallback(sim, on):
    arn = _registered_llama("llama-talk")
    status, first = chat_call("POST", "/chat", {"message": "첫 질문", "model_id": arn})
    assert status == 200, first
    on(AFTER_LLAMA33_EOL)
    status, answer = chat_call("POST", "/chat", {"message": "다음 질문", "conversation_id": first["conversation_id"]})
    assert status == 200, answer
    assert answer["model_id"] == DEFAULT
    assert answer["notice"]["code"] == "model_fallback"
    assert answer["notice"]["previous_model_id"] == arn
    assert sim.recorded("Converse")[-1]["modelId"] == DEFAULT


def test_given_a_registration_written_before_dates_were_stored_then_it_stays_listed_and_bedrock_refuses_its_turns(sim, on):
    """No date in the registration (the customize function before this change): the chat functions have nothing to go
    by and treat it as before; past the end of life the offline Bedrock refuses the deployment, as AWS's does."""
    arn = _registered_llama("llama-old")
    registry = ModelRegistry(boto3.client("dynamodb"), TABLE)
    spec, details = next((s, d) for s, d in registry.all() if s.id == arn)
    registry.put(spec, {k: v for k, v in details.items() if k != "base_end_of_life"})  # as the old function wrote it
    on(AFTER_LLAMA33_EOL)
    assert listed()[arn]["custom"]["base_end_of_life"] is None
    status, answer = chat_call("POST", "/chat", {"message": "안녕하세요", "model_id": arn})
    assert (status, answer["error"]["code"]) == (503, "model_not_enabled"), answer
    assert "This model version has reached the end of its life" in answer["error"]["message"]
    assert sim.recorded("Converse")[-1]["modelId"] == arn
