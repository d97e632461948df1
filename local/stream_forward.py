"""The local gateway's side of a streaming route: the request forwarded as HTTP to the function's ASGI app (what
the Lambda Web Adapter does in the function), the answer relayed chunk by chunk (what API Gateway's STREAM
transfer mode does, https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html).

The adapter's contract (https://github.com/awslabs/aws-lambda-web-adapter, docs/guide/src/features/request-context.md):
the path without the stage, the request's own headers, and two it sets itself, replacing any a client sent:
`x-amzn-request-context` (the proxy event's requestContext as JSON, the authorizer's claims included) and
`x-amzn-lambda-context` (the invocation: request id, deadline in epoch milliseconds, function).
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from local.http import Answer

ADAPTER_HEADERS = ("x-amzn-request-context", "x-amzn-lambda-context")
# Hop-by-hop headers (RFC 9110 §7.6.1) and the framing this hop redoes; never passed on.
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "te", "trailer", "upgrade", "date", "server"}


def lambda_context(function: str, request_id: str, timeout_seconds: int) -> dict[str, Any]:
    """The invocation context the adapter forwards (lambda_runtime's Context: `deadline` in epoch ms)."""
    return {
        "request_id": request_id,
        "deadline": int((time.time() + timeout_seconds) * 1000),
        "invoked_function_arn": f"arn:aws:lambda:local:000000000000:function:{function}",
        "env_config": {"function_name": function, "memory": 512, "version": "$LATEST"},
    }


def forward(
    base_url: str,
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes,
    request_context: dict[str, Any],
    invocation: dict[str, Any],
    timeout_seconds: float,
    done: Callable[[], None],
) -> Answer:
    """Send the request to the app; its answer: a JSON error whole, a stream as an iterator of chunks. `done` runs
    once the answer has been read to its end (or the client went away): the function is free again."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=timeout_seconds)
    sent = {k: v for k, v in headers.items() if k.lower() not in HOP and k.lower() not in ADAPTER_HEADERS}
    sent.update({"x-amzn-request-context": json.dumps(request_context, ensure_ascii=True), "x-amzn-lambda-context": json.dumps(invocation)})
    try:
        connection.request(method, target, body=body or None, headers=sent)
        response = connection.getresponse()
    except (OSError, http.client.HTTPException):
        connection.close()
        done()
        raise
    answer_headers = {k: v for k, v in response.getheaders() if k.lower() not in HOP}
    if "text/event-stream" not in (response.getheader("content-type") or ""):
        try:
            return response.status, answer_headers, response.read()
        finally:
            connection.close()
            done()
    return response.status, answer_headers, _relay(response, connection, done)


def _relay(response: http.client.HTTPResponse, connection: http.client.HTTPConnection, done: Callable[[], None]) -> Iterator[bytes]:
    """Each piece the app wrote, as soon as it arrives (read1: whatever is there, never waiting for a full buffer).
    Closed early (the client went away), it closes the app's connection: the app sees the disconnect."""
    try:  # an error reading it ends the client's body without its last chunk (local/http.py logs it)
        while chunk := response.read1(65536):
            yield chunk
    finally:
        connection.close()
        done()
