"""The local stack for the benchmarks: started once, in this process, on free ports, zero Bedrock latency."""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for entry in (str(ROOT / "lambdas"), str(ROOT)):
    if entry not in sys.path:
        sys.path.insert(0, entry)


@contextmanager
def local_stack() -> Iterator[dict[str, Any]]:
    """`make dev`'s stack (moto, the offline Bedrock, the local gateway), seed corpus ingested; yields its outputs."""
    from local.stack import start

    with tempfile.TemporaryDirectory(prefix="bench-stack-") as state:
        running = start(Path(state), job_seconds=0.2)
        logging.getLogger().setLevel(logging.WARNING)
        try:
            _wait_for_ingestion()
            yield running.outputs
        finally:
            running.stop()


def _wait_for_ingestion(timeout: float = 20.0, outputs: dict[str, Any] | None = None) -> None:
    """Until the seed corpus is indexed: the offline Bedrock of this process's environment, or of a stack's `outputs`."""
    import boto3

    from local.stack import NAMES

    elsewhere = (
        {}
        if outputs is None
        else {
            "endpoint_url": outputs["BedrockEndpoint"],
            "region_name": outputs["Region"],
            "aws_access_key_id": "local",
            "aws_secret_access_key": "local",
        }
    )
    client = boto3.client("bedrock-agent", **elsewhere)
    deadline = time.time() + timeout
    while time.time() < deadline:
        jobs = client.list_ingestion_jobs(knowledgeBaseId=NAMES["kb"], dataSourceId=NAMES["ds"])["ingestionJobSummaries"]
        if jobs and all(job["status"] == "COMPLETE" for job in jobs):
            return
        time.sleep(0.1)
    raise RuntimeError("the seed corpus was not ingested in time")


def sign_in(outputs: dict[str, Any], user: int = 0) -> str:
    """The demo user's ID token (USER_PASSWORD_AUTH against the local Cognito)."""
    import boto3

    demo = outputs["DemoUsers"][user]
    cognito = boto3.client("cognito-idp", endpoint_url=outputs["CognitoEndpoint"], region_name=outputs["Region"])
    result = cognito.initiate_auth(
        ClientId=outputs["UserPoolClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": demo["username"], "PASSWORD": demo["password"]},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def call(url: str, token: str, method: str = "GET", body: dict[str, Any] | None = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    headers = {"Authorization": token, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@contextmanager
def stack_process(config: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """`python -m local.stack` in its own process, as `make dev` runs it (free ports, fresh state); `config`: an override
    of cdk.json's configuration, as `make dev CONFIG=file` gives one (LOCAL_CONFIG)."""
    from local.launch import running_stack

    with tempfile.TemporaryDirectory(prefix="bench-stack-process-") as state:
        env = {}
        if config is not None:
            override = Path(state) / "config-override.json"
            override.write_text(json.dumps(config), encoding="utf-8")
            env["LOCAL_CONFIG"] = str(override)
        with running_stack(Path(state) / "stack", env) as outputs:
            yield outputs
