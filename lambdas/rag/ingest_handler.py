"""Ingest function (SQS batches of S3 events).

Until ingestion lands, every message is reported as failed, so SQS keeps it (and after
repeated receives moves it to the DLQ, which raises an alarm): no document event is dropped
while pretending to be handled.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = event.get("Records", [])
    logger.warning("ingestion is not implemented yet; handing messages back", extra={"messages": len(records)})
    return {"batchItemFailures": [{"itemIdentifier": record["messageId"]} for record in records]}
