"""Model customization on `make dev`'s default stack (us-west-2): what that Region offers and refuses."""

from __future__ import annotations

from tests.integration.customize_helpers import SAMPLE, jsonl, sim_settings, until
from tests.integration.live import request, sign_in

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0:200k"


def _claude(n: int) -> list[dict]:
    """Claude 3 Haiku's own format: string system and content (model-customization-prepare.html)."""
    turns = [[{"role": "user", "content": f"질문 {i}"}, {"role": "assistant", "content": f"답변 {i}"}] for i in range(n)]
    return [{"system": "하늘빛여행 상담원", "messages": messages} for messages in turns]


def test_given_the_sample_for_llama_3_3_then_400_needs_100_records(stack):
    admin = sign_in(stack, "admin@example.com")
    body = {"base_model_id": "meta.llama3-3-70b-instruct-v1:0:128k", "content": SAMPLE.read_text(encoding="utf-8")}
    status, answer, _ = request(stack, "POST", "customize/datasets", admin, body)
    assert status == 400
    assert answer["error"]["details"] == [
        {"line": 0, "field": "records", "message": "30 valid records: Meta Llama 3.3 70B Instruct needs at least 100 (최소 100개)"}
    ]


def test_given_nova_in_us_west_2_then_400_names_the_region_it_runs_in(stack):
    admin = sign_in(stack, "admin@example.com")
    body = {"base_model_id": "amazon.nova-micro-v1:0:128k", "content": SAMPLE.read_text(encoding="utf-8")}
    status, answer, _ = request(stack, "POST", "customize/datasets", admin, body)
    assert status == 400
    assert "supports FINE_TUNING in us-east-1, not in this stack's Region us-west-2" in answer["error"]["message"]


def test_given_a_claude_3_haiku_custom_model_then_deploying_is_409_provisioned_throughput_only_and_nothing_is_bought(stack):
    admin = sign_in(stack, "admin@example.com")
    sim_settings(stack, job_seconds=0.5)
    try:
        body = {"base_model_id": HAIKU, "content": jsonl(_claude(32)), "validation_split": 0.1}
        status, report, _ = request(stack, "POST", "customize/datasets", admin, body)
        assert status == 201, report
        assert report["estimated_cost"]["usd"] is None  # no training price in the catalog: not estimated, said so
        job = {"dataset_id": report["dataset_id"], "name": "haiku", "hyperparameters": {"batchSize": 8}}
        assert request(stack, "POST", "customize/jobs", admin, job)[0] == 201
        until(lambda: request(stack, "GET", "customize/jobs/haiku", admin)[1]["status"] == "Completed")
        status, answer, _ = request(stack, "POST", "customize/deployments", admin, {"model_name": "haiku"})
        assert (status, answer["error"]["code"]) == (409, "provisioned_throughput_only")
        assert "Provisioned Throughput" in answer["error"]["message"]
        assert "never buys it" in answer["error"]["message"]
        assert request(stack, "GET", "customize/deployments", admin)[1] == {"deployments": []}
        assert request(stack, "DELETE", "customize/models/haiku", admin)[0] == 200
    finally:
        sim_settings(stack, job_seconds=10)
