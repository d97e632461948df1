"""RAG function: knowledge-base answers with citations, documents (admin only) and ingestion jobs."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from common import deadline
from common.api import build_resolver
from common.auth import Caller, caller_from
from common.bedrock import agent_client, agent_runtime_client, runtime_client
from common.conversations import ConversationStore
from common.observability import logger, metrics, tracer
from common.runtime_config import runtime_config
from common.settings import RagSettings, load_settings
from common.storage import dynamodb_client, s3_client
from common.usage.meter import Metering, metering
from rag import query
from rag.documents import Documents, UploadRequest
from rag.ingestion import IngestionJobs

env = load_settings(RagSettings)  # at import: a missing variable fails the cold start, not each request
config = runtime_config()
if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start":
    # The snapshot is taken after init: put LangChain in it, so restored containers skip its ~1 s import.
    query.warm()
app = build_resolver(max_body_bytes=config.limits.max_body_bytes, cors_origins=config.cors_origins)


@lru_cache(maxsize=1)
def _documents() -> Documents:
    s3 = s3_client()
    return Documents(s3, env.documents_bucket, config.documents_prefix, config.limits.max_document_bytes)


@lru_cache(maxsize=1)
def _ingestion() -> IngestionJobs:
    return IngestionJobs(agent_client(), env.knowledge_base_id, env.data_source_id)


def _admin() -> Caller:
    caller = caller_from(app.current_event.raw_event)
    caller.require_group(env.admin_group)
    return caller


@lru_cache(maxsize=1)
def _conversations() -> ConversationStore:
    return ConversationStore(dynamodb_client(), env.table_name, config.memory.conversation_ttl_days)


@lru_cache(maxsize=1)
def _metering() -> Metering:
    return metering(config, env.usage_table, dynamodb_client())


def _rag_deps() -> query.RagDeps:
    return query.RagDeps(
        config=config,
        bedrock=runtime_client("rag"),
        agent_runtime=agent_runtime_client("rag"),
        s3=_documents().s3,
        knowledge_base_id=env.knowledge_base_id,
        guardrail_id=env.guardrail_id,
        guardrail_version=env.guardrail_version,
        documents_bucket=env.documents_bucket,
        metering=_metering(),
    )


@app.post("/rag/query")
def ask(request: query.RagQuery) -> dict[str, Any]:
    caller = caller_from(app.current_event.raw_event)
    return query.answer(request, _rag_deps(), query.history(_conversations, caller, request, config), caller)


@app.get("/documents")
def list_documents(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    next_token: Annotated[str | None, Query(max_length=2048)] = None,
) -> dict[str, Any]:
    _admin()
    documents, token = _documents().list(_ingestion().recent(10), limit, next_token)
    return {"documents": documents, "next_token": token}


@app.post("/documents", status_code=201)
def create_upload(request: UploadRequest) -> Response[dict[str, Any]]:
    _admin()
    return Response(status_code=201, body=_documents().create_upload(request), content_type="application/json")


@app.delete("/documents/<key>", responses={204: {"description": "Deleted (with its metadata file)"}})
def delete_document(key: Annotated[str, Path(min_length=1, max_length=1024)]) -> Response[None]:
    _admin()
    _documents().delete(key)
    return Response(status_code=204, body=None)


@app.get("/documents/sync")
def list_sync_jobs() -> dict[str, Any]:
    _admin()
    return {"jobs": _ingestion().recent(10)}


@app.post("/documents/sync", status_code=202)
def start_sync() -> Response[dict[str, Any]]:
    caller = _admin()
    job = _ingestion().start(f"requested by {caller.sub}")
    return Response(status_code=202, body=job, content_type="application/json")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@deadline.track
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
