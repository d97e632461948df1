"""The customize function and Bedrock's model lifecycle, through the real handler, boto3 and the offline Bedrock, on the
suite's fixed date (tests/clock.py: the function's clock and the simulator's account both read it).

The unit tests' stack runs in us-west-2: Claude 3 Haiku reached its end of life there on 2026-09-10, Llama 3.2 3B and
Llama 3.1 405B on 2026-07-07; Llama 3.3 70B is Legacy until 2027-03-30 (infra/catalog/customizable.json `lifecycle`,
each with its source). A retired model is a 400 before anything is stored or started; a Legacy one is a warning.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from common.clock import Clock
from customize import handler as customize_handler
from tests.clock import TODAY
from tests.events import FakeContext, rest_event
from tests.integration.customize_helpers import jsonl, record

LLAMA33 = "meta.llama3-3-70b-instruct-v1:0:128k"
LLAMA31_8B = "meta.llama3-1-8b-instruct-v1:0:128k"


@pytest.fixture(autouse=True)
def fixed_date(sim, monkeypatch: pytest.MonkeyPatch) -> None:
    """The function's clock (its injected dependency) and the offline account read the suite's fixed date."""
    monkeypatch.setattr(customize_handler, "clock", Clock(TODAY))
    sim.account.today = TODAY.isoformat()


def call(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    event = rest_event(method, path, body=body, sub="admin-1", groups="admin")
    response = customize_handler.handler(event, FakeContext("customize"))
    return response["statusCode"], json.loads(response["body"])


def _stored() -> int:
    """The datasets kept under the training prefix (the test bucket: tests/conftest.py)."""
    return int(boto3.client("s3").list_objects_v2(Bucket="customization-test", Prefix="datasets/").get("KeyCount", 0))


def _conversations(n: int) -> str:
    return jsonl([record(f"질문 {i}", f"답변 {i}") for i in range(n)])


def test_given_the_catalog_then_retired_models_and_teachers_are_left_out_and_a_legacy_one_is_marked():
    status, catalog = call("GET", "/customize/catalog")
    assert status == 200
    ids = [m["id"] for m in catalog["base_models"]]
    assert "anthropic.claude-3-haiku-20240307-v1:0:200k" not in ids
    assert "meta.llama3-2-3b-instruct-v1:0:128k" not in ids
    assert "meta.llama3-1-405b-instruct-v1:0" not in [t["id"] for t in catalog["distillation"]["teachers"]]
    llama33 = next(m for m in catalog["base_models"] if m["id"] == LLAMA33)
    assert (llama33["lifecycle"]["status"], llama33["lifecycle"]["end_of_life"]) == ("LEGACY", "2027-03-30")
    assert llama33["teachers"] == []  # its one documented teacher, Llama 3.1 405B, is retired
    assert llama33["available_here"] == {"FINE_TUNING": True, "DISTILLATION": False}


def test_given_a_retired_base_model_then_validate_is_400_naming_it_and_its_end_of_life_date_and_nothing_is_stored(sim):
    claude = [
        {"system": "상담원", "messages": [{"role": "user", "content": f"질문 {i}"}, {"role": "assistant", "content": "답"}]}
        for i in range(32)
    ]
    body = {"base_model_id": "anthropic.claude-3-haiku-20240307-v1:0:200k", "content": jsonl(claude)}
    stored = _stored()
    status, answer = call("POST", "/customize/datasets", body)
    assert (status, answer["error"]["code"]) == (400, "model_end_of_life")
    message = answer["error"]["message"]
    assert "Anthropic Claude 3 Haiku (anthropic.claude-3-haiku-20240307-v1:0:200k) reached its Bedrock end of life on 2026-09-10" in message
    assert "2026-09-10에 Bedrock 지원이 종료(EOL)되어" in message
    assert answer["error"]["details"][0]["field"] == "base_model_id"
    assert _stored() == stored


def test_given_a_legacy_base_model_then_validate_and_start_warn_and_go_ahead(sim):
    status, report = call("POST", "/customize/datasets", {"base_model_id": LLAMA33, "content": _conversations(100)})
    assert status == 201, report
    (warning,) = report["warnings"]
    assert "Meta Llama 3.3 70B Instruct (meta.llama3-3-70b-instruct-v1:0:128k), the base model, is a Legacy Bedrock model" in warning
    assert "(end of life 2027-03-30)" in warning
    assert "지원 종료 예정(Legacy)" in warning
    status, job = call("POST", "/customize/jobs", {"dataset_id": report["dataset_id"], "name": "legacy-llama"})
    assert (status, job["status"]) == (201, "InProgress"), job
    assert job["warnings"] == [warning]
    assert [c["baseModelIdentifier"] for c in sim.recorded("CreateModelCustomizationJob")] == [LLAMA33]


def test_given_a_retired_teacher_then_start_is_400_and_no_job_reaches_bedrock_while_a_legacy_teacher_warns(sim):
    status, report = call(
        "POST", "/customize/datasets", {"base_model_id": LLAMA31_8B, "method": "DISTILLATION", "content": _conversations(100)}
    )
    assert (status, report["warnings"]) == (201, []), report  # Llama 3.1 8B itself is Active
    retired = {
        "dataset_id": report["dataset_id"],
        "name": "taught-405b",
        "distillation": {"teacher_model_id": "meta.llama3-1-405b-instruct-v1:0"},
    }
    status, answer = call("POST", "/customize/jobs", retired)
    assert (status, answer["error"]["code"]) == (400, "model_end_of_life")
    assert (
        "Meta Llama 3.1 405B Instruct (meta.llama3-1-405b-instruct-v1:0) reached its Bedrock end of life on 2026-07-07"
        in answer["error"]["message"]
    )
    assert answer["error"]["details"][0]["field"] == "distillation.teacher_model_id"
    assert sim.recorded("CreateModelCustomizationJob") == []
    legacy = {**retired, "name": "taught-33", "distillation": {"teacher_model_id": "us.meta.llama3-3-70b-instruct-v1:0"}}
    status, job = call("POST", "/customize/jobs", legacy)
    assert status == 201, job
    (warning,) = job["warnings"]
    assert "Meta Llama 3.3 70B Instruct (us.meta.llama3-3-70b-instruct-v1:0), the teacher, is a Legacy Bedrock model" in warning
