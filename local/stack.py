"""`make dev`: the whole product on this machine, no AWS account, no Docker.

moto's server plays DynamoDB, S3 and Cognito; the offline Bedrock plays Bedrock; the local
gateway runs the same Lambda handlers behind API Gateway's contract, and forwards the streaming
routes to the streaming functions' apps, each run with uvicorn as the Lambda Web Adapter runs it
(local/stream_apps.py). The sample corpus is
uploaded and ingested at first start; `.local/outputs.json` names everything a client needs.
Everything listens on 127.0.0.1 only. What users make is saved under `.local/data/` (local.snapshot)
and loaded back at the next start; `make dev-reset` forgets it.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local.bedrock_mode import StartError, bedrock_settings
from local.cognito_users import DEMO_PASSWORD, USERS, _cognito, _stable_ids
from local.launch import start_ui
from local.today import pin_today

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-west-2"
NAMES = {
    "table": "conversations",
    "usage": "usage",
    "documents": "documents",
    "images": "images",
    "kb": "LOCALKB001",
    "ds": "LOCALDS001",
    "customization": "customization",
}
# The customization service role the offline Bedrock is handed (it checks the ARN's shape; no IAM offline).
LOCAL_CUSTOMIZATION_ROLE = "arn:aws:iam::123456789012:role/local-customization"


@dataclass
class Running:
    outputs: dict[str, Any]
    stop: Any


def _config() -> Any:
    from local.resources import local_config

    return local_config()


def start(
    state: Path, *, api_port: int = 0, aws_port: int = 0, bedrock_port: int = 0, job_seconds: float = 2.0, bedrock: str = "local"
) -> Running:
    """Start every piece; returns the outputs (the stack's output names) and a stop function.

    bedrock="aws" keeps storage and Cognito local but sends model, guardrail and knowledge-base calls to
    real Bedrock with the caller's own AWS credentials (moto accepts any credentials).
    """
    from local import ports
    from local.bedrock_sim import BedrockSimulator
    from local.bedrock_sim.knowledge import KnowledgeStore
    from local.moto_server import SerialMotoServer
    from local.resources import render_runtime_config

    state.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    config = _config()
    moto = SerialMotoServer(ip_address="127.0.0.1", port=aws_port, verbose=False)
    with ports.claimed(ports.AWS, aws_port):
        moto.start()
    host, port = moto.get_host_and_port()
    aws = f"http://{host}:{port}"
    try:
        with ports.claimed(ports.BEDROCK, bedrock_port):
            sim = BedrockSimulator(config.guardrail, port=bedrock_port) if bedrock == "local" else None
        bedrock_env = bedrock_settings(bedrock, sim, NAMES)
    except (StartError, ports.PortBusyError):
        moto.stop()
        raise
    if sim is not None:
        sim.start()
        # Credentials that reach nothing but these loopback endpoints.
        os.environ.update(AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_EC2_METADATA_DISABLED="true")
        os.environ.pop("AWS_PROFILE", None)
        os.environ.pop("AWS_SESSION_TOKEN", None)
    region = config.region or REGION  # `make dev CONFIG=...` may name another Region (e.g. us-east-1 for Nova customization)
    os.environ.update(
        AWS_REGION=region,
        AWS_DEFAULT_REGION=region,
        AWS_ENDPOINT_URL_DYNAMODB=aws,
        AWS_ENDPOINT_URL_S3=aws,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=aws,
        TABLE_NAME=NAMES["table"],
        USAGE_TABLE=NAMES["usage"],
        DOCUMENTS_BUCKET=NAMES["documents"],
        IMAGES_BUCKET=NAMES["images"],
        ATTACHMENTS_BUCKET=NAMES["images"],
        CUSTOMIZATION_BUCKET=NAMES["customization"],
        CUSTOMIZATION_ROLE_ARN=LOCAL_CUSTOMIZATION_ROLE,
        CUSTOMIZATION_STACK_TAG=config.stack_name,
        ADMIN_GROUP="admin",
        POWERTOOLS_SERVICE_NAME="local",
        POWERTOOLS_METRICS_NAMESPACE="BedrockGenAiLocal",
        POWERTOOLS_TRACE_DISABLED="true",
        RUNTIME_CONFIG_PATH=str(render_runtime_config(state / "runtime_config.json")),
        **bedrock_env,
    )
    import boto3

    from local.resources import create_conversation_table, create_usage_table, forget_registrations
    from local.snapshot import Snapshot

    _stable_ids(state / "data")  # first, before anything else asks moto for an id
    pool, client_id = _cognito(boto3.client("cognito-idp"))
    os.environ["USER_POOL_ID"] = pool  # the usage function names users for admins (lambdas/usage/people.py)
    create_conversation_table(boto3.client("dynamodb"), NAMES["table"])
    create_usage_table(boto3.client("dynamodb"), NAMES["usage"])
    s3 = boto3.client("s3")
    for bucket in (NAMES["documents"], NAMES["images"], NAMES["customization"]):
        # S3 refuses a LocationConstraint of us-east-1 (the default Region): none is sent there.
        s3.create_bucket(Bucket=bucket, **({} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}))
    tables, buckets = (NAMES["table"], NAMES["usage"]), (NAMES["documents"], NAMES["images"])
    items = functools.partial(moto.table_items, region=region)  # from moto's memory: a Scan of a big table is slow
    snapshot = Snapshot(state / "data", boto3.client("dynamodb"), s3, tables, buckets, items)
    restored = snapshot.restore() if snapshot.exists else None
    prefix = config.knowledge_base.inclusion_prefix
    if sim is not None:
        sim.knowledge = KnowledgeStore(
            knowledge_base_id=NAMES["kb"],
            data_source_id=NAMES["ds"],
            s3=s3,
            bucket=NAMES["documents"],
            prefix=prefix,
            job_seconds=job_seconds,
        )
        if restored is None:  # first start: the sample corpus
            for path in sorted((ROOT / "local" / "seed" / "documents").iterdir()):
                s3.put_object(Bucket=NAMES["documents"], Key=prefix + path.name, Body=path.read_bytes())
        # The offline knowledge base keeps its index in memory: index what the bucket holds now.
        description = "seed corpus" if restored is None else "documents saved by an earlier run"
        boto3.client("bedrock-agent").start_ingestion_job(knowledgeBaseId=NAMES["kb"], dataSourceId=NAMES["ds"], description=description)
    if sim is not None:
        # Offline customization: jobs read their data from and write metrics to moto's S3; how long a job runs.
        sim.customization.s3 = s3
        sim.customization.job_seconds = float(os.environ.get("LOCAL_CUSTOMIZATION_JOB_SECONDS", "10"))
        forget_registrations(boto3.client("dynamodb"), NAMES["table"])  # the offline deployments are not kept across starts
    snapshot.save()
    snapshot.start()

    from chat import handler as chat
    from customize import handler as customize
    from image import handler as image
    from local.events import DocumentEvents
    from local.gateway import LocalGateway, TokenVerifier, lambda_context
    from local.stream_apps import APPS, start_apps
    from rag import handler as rag
    from rag import ingest_handler
    from usage import handler as usage

    pin_today(sim, chat, image, customize)  # LOCAL_TODAY (tests: tests/clock.py's date), else the real date
    verifier = TokenVerifier(
        jwks_url=f"{aws}/{pool}/.well-known/jwks.json", issuer=f"https://cognito-idp.{region}.amazonaws.com/{pool}", client_id=client_id
    )
    timeouts = {name: getattr(config.functions, name).timeout_seconds for name in ("chat", "rag", "image", "ingest", "customize", "usage")}
    for name in APPS:  # a streaming function's timeout (functions.chat_stream / rag_stream), up to Lambda's 900 s
        sizing = getattr(config.functions, name, None)
        timeouts[name] = sizing.timeout_seconds if sizing is not None else 900
    streams = start_apps()  # with this process's environment: the same endpoints, table, buckets and configuration
    handlers = {"chat": chat.handler, "rag": rag.handler, "image": image.handler, "customize": customize.handler, "usage": usage.handler}
    try:
        with ports.claimed(ports.API, api_port):
            gateway = LocalGateway(
                handlers,
                verifier,
                stage=config.api.stage_name,
                cors_origins=tuple(config.api.cors_origins),
                port=api_port,
                timeouts=timeouts,
                streams={name: app.url for name, app in streams.items()},
            ).start()
    except ports.PortBusyError:
        for app in streams.values():  # child processes: they would outlive this one
            app.stop()
        raise
    # Uploads reach the ingest function as they would through EventBridge and SQS (offline knowledge base only:
    # with real Bedrock the deployed knowledge base ingests the deployed bucket, not this one).
    events = DocumentEvents(s3, NAMES["documents"], prefix, ingest_handler.handler, lambda: lambda_context("ingest", timeouts["ingest"]))
    if bedrock == "local":
        events.start()
    outputs = {
        "ApiUrl": gateway.url,
        "UserPoolId": pool,
        "UserPoolClientId": client_id,
        "Region": region,
        "CognitoEndpoint": aws,
        "BedrockEndpoint": sim.endpoint_url if sim is not None else f"aws ({region})",
        "DocumentsBucketName": NAMES["documents"],
        "ImagesBucketName": NAMES["images"],
        "UsageTableName": NAMES["usage"],
        "CustomizationBucketName": NAMES["customization"],
        "KnowledgeBaseId": os.environ["KNOWLEDGE_BASE_ID"],
        "DataSourceId": os.environ["DATA_SOURCE_ID"],
        "DemoUsers": [{"username": email, "password": DEMO_PASSWORD, "admin": admin} for email, admin in USERS.items()],
        "StateDir": str(state / "data"),
        "Restored": restored,
    }
    (state / "outputs.json").write_text(json.dumps(outputs, indent=1), encoding="utf-8")

    def stop() -> None:
        events.stop()
        gateway.stop()
        for app in streams.values():
            app.stop()
        snapshot.stop()  # the last save, after the gateway stopped taking requests
        if sim is not None:
            sim.stop()
        moto.stop()

    return Running(outputs, stop)


def _check_ports(numbers: dict[str, int], ui_port: str | None) -> None:
    """Every fixed port `make dev` will listen on, tried before anything starts (local/ports.py)."""
    from local import ports

    wanted = {ports.API: numbers["api_port"], ports.AWS: numbers["aws_port"], ports.BEDROCK: numbers["bedrock_port"]}
    if ui_port and ui_port != "off":
        wanted[ports.UI] = int(ui_port)
    ports.check_free(wanted)


def main() -> None:
    from local import console
    from local.ports import PortBusyError

    console.quiet()  # the functions' metric documents stay out of the terminal unless LOCAL_METRICS (make dev METRICS=1)
    state = Path(os.environ.get("LOCAL_STATE_DIR", ROOT / ".local"))
    defaults = (("api_port", "LOCAL_API_PORT", 3000), ("aws_port", "LOCAL_AWS_PORT", 5050), ("bedrock_port", "LOCAL_BEDROCK_PORT", 5100))
    ports = {name: int(os.environ.get(variable, default)) for name, variable, default in defaults}
    from infra.config import ConfigError

    try:
        _check_ports(ports, os.environ.get("LOCAL_UI_PORT"))
        running = start(state, bedrock=os.environ.get("BEDROCK", "local"), **ports)
    except (StartError, ConfigError, PortBusyError) as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    out = running.outputs
    print("Bedrock GenAI Stack is running locally (no AWS account, loopback only).")
    print(f"  API:       {out['ApiUrl']}  (Cognito ID token in the Authorization header)")
    print(f"  Cognito:   {out['CognitoEndpoint']}  pool {out['UserPoolId']}  client {out['UserPoolClientId']}")
    print(f"  Bedrock:   {out['BedrockEndpoint']}")
    for user in out["DemoUsers"]:
        print(f"  user:      {user['username']} / {user['password']}{'  (admin)' if user['admin'] else ''}")
    print(f"  outputs:   {state / 'outputs.json'}")
    restored = out["Restored"]
    first = "first start: sample corpus loaded" if out["BedrockEndpoint"].startswith("http") else "first start"
    loaded = f"loaded {restored['items']} items and {restored['objects']} objects" if restored else first
    print(f"  state:     {out['StateDir']}  ({loaded}; saved every 5 s and at stop; `make dev-reset` forgets it)")
    ui = start_ui(state / "outputs.json", os.environ.get("LOCAL_UI_PORT"))
    print("Press Ctrl-C to stop.", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        while not stopped.wait(1):
            time.sleep(0)
    except KeyboardInterrupt:
        pass
    if ui is not None:
        ui.terminate()
        ui.wait(timeout=20)
    running.stop()  # every server stopped, the state saved
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip the interpreter's final garbage collection: after heavy use moto's heap (it copies a table for
    # every transaction) took 20-30 s to collect at exit, with nothing left to write.
    os._exit(0)


__all__ = ["DEMO_PASSWORD", "NAMES", "USERS", "Running", "StartError", "_cognito", "main", "start"]


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT), str(ROOT / "lambdas")]
    main()
