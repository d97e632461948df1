"""Custom models that already exist when their base model reaches its Bedrock end of life, through the real handler,
boto3 and the offline Bedrock: each custom model is made on a date before the end of life (the function's clock and
the offline account both moved), then the date moves past it.

"If you customized a model, you can continue to use it until the EOL date of the base model version that you used for
customization" (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html, older revision;
docs/customization.md#model-lifecycle). The unit tests' stack runs in us-west-2: Claude 3 Haiku (Provisioned Throughput
only) retired there on 2026-09-10; Llama 3.3 70B (on-demand deployment in us-west-2) is Legacy until 2027-03-30.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from common.clock import Clock
from customize import handler as customize_handler
from tests.clock import TODAY
from tests.events import FakeContext, rest_event
from tests.integration.customize_helpers import jsonl, record, until
from ui.cli.customize_show import models_lines
from ui.custom_model_notes import base_note

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0:200k"
LLAMA33 = "meta.llama3-3-70b-instruct-v1:0:128k"
BEFORE_HAIKU_EOL = date(2026, 9, 1)
AFTER_LLAMA33_EOL = date(2027, 4, 1)


@pytest.fixture
def on(sim, monkeypatch: pytest.MonkeyPatch):
    """Move the function's clock (its injected dependency) and the offline account to a date; fast offline jobs."""
    sim.customization.job_seconds, sim.customization.deploy_seconds = 0.2, 0.1

    def move(day: date) -> None:
        monkeypatch.setattr(customize_handler, "clock", Clock(day))
        sim.account.today = day.isoformat()

    move(TODAY)
    return move


def call(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    event = rest_event(method, path, body=body, sub="admin-1", groups="admin")
    response = customize_handler.handler(event, FakeContext("customize"))
    return response["statusCode"], json.loads(response["body"]) if response["body"] else None


def _custom_model(base_model_id: str, content: str, name: str) -> list[str]:
    status, report = call("POST", "/customize/datasets", {"base_model_id": base_model_id, "content": content})
    assert status == 201, report
    status, job = call("POST", "/customize/jobs", {"dataset_id": report["dataset_id"], "name": name})
    assert status == 201, job
    until(lambda: call("GET", f"/customize/jobs/{name}")[1]["status"] == "Completed")
    warnings: list[str] = job["warnings"]
    return warnings


def _haiku_records(n: int) -> str:
    turns = [[{"role": "user", "content": f"질문 {i}"}, {"role": "assistant", "content": f"답변 {i}"}] for i in range(n)]
    return jsonl([{"system": "하늘빛여행 상담원", "messages": messages} for messages in turns])


def _listed(name: str) -> dict[str, Any]:
    status, found = call("GET", "/customize/models")
    assert status == 200, found
    return next(m for m in found["models"] if m["name"] == name)


def test_given_a_claude_3_haiku_custom_model_after_its_base_retired_then_deploy_is_400_end_of_life_not_provisioned_throughput(sim, on):
    on(BEFORE_HAIKU_EOL)
    _custom_model(HAIKU, _haiku_records(32), "haiku-tone")
    on(TODAY)
    status, answer = call("POST", "/customize/deployments", {"model_name": "haiku-tone"})
    assert (status, answer["error"]["code"]) == (400, "model_end_of_life"), answer
    message = answer["error"]["message"]
    assert "The custom model haiku-tone was made from Anthropic Claude 3 Haiku (anthropic.claude-3-haiku-20240307-v1:0:200k)" in message
    assert "reached its Bedrock end of life on 2026-09-10" in message
    assert "Delete it (DELETE /customize/models/haiku-tone): until then its monthly storage charge continues" in message
    assert "2026-09-10에 Bedrock 지원이 종료(EOL)되어" in message
    assert "삭제할 때까지 월 보관 비용이 계속 듭니다" in message
    assert "Provisioned Throughput" not in message
    (detail,) = answer["error"]["details"]
    assert (detail["field"], detail["custom_model"], detail["base_model_id"], detail["end_of_life"]) == (
        "model_name",
        "haiku-tone",
        HAIKU,
        "2026-09-10",
    )
    assert sim.recorded("CreateCustomModelDeployment") == []


def test_given_a_custom_model_whose_base_retired_then_the_list_the_cli_and_the_page_say_it_only_costs_storage_until_deleted(sim, on):
    on(BEFORE_HAIKU_EOL)
    _custom_model(HAIKU, _haiku_records(32), "haiku-old")
    assert _listed("haiku-old")["base_lifecycle"]["status"] == "LEGACY"  # end of life announced, not reached
    on(TODAY)
    model = _listed("haiku-old")
    lifecycle = model["base_lifecycle"]
    assert (lifecycle["status"], lifecycle["end_of_life"], lifecycle["usable"]) == ("END_OF_LIFE", "2026-09-10", False)
    assert "haiku-old can no longer be deployed, registered or chatted with" in lifecycle["note"]
    assert "더 이상 배포하거나 채팅에 쓸 수 없습니다" in lifecycle["note"]
    assert model["deployment"]["on_demand"] is False
    assert model["deployment"]["end_of_life"] is True
    assert "Provisioned Throughput" not in model["deployment"]["message"]
    shown = "\n".join(models_lines([model]))
    assert "지원 종료 / end of life 2026-09-10" in shown
    assert "haiku-old: 삭제할 때까지 보관 비용만 듭니다 / it only costs storage until deleted" in shown
    kind, text = base_note(model, lang="en") or ("", "")
    assert kind == "retired"
    assert "Anthropic Claude 3 Haiku reached its Bedrock end of life on 2026-09-10" in text
    assert "it only costs storage" in text
    assert "2026-09-10에 Bedrock 지원이 종료" in (base_note(model, lang="ko") or ("", ""))[1]


def _legacy_deployment(name: str) -> tuple[str, dict[str, Any]]:
    """A Llama 3.3 70B custom model made and deployed while Legacy, then Active: its job's warning, the deploy answer."""
    (warning,) = _custom_model(LLAMA33, jsonl([record(f"질문 {i}", f"답변 {i}") for i in range(100)]), name)
    status, deployment = call("POST", "/customize/deployments", {"model_name": name})
    assert status == 202, deployment
    until(lambda: call("GET", f"/customize/deployments/{name}")[1]["status"] == "Active")
    return warning, deployment


def test_given_a_legacy_base_then_deploy_goes_ahead_with_the_lifecycle_warning_and_the_list_shows_it(sim, on):
    warning, deployment = _legacy_deployment("llama-tone")
    assert deployment["warnings"] == [warning]
    assert "Meta Llama 3.3 70B Instruct (meta.llama3-3-70b-instruct-v1:0:128k), the base model, is a Legacy Bedrock model" in warning
    assert "(end of life 2027-03-30)" in warning
    assert "지원 종료 예정(Legacy)" in warning
    lifecycle = _listed("llama-tone")["base_lifecycle"]
    assert (lifecycle["status"], lifecycle["usable"], lifecycle["note"]) == ("LEGACY", True, warning)
    assert len(sim.recorded("CreateCustomModelDeployment")) == 1


def test_given_a_deployment_whose_base_then_retired_then_register_and_another_deploy_are_400_end_of_life(sim, on):
    on(date(2026, 11, 1))
    _legacy_deployment("llama-late")
    on(AFTER_LLAMA33_EOL)
    status, answer = call("POST", "/customize/deployments/llama-late/registration", {"display_name": "하늘빛 말투"})
    assert (status, answer["error"]["code"]) == (400, "model_end_of_life"), answer
    assert "The custom model llama-late was made from Meta Llama 3.3 70B Instruct" in answer["error"]["message"]
    assert "reached its Bedrock end of life on 2027-03-30" in answer["error"]["message"]
    assert answer["error"]["details"][0]["field"] == "name"
    assert call("GET", "/customize/deployments/llama-late")[1]["registered"] is False
    status, answer = call("POST", "/customize/deployments", {"model_name": "llama-late", "name": "llama-again"})
    assert (status, answer["error"]["code"]) == (400, "model_end_of_life"), answer
    assert len(sim.recorded("CreateCustomModelDeployment")) == 1  # the one made while Legacy
