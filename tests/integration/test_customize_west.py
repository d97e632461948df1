"""Model customization on `make dev`'s default stack (us-west-2): what that Region offers and refuses.

The stack runs on the real date: the end-of-life dates these tests rely on (Claude 3 Haiku, 2026-09-10) are in the past
of every day the suite can run on, so no result depends on the day; the Legacy cases run on a fixed date in
tests/integration/test_customize_lifecycle.py.
"""

from __future__ import annotations

from tests.integration.customize_helpers import SAMPLE, jsonl, sim_settings, until
from tests.integration.live import request, sign_in

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0:200k"
LLAMA31_8B = "meta.llama3-1-8b-instruct-v1:0:128k"


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


def test_given_claude_3_haiku_past_its_end_of_life_then_validate_is_400_and_the_catalog_leaves_it_out(stack):
    """model-card-anthropic-claude-3-haiku.html: end of life 2026-09-10 in most Regions, us-west-2 among them."""
    admin = sign_in(stack, "admin@example.com")
    status, answer, _ = request(stack, "POST", "customize/datasets", admin, {"base_model_id": HAIKU, "content": jsonl(_claude(32))})
    assert (status, answer["error"]["code"]) == (400, "model_end_of_life")
    assert "reached its Bedrock end of life on 2026-09-10" in answer["error"]["message"]
    assert HAIKU not in [m["id"] for m in request(stack, "GET", "customize/catalog", admin)[1]["base_models"]]


def test_given_a_llama_3_1_8b_custom_model_then_deploying_is_409_provisioned_throughput_only_and_nothing_is_bought(stack):
    admin = sign_in(stack, "admin@example.com")
    sim_settings(stack, job_seconds=0.5)
    try:
        records = [{"prompt": f"질문 {i}", "completion": f"답변 {i}"} for i in range(110)]
        body = {"base_model_id": LLAMA31_8B, "content": jsonl(records), "validation_split": 0.1}
        status, report, _ = request(stack, "POST", "customize/datasets", admin, body)
        assert status == 201, report
        assert report["estimated_cost"]["usd"] is None  # no training price in the catalog: not estimated, said so
        job = {"dataset_id": report["dataset_id"], "name": "llama8", "hyperparameters": {"epochCount": 1}}
        assert request(stack, "POST", "customize/jobs", admin, job)[0] == 201
        until(lambda: request(stack, "GET", "customize/jobs/llama8", admin)[1]["status"] == "Completed")
        status, answer, _ = request(stack, "POST", "customize/deployments", admin, {"model_name": "llama8"})
        assert (status, answer["error"]["code"]) == (409, "provisioned_throughput_only")
        assert "Provisioned Throughput" in answer["error"]["message"]
        assert "never buys it" in answer["error"]["message"]
        assert request(stack, "GET", "customize/deployments", admin)[1] == {"deployments": []}
        assert request(stack, "DELETE", "customize/models/llama8", admin)[0] == 200
    finally:
        sim_settings(stack, job_seconds=10)
