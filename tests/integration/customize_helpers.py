"""Helpers for the model-customization tests: a local stack in us-east-1 (Nova fine-tuning and on-demand
deployment run there) on the suite's fixed date (LOCAL_TODAY: the functions' clocks and the offline Bedrock read
tests/clock.py's date for the catalogs' lifecycle), the offline Bedrock's customization controls, polling, datasets."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.clock import TODAY
from tests.integration.live import ROOT, Stack, request, running_stack

SAMPLE = ROOT / "local" / "seed" / "customization" / "company-tone.jsonl"
EAST = ROOT / "docs" / "examples" / "us-east-1.json"
NOVA_MICRO = "amazon.nova-micro-v1:0:128k"


@contextmanager
def east_stack(state: Path) -> Iterator[Stack]:
    settings = {"LOCAL_CONFIG": str(EAST), "LOCAL_CUSTOMIZATION_JOB_SECONDS": "1", "LOCAL_TODAY": TODAY.isoformat()}
    with running_stack(state, settings) as outputs:
        yield outputs


def sim_settings(stack: Stack, **settings: Any) -> dict[str, Any]:
    call = urllib.request.Request(stack["BedrockEndpoint"] + "/_sim/customization", data=json.dumps(settings).encode(), method="POST")
    with urllib.request.urlopen(call, timeout=10) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def until(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


def record(question: str, answer: str) -> dict[str, Any]:
    messages = [{"role": "user", "content": [{"text": question}]}, {"role": "assistant", "content": [{"text": answer}]}]
    return {"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "하늘빛여행 상담원"}], "messages": messages}


def jsonl(records: list[Any]) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def dataset(stack: Stack, token: str, content: str, **extra: Any) -> tuple[int, Any]:
    body = {"base_model_id": NOVA_MICRO, "content": content, **extra}
    status, answer, _ = request(stack, "POST", "customize/datasets", token, body)
    return status, answer


def job_status(stack: Stack, token: str, name: str, wanted: set[str]) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        _, job, _ = request(stack, "GET", f"customize/jobs/{name}", token)
        return job if job["status"] in wanted else None

    found: dict[str, Any] = until(check)
    return found


def made_before_end_of_life(stack: Stack, name: str, base_model_id: str, content: str, before: str) -> None:
    """A custom model of this stack made at Bedrock on `before` (a date before its base model's end of life): the
    offline account is moved to that date, the job created through boto3 against the offline Bedrock (as the function
    would have created it then: the stack's name prefix, its bucket and role), and the account moved back to the
    stack's date once the model is Active. For a stack whose functions read a date past the end of life."""
    import boto3

    from customize.aws import full_name
    from local.resources import local_config
    from local.stack import LOCAL_CUSTOMIZATION_ROLE

    full = full_name(local_config().stack_name, name)
    bucket, key = stack["CustomizationBucketName"], f"datasets/{full}.jsonl"
    keys = {"region_name": stack["Region"], "aws_access_key_id": "local", "aws_secret_access_key": "local"}
    boto3.client("s3", endpoint_url=stack["CognitoEndpoint"], **keys).put_object(Bucket=bucket, Key=key, Body=content.encode())
    bedrock = boto3.client("bedrock", endpoint_url=stack["BedrockEndpoint"], **keys)
    saved = sim_account(stack)["today"]
    sim_account(stack, today=before)
    sim_settings(stack, job_seconds=0.3)
    try:
        job = bedrock.create_model_customization_job(
            jobName=full,
            customModelName=full,
            roleArn=LOCAL_CUSTOMIZATION_ROLE,
            baseModelIdentifier=base_model_id,
            trainingDataConfig={"s3Uri": f"s3://{bucket}/{key}"},
            outputDataConfig={"s3Uri": f"s3://{bucket}/output/{full}/"},
        )
        until(lambda: bedrock.get_model_customization_job(jobIdentifier=job["jobArn"])["status"] == "Completed")
    finally:
        sim_account(stack, today=saved)
        sim_settings(stack, job_seconds=10)


def sim_account(stack: Stack, **settings: Any) -> dict[str, Any]:
    """The offline account scenario (POST /_sim/account; with no settings, what it is now)."""
    body = json.dumps(settings).encode()
    call = urllib.request.Request(stack["BedrockEndpoint"] + "/_sim/account", data=body, method="POST")
    with urllib.request.urlopen(call, timeout=10) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer
