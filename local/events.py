"""Local event delivery: what EventBridge + SQS do for the documents bucket in AWS.

Polls the bucket under the prefix; every object created, changed or deleted becomes an
EventBridge-shaped message, delivered in one batch to the ingest handler. Messages the handler
hands back (a job is running) stay pending and are delivered again on a later round.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


class DocumentEvents:
    def __init__(self, s3: Any, bucket: str, prefix: str, handler: Handler, context: Callable[[], Any], *, interval: float = 2.0) -> None:
        self._s3, self._bucket, self._prefix = s3, bucket, prefix
        self._handler, self._context, self._interval = handler, context, interval
        self._seen: dict[str, str] = self._snapshot()
        self._pending: dict[str, dict[str, Any]] = {}
        self._stop = threading.Event()

    def _snapshot(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=self._prefix):
            for item in page.get("Contents", []):
                found[item["Key"]] = str(item["ETag"])
        return found

    def _record(self, key: str, kind: str) -> dict[str, Any]:
        message_id = str(uuid.uuid4())
        body = {"source": "aws.s3", "detail-type": kind, "detail": {"bucket": {"name": self._bucket}, "object": {"key": key}}}
        return {"messageId": message_id, "body": json.dumps(body), "eventSource": "aws:sqs"}

    def poll_once(self) -> int:
        """One round: queue the changes since the last round, deliver everything pending. Returns messages delivered."""
        current = self._snapshot()
        for key, etag in current.items():
            if self._seen.get(key) != etag:
                record = self._record(key, "Object Created")
                self._pending[record["messageId"]] = record
        for key in set(self._seen) - set(current):
            record = self._record(key, "Object Deleted")
            self._pending[record["messageId"]] = record
        self._seen = current
        if not self._pending:
            return 0
        batch = list(self._pending.values())
        result = self._handler({"Records": batch}, self._context())  # a new invocation, a new context
        failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
        self._pending = {record["messageId"]: record for record in batch if record["messageId"] in failed}
        return len(batch) - len(failed)

    def start(self) -> DocumentEvents:
        def run() -> None:
            while not self._stop.wait(self._interval):
                try:
                    self.poll_once()
                except Exception:
                    continue

        threading.Thread(target=run, name="document-events", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
