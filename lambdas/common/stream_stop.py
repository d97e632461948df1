"""Stop requests for running streams, kept in the conversations table.

A deployed streaming function is not stopped when its client goes away: "streamed responses are not
interrupted or stopped when the invoking client connection is broken"
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html), and the Lambda Web
Adapter does not pass a disconnect on to the app. So a client that wants its answer to stop says so with
`POST /streams/{id}/stop`, which writes one item; the streaming loop looks for it between deltas, at most
once a second (`StreamControl`), and ends the turn as interrupted.

Item: pk `USER#<sub>#STREAM#<id>`, sk `STOP`, `expires_at` one hour on (the table's TTL attribute). The key
holds the caller's own sub, so nobody can stop another user's stream. Written once (conditional put): a
second request for the same stream changes nothing and is answered the same.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from common import deadline
from common.conversations import storage_errors
from common.observability import logger

STOP = "STOP"
STREAM_ID = r"^[A-Za-z0-9_-]{16,64}$"
TTL_SECONDS = 3600
CHECK_EVERY_SECONDS = 1.0
# A stream ends (stored as interrupted) while this much of the function's time is left, so the turn is always
# written before Lambda ends the invocation: the store's own time plus a margin.
TIME_MARGIN_SECONDS = 5.0


def new_stream_id() -> str:
    return secrets.token_urlsafe(18)


def _key(sub: str, stream_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"USER#{sub}#STREAM#{stream_id}"}, "sk": {"S": STOP}}


class StopSignals:
    def __init__(self, client: Any, table_name: str) -> None:
        self._db = client
        self._table = table_name

    def request(self, sub: str, stream_id: str) -> None:
        item = {**_key(sub, stream_id), "expires_at": {"N": str(int(time.time()) + TTL_SECONDS)}}
        with storage_errors():
            try:
                self._db.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
            except ClientError as err:  # ConditionalCheckFailed: already asked, the first request stands
                if err.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise

    def requested(self, sub: str, stream_id: str) -> bool:
        response = self._db.get_item(TableName=self._table, Key=_key(sub, stream_id), ConsistentRead=True, ProjectionExpression="sk")
        return "Item" in response


class StreamControl:
    """What a streaming loop asks between deltas: should it stop, and why.

    - "disconnected": the client went away (seen locally; behind the Lambda Web Adapter it never happens);
    - "stopped": the caller asked, through POST /streams/{id}/stop (looked up at most once a second);
    - "time_limit": the function's own deadline is near (its timeout, up to 900 s).
    """

    def __init__(self, stream_id: str, sub: str, signals: StopSignals | None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream_id = stream_id
        self.disconnected = threading.Event()
        self._sub = sub
        self._signals = signals
        self._clock = clock
        self._checked: float | None = None
        self._stopped = False

    def stop_reason(self) -> str | None:
        if self.disconnected.is_set():
            return "disconnected"
        left = deadline.remaining_seconds()
        if left is not None and left < TIME_MARGIN_SECONDS:
            return "time_limit"
        now = self._clock()
        if not self._stopped and self._signals is not None and (self._checked is None or now - self._checked >= CHECK_EVERY_SECONDS):
            self._checked = now
            try:
                self._stopped = self._signals.requested(self._sub, self.stream_id)
            except ClientError as err:  # a stop that cannot be read now is read on the next check; the answer goes on
                logger.warning("could not read the stream's stop request", extra={"code": err.response.get("Error", {}).get("Code")})
        return "stopped" if self._stopped else None
