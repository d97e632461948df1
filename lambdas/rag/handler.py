"""RAG function: every route answers 501 until the RAG release; nothing pretends to work."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from common.api import build_resolver, not_implemented
from common.runtime_config import runtime_config

logger = Logger()
config = runtime_config()
app = build_resolver(max_body_bytes=config.limits.max_body_bytes, cors_origins=config.cors_origins)


@app.post("/rag/query")
def query() -> dict[str, Any]:
    raise not_implemented("POST /rag/query")


@app.get("/documents")
def list_documents() -> dict[str, Any]:
    raise not_implemented("GET /documents")


@app.post("/documents")
def create_upload() -> dict[str, Any]:
    raise not_implemented("POST /documents")


@app.delete("/documents/<key>")
def delete_document(key: str) -> dict[str, Any]:
    raise not_implemented("DELETE /documents/{key+}")


@app.get("/documents/sync")
def list_sync_jobs() -> dict[str, Any]:
    raise not_implemented("GET /documents/sync")


@app.post("/documents/sync")
def start_sync() -> dict[str, Any]:
    raise not_implemented("POST /documents/sync")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
