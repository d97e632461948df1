"""Ingest function: SQS batches of S3 document events -> one ingestion job for the data source.

Many uploads within the batching window start one job. While a job runs (ConflictException),
or when Bedrock is throttling or unavailable, every message of the batch is handed back
(partial batch response): SQS redelivers it after the visibility timeout, and after the
configured receives it reaches the DLQ and its alarm. Nothing is dropped.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from common.bedrock import agent_client
from common.errors import ApiError
from common.observability import logger, tracer
from common.settings import IngestSettings, load_settings
from rag.ingestion import IngestionJobs, JobRunningError

env = load_settings(IngestSettings)  # at import: a missing variable fails the cold start, not each batch


def _keys(records: list[dict[str, Any]]) -> list[str]:
    keys = []
    for record in records:
        try:
            keys.append(json.loads(record.get("body") or "{}").get("detail", {}).get("object", {}).get("key", "?"))
        except ValueError:
            keys.append("?")
    return keys


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = event.get("Records", [])
    if not records:
        return {"batchItemFailures": []}
    ingestion = IngestionJobs(agent_client(), env.knowledge_base_id, env.data_source_id)
    keys = _keys(records)
    try:
        job = ingestion.start(f"{len(records)} document change(s): {', '.join(keys[:5])}")
    except JobRunningError as err:
        logger.info("a job is running; handing the batch back", extra={"running_job_id": err.job_id, "messages": len(records)})
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records]}
    except ApiError as err:
        logger.warning("could not start ingestion; handing the batch back", extra={"code": err.code, "messages": len(records)})
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records]}
    logger.info("ingestion started", extra={"job_id": job["job_id"], "messages": len(records)})
    return {"batchItemFailures": []}
