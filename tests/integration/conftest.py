"""Real boto3 clients against local HTTP endpoints: moto's server (DynamoDB) and the Bedrock simulator.

`stack` is `make dev`'s whole stack in its own process (one per session), for tests through the gateway.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from chat import handler as chat_handler
from common.bedrock import agent_client, runtime_client
from customize import aws as customize_aws
from customize import handler as customize_handler
from image import handler as image_handler
from infra import constants as names
from infra.config import load_config
from local.bedrock_sim import BedrockSimulator
from local.bedrock_sim.knowledge import KnowledgeStore
from local.moto_s3 import DeniedMissingMotoServer
from local.resources import create_conversation_table, create_usage_table
from rag import handler as rag_handler
from tests.conftest import FUNCTION_ENVIRONMENT
from tests.integration.fault_proxy import FaultProxy
from tests.integration.live import Stack, running_stack
from tests.integration.streams import Streaming, start_streaming

ROOT = Path(__file__).resolve().parents[2]
# The handlers read these names at import (tests/conftest.py sets them first).
TABLE = FUNCTION_ENVIRONMENT[names.ENV_TABLE_NAME]
USAGE_TABLE = FUNCTION_ENVIRONMENT[names.ENV_USAGE_TABLE]
DOCUMENTS_BUCKET = FUNCTION_ENVIRONMENT[names.ENV_DOCUMENTS_BUCKET]
IMAGES_BUCKET = FUNCTION_ENVIRONMENT[names.ENV_IMAGES_BUCKET]
KB_ID = FUNCTION_ENVIRONMENT[names.ENV_KNOWLEDGE_BASE_ID]
DS_ID = FUNCTION_ENVIRONMENT[names.ENV_DATA_SOURCE_ID]
PREFIX = "documents/"
STORAGE = ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3")


def wait_for_jobs(simulator: BedrockSimulator, timeout: float = 15.0) -> None:
    """Let any ingestion job of an earlier test finish (jobs are per knowledge base, like Bedrock's)."""
    import time

    if simulator.knowledge is None:
        return
    deadline = time.time() + timeout
    while time.time() < deadline:
        jobs = simulator.knowledge.list_jobs(KB_ID, DS_ID, 1)
        if not jobs or jobs[0]["status"] == "COMPLETE":
            return
        time.sleep(0.05)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    # moto's own server, but a missing object's GET/HEAD answers 403 as S3 does to the functions (local/moto_s3.py).
    server = DeniedMissingMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def simulator() -> Iterator[BedrockSimulator]:
    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    sim = BedrockSimulator(load_config(context).guardrail).start()
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def local_aws(moto_server: str, simulator: BedrockSimulator) -> Iterator[dict[str, str]]:
    """Endpoints the handlers' clients read, pointing each at moto or the simulator (names: tests/conftest.py)."""
    env = {
        "AWS_ENDPOINT_URL_DYNAMODB": moto_server,
        "AWS_ENDPOINT_URL_S3": moto_server,
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": simulator.endpoint_url,
        "AWS_ENDPOINT_URL_BEDROCK_AGENT": simulator.endpoint_url,
        "AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME": simulator.endpoint_url,
        "AWS_ENDPOINT_URL_BEDROCK": simulator.endpoint_url,  # the customize function's control plane
    }
    # The functions read their settings once, at import (tests/conftest.py): the simulator must be the guardrail they name.
    given = (os.environ[names.ENV_GUARDRAIL_ID], os.environ[names.ENV_GUARDRAIL_VERSION])
    assert given == (simulator.guardrail_id, simulator.guardrail_version)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    # Clients are created once per container; start them against these endpoints.
    runtime_client.cache_clear()
    agent_client.cache_clear()
    chat_handler._store.cache_clear()
    chat_handler._signals.cache_clear()
    chat_handler._attachments.cache_clear()
    rag_handler._documents.cache_clear()
    rag_handler._ingestion.cache_clear()
    image_handler._s3.cache_clear()
    customize_aws.bedrock.cache_clear()
    customize_handler._context.cache_clear()
    clear_metering()
    create_conversation_table(boto3.client("dynamodb"), TABLE)
    create_usage_table(boto3.client("dynamodb"), USAGE_TABLE)
    s3 = boto3.client("s3")
    for bucket in (DOCUMENTS_BUCKET, IMAGES_BUCKET, FUNCTION_ENVIRONMENT["CUSTOMIZATION_BUCKET"]):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    simulator.knowledge = KnowledgeStore(
        knowledge_base_id=KB_ID, data_source_id=DS_ID, s3=s3, bucket=DOCUMENTS_BUCKET, prefix=PREFIX, job_seconds=0.3
    )
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def sim(local_aws: dict[str, str], simulator: BedrockSimulator) -> Iterator[BedrockSimulator]:
    simulator.reset()
    wait_for_jobs(simulator)
    yield simulator
    simulator.reset()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("local")) as outputs:
        yield outputs


def _new_clients() -> None:
    """What a new container does: clients created from the environment on first use."""
    chat_handler._store.cache_clear()
    chat_handler._signals.cache_clear()
    chat_handler._attachments.cache_clear()
    rag_handler._documents.cache_clear()
    rag_handler._conversations.cache_clear()
    image_handler._s3.cache_clear()
    clear_metering()


def clear_metering() -> None:
    """Each function's Metering (its DynamoDB client, its cache of budget overrides) as a new container has it."""
    chat_handler._metering.cache_clear()
    rag_handler._metering.cache_clear()
    image_handler._metering.cache_clear()
    image_handler._db.cache_clear()  # the image function's one DynamoDB client (metering and its image records)


@pytest.fixture
def proxy(sim: BedrockSimulator, moto_server: str) -> Iterator[FaultProxy]:
    """DynamoDB and S3 calls of the functions go through a fault proxy in front of moto (tests/integration/fault_proxy.py)."""
    faults = FaultProxy(moto_server).start()
    saved = {key: os.environ[key] for key in STORAGE}
    os.environ.update(dict.fromkeys(STORAGE, faults.endpoint_url), MOTO_DIRECT=moto_server)
    _new_clients()
    yield faults
    os.environ.update(saved)
    os.environ.pop("MOTO_DIRECT")
    _new_clients()
    faults.stop()


@pytest.fixture
def runtime(sim: BedrockSimulator) -> Any:
    """A plain bedrock-runtime client on the simulator (botocore's defaults, not the functions' config)."""
    return boto3.client("bedrock-runtime", endpoint_url=sim.endpoint_url)


def guard_config(sim: BedrockSimulator) -> dict[str, str]:
    """The guardrailConfig of a Converse call to the simulator's guardrail, with its trace."""
    return {"guardrailIdentifier": sim.guardrail_id, "guardrailVersion": sim.guardrail_version, "trace": "enabled"}


@pytest.fixture
def empty_bucket(sim: BedrockSimulator) -> Any:
    """The documents bucket, emptied; an S3 client on it."""
    s3 = boto3.client("s3")
    for item in s3.list_objects_v2(Bucket=DOCUMENTS_BUCKET).get("Contents", []):
        s3.delete_object(Bucket=DOCUMENTS_BUCKET, Key=item["Key"])
    return s3


@pytest.fixture(scope="session")
def streaming(local_aws: dict[str, str], moto_server: str) -> Iterator[Streaming]:
    """The streaming functions' apps (own processes, this session's moto and offline Bedrock) behind a local gateway."""
    started = start_streaming(moto_server)
    yield started
    started.stop()


@pytest.fixture(scope="session")
def streaming_async(local_aws: dict[str, str], moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Streaming]:
    """The chat streaming app with `guardrail_stream_mode: async` (config guardrail.stream_processing_mode)."""
    document = json.loads(Path(os.environ["RUNTIME_CONFIG_PATH"]).read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("async") / "runtime_config.json"
    path.write_text(json.dumps({**document, "guardrail_stream_mode": "async"}), encoding="utf-8")
    started = start_streaming(moto_server, {"RUNTIME_CONFIG_PATH": str(path)}, ("chat_stream",))
    yield started
    started.stop()
