"""Model customization through the local stack (us-east-1): dataset checks, jobs, deployment, chat, clean-up.

Real boto3 clients all the way: the customize function (behind the local gateway) calls the offline Bedrock's
control plane and moto's S3 and DynamoDB; the chat function answers through a deployment ARN.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from tests.integration.customize_helpers import NOVA_MICRO, SAMPLE, dataset, east_stack, job_status, jsonl, record, sim_settings, until
from tests.integration.live import Stack, create_user, request, sign_in
from tests.integration.streams import post_stream
from tests.integration.usage_rows import sub_of


@pytest.fixture(scope="module")
def east(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with east_stack(tmp_path_factory.mktemp("east")) as outputs:
        yield outputs


@pytest.fixture(scope="module")
def admin(east: Stack) -> str:
    return sign_in(east, "admin@example.com")


@pytest.fixture(scope="module")
def user(east: Stack) -> str:
    return sign_in(east, "user@example.com")


def test_given_the_korean_sample_when_checked_for_nova_micro_then_counts_tokens_and_cost_are_reported(east, admin):
    status, report = dataset(east, admin, SAMPLE.read_text(encoding="utf-8"), validation_split=0.2)
    assert status == 201, report
    assert (report["records"], report["train_records"], report["validation_records"]) == (30, 24, 6)
    assert report["tokens"]["train"] > 24 * 40  # Korean counted about a token a character
    cost = report["estimated_cost"]
    assert (cost["epochs"], cost["price_per_1k_tokens"]) == (2, 0.001)
    assert cost["usd"] == round(report["tokens"]["train"] * 2 / 1000 * 0.001, 6)
    # where the catalog read the training and storage prices: field notes with no public page, and they say so
    sources = [(s["key"], s["label"], s["url"]) for s in cost["price_sources"]]
    assert sources == [("field-log-2026-08", "second-hand", None), ("first-catalog-2026-11", "second-hand", None)]
    assert report["s3_uris"]["validation"].endswith("/validation.jsonl")


def test_given_every_kind_of_bad_record_then_400_lists_each_by_line_and_nothing_is_stored(east, admin):
    good = record("환불은 언제 되나요?", "영업일 기준 3~5일 안에 들어와요.")
    bad = [
        good,
        '{"schemaVersion": "bedrock-conversation-2024", "messages": [',  # 2: not JSON
        "[1, 2]",  # 3: not an object
        {"schemaVersion": "bedrock-conversation-2024"},  # 4: no messages
        {**good, "messages": list(reversed(good["messages"]))},  # 5: assistant first, user last
        {**good, "messages": [good["messages"][0], {"role": "assistant", "content": [{"text": "   "}]}]},  # 6: blank answer
        record("User: 예약 취소해 주세요", "네, 도와드릴게요."),  # 7: a Nova reserved keyword
        {**good, "label": "tone"},  # 8: unknown field
        "",  # 9: blank line
        record("숙소 위치가 달라요", "정말 죄송해요. 다른 숙소로 옮겨 드릴게요."),  # 10: fine
    ]
    status, answer = dataset(east, admin, jsonl(bad))
    assert status == 400, answer
    assert answer["error"]["code"] == "invalid_dataset"
    by_line = {d["line"]: d for d in answer["error"]["details"]}
    assert set(by_line) >= {2, 3, 4, 5, 6, 7, 8, 9, 0}
    assert not {1, 10} & set(by_line)
    assert "not valid JSON" in by_line[2]["message"]
    assert by_line[4]["field"] == "messages"
    assert "reserved keyword 'User:'" in by_line[7]["message"]
    assert "needs at least 8" in by_line[0]["message"]  # 2 good records of the 8 Nova Micro needs
    _, jobs, _ = request(east, "GET", "customize/jobs", admin)
    assert jobs == {"jobs": []}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"method": "CONTINUED_PRE_TRAINING"}, "No base model currently documents continued pre-training"),
        ({"method": "REINFORCEMENT_FINE_TUNING"}, "Reinforcement fine-tuning is not offered by this product yet"),
        ({"base_model_id": "meta.llama3-1-8b-instruct-v1:0:128k"}, "in us-west-2, not in this stack's Region us-east-1"),
        ({"base_model_id": "amazon.titan-text-express-v1:0:8k"}, "is not a customizable model"),
    ],
)
def test_given_an_unsupported_method_or_base_model_then_400_says_why(east, admin, body, expected):
    status, answer = dataset(east, admin, SAMPLE.read_text(encoding="utf-8"), **body)
    assert status == 400, answer
    assert expected in answer["error"]["message"]


def test_given_hyperparameters_out_of_range_or_unknown_then_400_per_field_and_no_job(east, admin):
    _, report = dataset(east, admin, SAMPLE.read_text(encoding="utf-8"))
    values = {"epochCount": 9, "batchSize": 4, "learningRate": 0.5}
    body = {"dataset_id": report["dataset_id"], "name": "tone-bad", "hyperparameters": values}
    status, answer, _ = request(east, "POST", "customize/jobs", admin, body)
    assert status == 400
    fields = {d["field"]: d["message"] for d in answer["error"]["details"]}
    assert "between 1 and 5" in fields["hyperparameters.epochCount"]
    assert "takes no batchSize" in fields["hyperparameters.batchSize"]
    assert "between 1e-06 and 0.0001" in fields["hyperparameters.learningRate"]
    assert request(east, "GET", "customize/jobs/tone-bad", admin)[0] == 404


def test_given_bedrock_fails_the_job_then_the_status_shows_failed_with_its_message(east, admin):
    _, report = dataset(east, admin, SAMPLE.read_text(encoding="utf-8"))
    sim_settings(east, fail_next_job="Encountered an internal error when processing the request.")
    status, job, _ = request(east, "POST", "customize/jobs", admin, {"dataset_id": report["dataset_id"], "name": "tone-fails"})
    assert (status, job["status"]) == (201, "InProgress")
    failed = job_status(east, admin, "tone-fails", {"Failed"})
    assert failed["failure_message"] == "Encountered an internal error when processing the request."
    assert failed["status_details"]["validation"] == "Failed"
    assert request(east, "GET", "customize/models", admin)[1]["models"] == []


def test_given_a_running_job_when_stopped_then_stopping_then_stopped_and_no_model(east, admin):
    _, report = dataset(east, admin, SAMPLE.read_text(encoding="utf-8"))
    sim_settings(east, job_seconds=60)
    try:
        request(east, "POST", "customize/jobs", admin, {"dataset_id": report["dataset_id"], "name": "tone-stopped"})
        status, job, _ = request(east, "POST", "customize/jobs/tone-stopped/stop", admin)
        assert (status, job["status"]) == (202, "Stopping")
        assert job_status(east, admin, "tone-stopped", {"Stopped"})["ended_at"]
        status, again, _ = request(east, "POST", "customize/jobs/tone-stopped/stop", admin)
        assert status == 400
        assert "only a job in progress" in again["error"]["message"]
    finally:
        sim_settings(east, job_seconds=1)


def test_given_the_sample_when_trained_deployed_and_registered_then_users_chat_with_it_until_it_is_removed(east, admin, user):
    _, report = dataset(east, admin, SAMPLE.read_text(encoding="utf-8"), validation_split=0.2)
    body = {"dataset_id": report["dataset_id"], "name": "tone", "hyperparameters": {"epochCount": 2, "learningRateWarmupSteps": 3}}
    status, job, _ = request(east, "POST", "customize/jobs", admin, body)
    assert (status, job["status"], job["hyperparameters"]) == (201, "InProgress", {"epochCount": "2", "learningRateWarmupSteps": "3"})
    done = job_status(east, admin, "tone", {"Completed"})
    assert done["metrics"]["training_loss"] > 0
    assert len(done["metrics"]["training_steps"]) == 10  # 5 steps an epoch offline, 2 epochs
    assert done["metrics"]["validation_steps"]  # a validation set was given
    (model,) = request(east, "GET", "customize/models", admin)[1]["models"]
    assert (model["name"], model["storage_per_month_usd"], model["deployment"]["on_demand"]) == ("tone", 1.95, True)

    status, deployment, _ = request(east, "POST", "customize/deployments", admin, {"model_name": "tone"})
    assert (status, deployment["status"]) == (202, "Creating")
    status, refused, _ = request(east, "POST", "customize/deployments/tone/registration", admin, {"display_name": "하늘빛 상담원"})
    assert (status, refused["error"]["code"]) == (409, "conflict")  # not Active yet
    until(lambda: request(east, "GET", "customize/deployments/tone", admin)[1]["status"] == "Active")
    status, registered, _ = request(east, "POST", "customize/deployments/tone/registration", admin, {"display_name": "하늘빛 상담원"})
    assert (status, registered["registered"]) == (201, True)

    arn = deployment["arn"]
    listed = {m["id"]: m for m in request(east, "GET", "models", user)[1]["chat_models"]}
    assert (listed[arn]["name"], listed[arn]["custom"]["base_model_id"]) == ("하늘빛 상담원", NOVA_MICRO)
    assert listed[arn]["params"]["top_k"] == [1, 128]  # the base model's rules
    status, answer, _ = request(east, "POST", "chat", user, {"message": "예약을 취소하고 싶어요.", "model_id": arn})
    assert status == 200, answer
    assert answer["message"]["content"].startswith("[offline custom model bedrockgenai-tone] You said: «예약을 취소하고 싶어요.»")
    streamed = post_stream(east["ApiUrl"], "chat/stream", user, {"message": "스트림으로도 답해 주세요", "model_id": arn})
    assert streamed.of("done") == [{"stored": "complete"}]
    assert streamed.text().startswith("[offline custom model bedrockgenai-tone] You said: «스트림으로도 답해 주세요»")
    _metered_and_budgeted(east, admin, user, arn, [answer["usage"], *streamed.of("usage")])
    status, bad, _ = request(east, "POST", "chat", user, {"message": "안녕", "model_id": arn, "params": {"top_k": 200}})
    assert status == 400
    assert bad["error"]["details"][0] == {"field": "params.top_k", "message": "must be between 1 and 128 for 하늘빛 상담원"}

    assert request(east, "DELETE", "customize/deployments/tone/registration", admin)[0] == 204
    assert arn not in {m["id"] for m in request(east, "GET", "models", user)[1]["chat_models"]}
    status, gone, _ = request(east, "POST", "chat", user, {"message": "안녕", "model_id": arn})
    assert (status, gone["error"]["code"]) == (400, "bad_request")
    conversation = answer["conversation_id"]
    status, moved, _ = request(east, "POST", "chat", user, {"message": "다시 안녕", "conversation_id": conversation})
    assert status == 200
    assert (moved["notice"]["code"], moved["notice"]["previous_model_id"]) == ("model_fallback", arn)

    assert request(east, "DELETE", "customize/models/tone", admin)[0] == 409  # still deployed
    status, deleted, _ = request(east, "DELETE", "customize/deployments/tone", admin)
    assert status == 200
    assert "custom model is kept" in deleted["note"]
    status, deleted, _ = request(east, "DELETE", "customize/models/tone", admin)
    assert status == 200
    assert "$1.95 a month" in deleted["note"]
    assert request(east, "GET", "customize/models", admin)[1]["models"] == []


def _metered_and_budgeted(east: Stack, admin: str, user: str, arn: str, usages: list[dict]) -> None:
    """A custom model's turns are metered at the catalog's inference price of its base model (Nova Micro: $0.035 /
    $0.14 per 1M tokens in / out, copied into the registration), and a budget refuses them like any model's."""
    status, mine, _ = request(east, "GET", "usage", user)
    assert status == 200
    (row,) = [m for m in mine["day"]["models"] if m["model_id"] == arn]
    tokens_in, tokens_out = sum(u["input_tokens"] for u in usages), sum(u["output_tokens"] for u in usages)
    assert (row["input_tokens"], row["output_tokens"]) == (tokens_in, tokens_out)
    priced = tokens_in * 0.035 + tokens_out * 0.14  # micro-USD: tokens x USD per 1M tokens
    assert priced > 0
    assert priced <= row["cost_micro_usd"] <= priced + len(usages)  # each call rounded up to the micro-dollar
    capped = create_user(east, f"{uuid.uuid4().hex[:10]}@example.com", "Custom-Budget-Pass-1!")
    assert request(east, "PUT", f"admin/budgets/users/{sub_of(capped)}", admin, {"tokens_per_day": 10})[0] == 200
    status, refused, _ = request(east, "POST", "chat", capped, {"message": "안녕하세요", "model_id": arn})
    assert (status, refused["error"]["code"], refused["error"]["details"]["budget"]) == (429, "budget_exceeded", "tokens_per_day")


def test_given_a_user_outside_the_admin_group_then_every_customize_route_is_403(east, user):
    for method, path, body in [
        ("GET", "customize/catalog", None),
        ("POST", "customize/datasets", {"content": "x"}),
        ("GET", "customize/jobs", None),
        ("DELETE", "customize/deployments/tone", None),
    ]:
        status, answer, _ = request(east, method, path, user, body)
        assert (status, answer["error"]["code"]) == (403, "forbidden"), path


def test_given_the_catalog_then_every_row_has_sources_and_this_regions_availability(east, admin):
    status, catalog, _ = request(east, "GET", "customize/catalog", admin)
    assert (status, catalog["region"]) == (200, "us-east-1")
    rows = {m["id"]: m for m in catalog["base_models"]}
    assert rows[NOVA_MICRO]["available_here"]["FINE_TUNING"]
    assert rows[NOVA_MICRO]["on_demand_here"]
    assert not rows["meta.llama3-3-70b-instruct-v1:0:128k"]["available_here"]["FINE_TUNING"]
    assert catalog["methods"]["CONTINUED_PRE_TRAINING"]["offered"] is False
    assert all(m["dataset"]["source"] and m["prices"]["source"] and m["hyperparameters"]["source"] for m in catalog["base_models"])
    assert json.dumps(catalog, ensure_ascii=False)


def test_given_a_dataset_over_the_body_limit_then_413_inline_and_201_through_a_presigned_upload(east, admin):
    import requests

    content = jsonl(
        [
            record(f"질문 {i}: 예약 변경이 가능한가요?", f"네, 가능해요. 예약 번호 {i}번으로 바로 도와드릴게요. 좋은 하루 보내세요!")
            for i in range(600)
        ]
    )
    size = len(content.encode("utf-8"))
    assert size > 65_536
    status, answer = dataset(east, admin, content)
    assert (status, answer["error"]["code"]) == (413, "payload_too_large")
    status, upload, _ = request(east, "POST", "customize/uploads", admin, {"size": size})
    assert status == 201, upload
    posted = requests.post(upload["url"], data=upload["fields"], files={"file": ("data.jsonl", content.encode("utf-8"))}, timeout=10)
    assert posted.status_code in (200, 204), posted.text
    status, report, _ = request(east, "POST", "customize/datasets", admin, {"base_model_id": NOVA_MICRO, "upload_id": upload["upload_id"]})
    assert (status, report["records"]) == (201, 600)
    both = {"base_model_id": NOVA_MICRO, "upload_id": upload["upload_id"], "content": "x"}
    assert request(east, "POST", "customize/datasets", admin, both)[0] == 400
    assert request(east, "POST", "customize/datasets", admin, {"base_model_id": NOVA_MICRO})[0] == 400
    missing = {"base_model_id": NOVA_MICRO, "upload_id": "up-0000000000000000"}
    assert request(east, "POST", "customize/datasets", admin, missing)[0] == 404
