"""The offline Bedrock's customization control plane, called with boto3's own bedrock client (its parser accepts
every answer; the simulator validates requests and answers against botocore's service model). The catalog's lifecycle
dates are read on the suite's fixed date (tests/clock.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.clock import TODAY

LLAMA = "meta.llama3-3-70b-instruct-v1:0:128k"
ROLE = "arn:aws:iam::123456789012:role/customization-test"
BUCKET = "customization-test"


@pytest.fixture
def bedrock(sim) -> Iterator[object]:
    s3 = boto3.client("s3")  # the bucket: tests/integration/conftest.py
    sim.customization.s3, sim.customization.job_seconds, sim.customization.deploy_seconds = s3, 0.3, 0.2
    sim.account.today = TODAY.isoformat()
    yield boto3.client("bedrock", endpoint_url=sim.endpoint_url)
    sim.customization.s3 = None
    for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])


def _data(key: str, lines: list[str]) -> str:
    boto3.client("s3").put_object(Bucket=BUCKET, Key=key, Body="\n".join(lines).encode())
    return f"s3://{BUCKET}/{key}"


def _conversation(i: int) -> str:
    messages = [{"role": "user", "content": [{"text": f"질문 {i}"}]}, {"role": "assistant", "content": [{"text": f"답변 {i}"}]}]
    return json.dumps({"schemaVersion": "bedrock-conversation-2024", "messages": messages}, ensure_ascii=False)


def _job(bedrock, name: str, uri: str, **extra) -> str:
    return bedrock.create_model_customization_job(
        jobName=name,
        customModelName=name,
        roleArn=ROLE,
        trainingDataConfig={"s3Uri": uri},
        outputDataConfig={"s3Uri": f"s3://{BUCKET}/output/{name}/"},
        **{"baseModelIdentifier": LLAMA, **extra},
    )["jobArn"]


def _wait(bedrock, name: str, status: str) -> dict:
    deadline = time.time() + 10
    while time.time() < deadline:
        job = bedrock.get_model_customization_job(jobIdentifier=name)
        if job["status"] == status:
            return job
        time.sleep(0.1)
    raise AssertionError(f"{name} never became {status}")


def test_given_invalid_training_data_then_the_job_starts_and_fails_with_a_message_and_no_model(bedrock):
    uri = _data("datasets/bad/train.jsonl", [_conversation(0), '{"prompt": "x"'])
    arn = _job(bedrock, "bad-data", uri)
    assert ":model-customization-job/meta.llama3-3-70b-instruct-v1:0:128k/" in arn
    assert bedrock.get_model_customization_job(jobIdentifier=arn)["status"] == "InProgress"
    failed = _wait(bedrock, "bad-data", "Failed")
    assert "line 2 could not be parsed" in failed["failureMessage"]
    assert failed["statusDetails"]["validationDetails"]["status"] == "Failed"
    assert "outputModelArn" not in failed
    assert bedrock.list_custom_models()["modelSummaries"] == []


def test_given_too_few_records_then_the_job_fails_like_bedrock_reports_a_data_problem(bedrock):
    failed = _wait(bedrock, _job(bedrock, "few", _data("datasets/few/train.jsonl", [_conversation(i) for i in range(99)])), "Failed")
    assert failed["failureMessage"] == f"The dataset has 99 records; {LLAMA} needs at least 100."


def test_given_good_data_then_completed_with_metrics_files_a_custom_model_a_deployment_and_converse_until_deleted(sim, bedrock):
    uri = _data("datasets/good/train.jsonl", [_conversation(i) for i in range(100)])
    _job(bedrock, "good", uri, hyperParameters={"epochCount": "2"}, customModelTags=[{"key": "genai:stack", "value": "t"}])
    done = _wait(bedrock, "good", "Completed")
    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="output/good/")["Contents"]]
    assert [k.rsplit("/", 2)[-2:] for k in keys] == [["training_artifacts", "step_wise_training_metrics.csv"]]
    assert done["trainingMetrics"]["trainingLoss"] > 0
    model = bedrock.get_custom_model(modelIdentifier="good")
    assert (model["modelStatus"], model["modelArn"]) == ("Active", done["outputModelArn"])
    arn = bedrock.create_custom_model_deployment(modelDeploymentName="good", modelArn=model["modelArn"])["customModelDeploymentArn"]
    runtime = boto3.client("bedrock-runtime", endpoint_url=sim.endpoint_url)
    message = [{"role": "user", "content": [{"text": "안녕"}]}]
    with pytest.raises(ClientError, match="not active yet"):
        runtime.converse(modelId=arn, messages=message)
    time.sleep(0.3)
    assert bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=arn)["status"] == "Active"
    reply = runtime.converse(modelId=arn, messages=message)["output"]["message"]["content"][0]["text"]
    assert reply.startswith("[offline custom model good] You said: «안녕»")
    with pytest.raises(ClientError, match="ValidationException"):  # Llama takes no topK: the base model's rules apply
        runtime.converse(modelId=arn, messages=message, inferenceConfig={"temperature": 2.0})
    with pytest.raises(ClientError, match="has a deployment"):
        bedrock.delete_custom_model(modelIdentifier="good")
    bedrock.delete_custom_model_deployment(customModelDeploymentIdentifier="good")
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        runtime.converse(modelId=arn, messages=message)
    bedrock.delete_custom_model(modelIdentifier="good")


def test_given_a_base_model_without_on_demand_or_a_method_it_lacks_then_validation_exceptions(bedrock):
    with pytest.raises(ClientError, match="does not support CONTINUED_PRE_TRAINING in us-west-2"):
        _job(bedrock, "cpt", _data("d/t.jsonl", ['{"input": "x"}']), customizationType="CONTINUED_PRE_TRAINING")
    with pytest.raises(ClientError, match="epochCount must be between 1 and 10"):
        _job(bedrock, "hp", _data("d/t.jsonl", [_conversation(0)]), hyperParameters={"epochCount": "11"})
    bedrock.create_model_customization_job(
        jobName="llama8",
        customModelName="llama8",
        roleArn=ROLE,
        baseModelIdentifier="meta.llama3-1-8b-instruct-v1:0:128k",  # Provisioned Throughput only (deploy-custom-model-on-demand.html)
        trainingDataConfig={"s3Uri": _data("d/l.jsonl", ['{"prompt": "질문", "completion": "답변"}'] * 100)},
        outputDataConfig={"s3Uri": f"s3://{BUCKET}/output/l/"},
    )
    model = _wait(bedrock, "llama8", "Completed")["outputModelArn"]
    with pytest.raises(ClientError, match="On-demand deployment is not supported"):
        bedrock.create_custom_model_deployment(modelDeploymentName="llama8", modelArn=model)


@pytest.mark.parametrize("base", ["anthropic.claude-3-haiku-20240307-v1:0:200k", "meta.llama3-2-3b-instruct-v1:0:128k"])
def test_given_a_base_model_past_its_end_of_life_then_resource_not_found_as_bedrock_answers_a_retired_model(bedrock, base):
    """Claude 3 Haiku (EOL 2026-09-10 in us-west-2) and Llama 3.2 3B (EOL 2026-07-07): no job, no model."""
    with pytest.raises(bedrock.exceptions.ResourceNotFoundException, match="This model version has reached the end of its life"):
        _job(bedrock, "retired", _data("d/r.jsonl", [_conversation(i) for i in range(100)]), baseModelIdentifier=base)
    assert bedrock.list_model_customization_jobs(nameContains="retired")["modelCustomizationJobSummaries"] == []


def test_given_a_teacher_past_its_end_of_life_then_resource_not_found_and_a_legacy_teacher_is_accepted(bedrock):
    """Llama 3.1 405B (EOL 2026-07-07) taught Llama 3.1 8B in us-west-2; Llama 3.3 70B is Legacy (EOL 2027-03-30)."""

    def distill(name: str, teacher: str) -> str:
        config = {"distillationConfig": {"teacherModelConfig": {"teacherModelIdentifier": teacher}}}
        return bedrock.create_model_customization_job(
            jobName=name,
            customModelName=name,
            roleArn=ROLE,
            baseModelIdentifier="meta.llama3-1-8b-instruct-v1:0:128k",
            customizationType="DISTILLATION",
            customizationConfig=config,
            trainingDataConfig={"s3Uri": _data(f"d/{name}.jsonl", [_conversation(i) for i in range(100)])},
            outputDataConfig={"s3Uri": f"s3://{BUCKET}/output/{name}/"},
        )["jobArn"]

    with pytest.raises(bedrock.exceptions.ResourceNotFoundException, match="reached the end of its life"):
        distill("taught-405b", "meta.llama3-1-405b-instruct-v1:0")
    assert ":model-customization-job/meta.llama3-1-8b-instruct-v1:0:128k/" in distill("taught-33", "us.meta.llama3-3-70b-instruct-v1:0")


def test_given_a_job_in_progress_when_stopped_then_stopping_then_stopped(sim, bedrock):
    sim.customization.job_seconds = 30
    _job(bedrock, "stop-me", _data("d/s.jsonl", [_conversation(i) for i in range(100)]))
    bedrock.stop_model_customization_job(jobIdentifier="stop-me")
    assert bedrock.get_model_customization_job(jobIdentifier="stop-me")["status"] == "Stopping"
    stopped = _wait(bedrock, "stop-me", "Stopped")
    assert stopped["statusDetails"]["trainingDetails"]["status"] == "Stopped"
    with pytest.raises(ClientError, match="only a job in progress can be stopped"):
        bedrock.stop_model_customization_job(jobIdentifier="stop-me")
    listed = bedrock.list_model_customization_jobs(nameContains="stop")["modelCustomizationJobSummaries"]
    assert [(j["jobName"], j["status"]) for j in listed] == [("stop-me", "Stopped")]


def test_given_list_foundation_models_by_customization_type_then_the_catalogs_base_models_of_the_region(bedrock):
    listed = bedrock.list_foundation_models(byCustomizationType="FINE_TUNING")["modelSummaries"]
    assert LLAMA in {m["modelId"] for m in listed}
    assert not {"anthropic.claude-3-haiku-20240307-v1:0:200k", "meta.llama3-2-3b-instruct-v1:0:128k"} & {m["modelId"] for m in listed}
    lifecycle = next(m["modelLifecycle"] for m in listed if m["modelId"] == LLAMA)
    assert (lifecycle["status"], lifecycle["endOfLifeTime"].date().isoformat()) == ("LEGACY", "2027-03-30")
    assert not any(m["modelId"].startswith("amazon.nova") for m in listed)  # Nova is customized in us-east-1 only
    assert bedrock.list_foundation_models(byCustomizationType="CONTINUED_PRE_TRAINING")["modelSummaries"] == []
