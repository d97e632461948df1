"""Distillation through the local stack (us-east-1): the Korean prompt set checked for Nova Micro, a job taught by
Nova Pro that completes, deploys and answers in chat, and the 400s a wrong teacher or a missing one get.

Real boto3 clients all the way: the customize function (behind the local gateway) calls the offline Bedrock, which
validates CreateModelCustomizationJob against botocore's `bedrock` service model and the catalog's teacher pairs
(https://docs.aws.amazon.com/bedrock/latest/userguide/prequisites-model-distillation.html) and lifecycle dates: Nova
Premier, the catalog's other Nova teacher, reached its end of life on 2026-09-14
(https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-amazon-nova-premier.html). The stack runs on
tests/clock.py's date (customize_helpers.east_stack: LOCAL_TODAY).
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from tests.integration.customize_helpers import NOVA_MICRO, ROOT, SAMPLE, dataset, east_stack, job_status, until
from tests.integration.live import Stack, request, sign_in

PROMPTS = ROOT / "local" / "seed" / "customization" / "company-tone-prompts.jsonl"
NOVA_PRO = "amazon.nova-pro-v1:0"
PREMIER = "us.amazon.nova-premier-v1:0"


@pytest.fixture(scope="module")
def east(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with east_stack(tmp_path_factory.mktemp("distill")) as outputs:
        yield outputs


@pytest.fixture(scope="module")
def admin(east: Stack) -> str:
    return sign_in(east, "admin@example.com")


@pytest.fixture(scope="module")
def prompts(east: Stack, admin: str) -> str:
    status, report = dataset(east, admin, PROMPTS.read_text(encoding="utf-8"), method="DISTILLATION")
    assert status == 201, report
    assert (report["method"], report["records"], report["limits"]["min_records"], report["limits"]["max_records"]) == (
        "DISTILLATION",
        100,
        100,
        15000,
    )
    assert "teacher's inference" in report["estimated_cost"]["distillation"]
    dataset_id: str = report["dataset_id"]
    return dataset_id


def test_given_the_korean_prompts_when_distilled_from_nova_pro_then_the_job_completes_deploys_and_answers(east, admin, prompts):
    _, catalog, _ = request(east, "GET", "customize/catalog", admin)
    micro = next(m for m in catalog["base_models"] if m["id"] == NOVA_MICRO)
    assert [t["id"] for t in micro["teachers"]] == [NOVA_PRO]  # Nova Premier is past its end of life: not offered
    body = {"dataset_id": prompts, "name": "tone-distilled", "distillation": {"teacher_model_id": NOVA_PRO, "max_response_length": 800}}
    status, job, _ = request(east, "POST", "customize/jobs", admin, body)
    assert (status, job["status"], job["method"]) == (201, "InProgress", "DISTILLATION"), job
    assert (job["teacher_model_id"], job["max_response_length"]) == (NOVA_PRO, 800)
    done = job_status(east, admin, "tone-distilled", {"Completed"})
    assert done["custom_model_arn"]
    status, deployment, _ = request(east, "POST", "customize/deployments", admin, {"model_name": "tone-distilled"})
    assert status == 202, deployment
    until(lambda: request(east, "GET", "customize/deployments/tone-distilled", admin)[1]["status"] == "Active")
    path = "customize/deployments/tone-distilled/registration"
    status, registered, _ = request(east, "POST", path, admin, {"display_name": "증류 상담원"})
    assert status == 201, registered
    user = sign_in(east, "user@example.com")
    status, answer, _ = request(east, "POST", "chat", user, {"message": "환불은 언제 되나요?", "model_id": deployment["arn"]})
    assert status == 200, answer
    assert answer["message"]["content"].startswith("[offline custom model bedrockgenai-tone-distilled]")


@pytest.mark.parametrize(
    ("distillation", "field"),
    [
        ({"teacher_model_id": "amazon.nova-premier-v1:0"}, "distillation.teacher_model_id"),  # Premier: profile only
        ({"teacher_model_id": PREMIER}, "distillation.teacher_model_id"),  # and past its end of life
        ({"teacher_model_id": "anthropic.claude-3-5-sonnet-20241022-v2:0"}, "distillation.teacher_model_id"),
        ({"teacher_model_id": NOVA_PRO, "max_response_length": 5001}, "distillation.max_response_length"),
        (None, "distillation"),
    ],
)
def test_given_a_wrong_or_missing_teacher_then_400_names_the_field_and_no_job_starts(east, admin, prompts, distillation, field):
    body = {"dataset_id": prompts, "name": "tone-wrong", **({"distillation": distillation} if distillation else {})}
    status, answer, _ = request(east, "POST", "customize/jobs", admin, body)
    assert (status, answer["error"]["details"][0]["field"]) == (400, field), answer
    assert request(east, "GET", "customize/jobs/tone-wrong", admin)[0] == 404


def test_given_nova_premier_as_teacher_then_400_names_its_end_of_life_in_english_and_korean_and_no_job_starts(east, admin, prompts):
    body = {"dataset_id": prompts, "name": "tone-premier", "distillation": {"teacher_model_id": PREMIER}}
    status, answer, _ = request(east, "POST", "customize/jobs", admin, body)
    assert (status, answer["error"]["code"]) == (400, "model_end_of_life"), answer
    message = answer["error"]["message"]
    assert f"Amazon Nova Premier ({PREMIER}) reached its Bedrock end of life on 2026-09-14" in message
    assert "2026-09-14에 Bedrock 지원이 종료(EOL)되어 교사 모델로 쓸 수 없습니다" in message
    assert answer["error"]["details"][0]["end_of_life"] == "2026-09-14"
    assert request(east, "GET", "customize/jobs/tone-premier", admin)[0] == 404


def test_given_a_fine_tuning_dataset_with_a_teacher_then_400(east, admin):
    _, report = dataset(east, admin, SAMPLE.read_text(encoding="utf-8"))
    body = {"dataset_id": report["dataset_id"], "name": "tone-ft", "distillation": {"teacher_model_id": NOVA_PRO}}
    status, answer, _ = request(east, "POST", "customize/jobs", admin, body)
    assert (status, answer["error"]["details"][0]["field"]) == (400, "distillation")
    assert "a teacher is only for DISTILLATION / 증류 작업에만 교사 모델을 지정합니다" in answer["error"]["message"]


def test_given_the_30_record_sample_then_distillation_needs_100_prompts(east, admin):
    status, answer = dataset(east, admin, SAMPLE.read_text(encoding="utf-8"), method="DISTILLATION")
    assert status == 400
    assert "needs at least 100 (최소 100개)" in answer["error"]["details"][-1]["message"]


def test_given_a_non_admin_then_starting_a_distillation_job_is_403(east, prompts):
    user = sign_in(east, "user@example.com")
    body = {"dataset_id": prompts, "name": "tone-user", "distillation": {"teacher_model_id": NOVA_PRO}}
    status, answer, _ = request(east, "POST", "customize/jobs", user, body)
    assert (status, answer["error"]["code"]) == (403, "forbidden")


def test_given_the_offline_bedrock_then_it_refuses_an_unpaired_teacher_as_bedrock_would(east):
    """Straight to the simulator with boto3: the same rule holds for code that skips the product's check."""
    bedrock = boto3.client("bedrock", region_name="us-east-1", endpoint_url=east["BedrockEndpoint"])
    call = {
        "jobName": "direct-distill",
        "customModelName": "direct-distill",
        "roleArn": "arn:aws:iam::123456789012:role/customization",
        "baseModelIdentifier": "amazon.nova-pro-v1:0:300k",
        "customizationType": "DISTILLATION",
        "trainingDataConfig": {"s3Uri": "s3://nowhere/train.jsonl"},
        "outputDataConfig": {"s3Uri": "s3://nowhere/output/"},
        "customizationConfig": {"distillationConfig": {"teacherModelConfig": {"teacherModelIdentifier": NOVA_PRO}}},
    }
    with pytest.raises(bedrock.exceptions.ValidationException, match="not supported for the student model"):
        bedrock.create_model_customization_job(**call)
    taught = {"distillationConfig": {"teacherModelConfig": {"teacherModelIdentifier": PREMIER}}}  # paired, but retired
    with pytest.raises(bedrock.exceptions.ResourceNotFoundException, match="This model version has reached the end of its life"):
        bedrock.create_model_customization_job(**{**call, "customizationConfig": taught})
    with pytest.raises(bedrock.exceptions.ValidationException, match=r"requires customizationConfig\.distillationConfig"):
        bedrock.create_model_customization_job(**{k: v for k, v in call.items() if k != "customizationConfig"})
    fine_tuning = {**call, "customizationType": "FINE_TUNING", "baseModelIdentifier": NOVA_MICRO}
    with pytest.raises(bedrock.exceptions.ValidationException, match="only valid for a DISTILLATION job"):
        bedrock.create_model_customization_job(**fine_tuning)


def test_given_reinforcement_fine_tuning_then_400_says_why_in_korean_and_english(east, admin):
    status, answer = dataset(east, admin, SAMPLE.read_text(encoding="utf-8"), method="REINFORCEMENT_FINE_TUNING")
    assert (status, answer["error"]["code"]) == (400, "bad_request")
    message = answer["error"]["message"]
    assert "Reinforcement fine-tuning is not offered by this product yet" in message  # said plainly, first
    assert "needs a reward function (a grader Lambda" in message  # why
    assert "lambda:InvokeFunction" in message
    assert "강화 미세 조정(RFT)은 아직 이 제품에서 제공하지 않습니다" in message
    assert "채점기를 배포하지 않고 그 권한도 주지 않으므로" in message
    assert answer["error"]["details"][0]["source"].startswith(
        "https://docs.aws.amazon.com/bedrock/latest/userguide/reinforcement-fine-tuning.html"
    )


def test_given_the_offline_bedrock_then_an_rft_job_for_nova_2_lite_needs_its_rft_config(east):
    """reinforcement-fine-tuning.html lists Nova 2 Lite in us-east-1; rftConfig carries the grader Lambda."""
    bedrock = boto3.client("bedrock", region_name="us-east-1", endpoint_url=east["BedrockEndpoint"])
    with pytest.raises(bedrock.exceptions.ValidationException, match="enum value set"):  # botocore's ModelCustomization enum
        bedrock.list_foundation_models(byCustomizationType="REINFORCEMENT_FINE_TUNING")
    call = {
        "jobName": "direct-rft",
        "customModelName": "direct-rft",
        "roleArn": "arn:aws:iam::123456789012:role/customization",
        "baseModelIdentifier": "amazon.nova-2-lite-v1:0:256k",
        "customizationType": "REINFORCEMENT_FINE_TUNING",
        "trainingDataConfig": {"s3Uri": "s3://nowhere/train.jsonl"},
        "outputDataConfig": {"s3Uri": "s3://nowhere/output/"},
    }
    with pytest.raises(bedrock.exceptions.ValidationException, match="rftConfig is required"):
        bedrock.create_model_customization_job(**call)
