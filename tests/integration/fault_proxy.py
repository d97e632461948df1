"""A loopback HTTP proxy in front of moto that answers chosen requests with AWS's own error responses.

moto cannot throttle or fail on demand. The functions' real boto3 clients are pointed at this proxy
(AWS_ENDPOINT_URL_DYNAMODB / _S3); it forwards every request to moto unchanged, except those a rule
picks, which get the error body and status DynamoDB (JSON, `__type`) or S3 (XML `<Error>`) send, or,
for S3 DeleteObjects, a 200 whose DeleteResult lists an `<Error>` per key. A hook runs a callback just
before a chosen request is forwarded, so a test can commit something between two calls of a function
(a race at the wire). It counts every attempt per service and operation, so a test sees botocore's retries.
A DynamoDB rule or count can name a table: it then applies to requests that name that table (a TransactWriteItems
spanning two tables names both), so a test can fail the turn's transaction and not the usage reservation.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from local.http import LoopbackServer

# (HTTP status, message) for each error code, as the services document them.
DYNAMODB_ERRORS = {
    "ProvisionedThroughputExceededException": (
        400,
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API.",
    ),
    "ThrottlingException": (400, "Rate of requests exceeds the allowed throughput."),
    "InternalServerError": (500, "Internal server error"),
    # A Query whose ExclusiveStartKey DynamoDB does not accept (API_Query.html, ExclusiveStartKey).
    "ValidationException": (400, "The provided starting key is invalid"),
}
S3_ERRORS = {
    "SlowDown": (503, "Please reduce your request rate."),
    "InternalError": (500, "We encountered an internal error. Please try again."),
    "ServiceUnavailable": (503, "Service is unable to handle request."),
    "AccessDenied": (403, "Access Denied"),
}
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_TABLE = re.compile(rb'"TableName"\s*:\s*"([^"]+)"')


@dataclass
class Rule:
    service: str
    operation: str
    code: str
    remaining: int
    reasons: tuple[str, ...] = ()  # TransactionCanceledException: one cancellation reason code per action
    per_key: bool = False  # DeleteObjects: answer 200 with an <Error> per requested key (nothing deleted)
    table: str | None = None  # DynamoDB: only requests naming this table


def _tables(service: str, body: bytes) -> frozenset[str]:
    """The DynamoDB tables a request names (TableName, and the table keys of RequestItems)."""
    if service != "dynamodb":
        return frozenset()
    named = {m.decode() for m in _TABLE.findall(body)}
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        document = {}
    named |= set((document.get("RequestItems") or {}) if isinstance(document, dict) else {})
    return frozenset(named)


@dataclass
class Hook:
    service: str
    operation: str
    callback: Callable[[], None]
    remaining: int


class FaultProxy:
    def __init__(self, upstream: str, *, atomic: bool = True) -> None:
        self.upstream = upstream
        # moto's server is not safe under concurrent transactions (it snapshots and restores whole tables),
        # so updates can be lost. DynamoDB applies each request atomically; forwarding one at a time keeps that.
        self._forwarding = threading.Lock() if atomic else None
        self._upstream = urlsplit(upstream)
        self._rules: list[Rule] = []
        self._hooks: list[Hook] = []
        self._lock = threading.Lock()
        self.attempts: Counter[tuple[str, str]] = Counter()
        self.table_attempts: Counter[tuple[str, str, str]] = Counter()
        self._server = LoopbackServer(self._respond, name="fault-proxy")

    @property
    def endpoint_url(self) -> str:
        return self._server.address

    def start(self) -> FaultProxy:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def fail(self, service: str, operation: str, code: str, *, times: int = 1_000, table: str | None = None) -> None:
        """Answer the next `times` calls of `operation` (naming `table`, when given) with the error `code` (default:
        every call)."""
        known = DYNAMODB_ERRORS if service == "dynamodb" else S3_ERRORS
        if code not in known:
            raise ValueError(f"unknown {service} error {code}")
        with self._lock:
            self._rules.append(Rule(service, operation, code, times, table=table))

    def fail_keys(self, code: str, *, times: int = 1_000) -> None:
        """Answer the next `times` S3 DeleteObjects calls 200 with an <Error> for every key (S3's per-key failure:
        https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html); nothing is deleted."""
        if code not in S3_ERRORS:
            raise ValueError(f"unknown s3 error {code}")
        with self._lock:
            self._rules.append(Rule("s3", "DeleteObjects", code, times, per_key=True))

    def before(self, service: str, operation: str, callback: Callable[[], None], *, times: int = 1) -> None:
        """Run `callback` just before the next `times` calls of `operation` are forwarded (a race at the wire).

        It runs on the proxy's thread for that request, outside the forwarding lock, so calls it makes through
        this proxy are served while the hooked request waits."""
        with self._lock:
            self._hooks.append(Hook(service, operation, callback, times))

    def cancel_transaction(self, reasons: list[str], *, times: int = 1, table: str | None = None) -> None:
        """Answer the next `times` TransactWriteItems with TransactionCanceledException and these
        CancellationReasons, one code per action in the request's order ("None" for an action that did not fail)."""
        unknown = sorted(set(reasons) - set(CANCELLATION_MESSAGES))
        if unknown:
            raise ValueError(f"unknown cancellation reason {unknown[0]}")
        with self._lock:
            self._rules.append(Rule("dynamodb", "TransactWriteItems", "TransactionCanceledException", times, tuple(reasons), table=table))

    def reset(self) -> None:
        with self._lock:
            self._hooks.clear()
            self._rules.clear()
            self.attempts.clear()
            self.table_attempts.clear()

    def count(self, service: str, operation: str, table: str | None = None) -> int:
        """Attempts of `operation` (those naming `table`, when given)."""
        with self._lock:
            return self.attempts[(service, operation)] if table is None else self.table_attempts[(service, operation, table)]

    # --- one request ------------------------------------------------------------------------

    def _respond(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        service, operation = identify(method, path, headers)
        tables = _tables(service, body)
        with self._lock:
            self.attempts[(service, operation)] += 1
            for table in tables:
                self.table_attempts[(service, operation, table)] += 1
            rule = next(
                (
                    r
                    for r in self._rules
                    if r.remaining > 0 and (r.service, r.operation) == (service, operation) and (r.table is None or r.table in tables)
                ),
                None,
            )
            if rule is not None:
                rule.remaining -= 1
            hook = next((h for h in self._hooks if h.remaining > 0 and (h.service, h.operation) == (service, operation)), None)
            if hook is not None and rule is None:
                hook.remaining -= 1
        if rule is not None:
            if rule.per_key:
                return key_errors(body, rule.code)
            return cancelled_response(rule.reasons) if rule.reasons else error_response(service, rule.code)
        if hook is not None:
            hook.callback()
        if self._forwarding is None:
            return self._forward(method, path, headers, body)
        with self._forwarding:
            return self._forward(method, path, headers, body)

    def _forward(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self._upstream.hostname or "127.0.0.1", self._upstream.port, timeout=30)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            hop = {"transfer-encoding", "connection", "keep-alive"} | ({"content-length"} if method != "HEAD" else set())
            return response.status, {k: v for k, v in response.getheaders() if k.lower() not in hop}, payload
        finally:
            connection.close()


def identify(method: str, path: str, headers: dict[str, str]) -> tuple[str, str]:
    """The service (from the SigV4 credential scope) and the operation of a request."""
    lowered = {k.lower(): v for k, v in headers.items()}
    scope = _SCOPE.search(lowered.get("authorization", ""))
    service = scope.group(1) if scope else "unknown"
    if service == "dynamodb":
        return service, lowered.get("x-amz-target", ".").split(".", 1)[1]
    parts = urlsplit(path)
    query = parse_qs(parts.query, keep_blank_values=True)
    has_key = len([p for p in parts.path.split("/") if p]) > 1
    if method == "POST" and "delete" in query:
        return service, "DeleteObjects"
    if not has_key:
        return service, {"GET": "ListObjectsV2" if "list-type" in query else "ListObjects", "PUT": "CreateBucket"}.get(method, method)
    return service, {"PUT": "PutObject", "GET": "GetObject", "HEAD": "HeadObject", "DELETE": "DeleteObject"}.get(method, method)


def error_response(service: str, code: str) -> tuple[int, dict[str, str], bytes]:
    request_id = uuid.uuid4().hex.upper()
    if service == "dynamodb":
        status, message = DYNAMODB_ERRORS[code]
        body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}).encode()
        return status, {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": request_id}, body
    status, message = S3_ERRORS[code]
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
        f"<RequestId>{request_id[:16]}</RequestId><HostId>{request_id}</HostId></Error>"
    )
    return status, {"Content-Type": "application/xml", "x-amz-request-id": request_id[:16]}, xml.encode()


def key_errors(request: bytes, code: str) -> tuple[int, dict[str, str], bytes]:
    """DeleteObjects' 200 answer in which every requested key failed (DeleteResult with one <Error> per key)."""
    namespace = "{http://s3.amazonaws.com/doc/2006-03-01/}"
    keys = [element.text or "" for element in ElementTree.fromstring(request).iter() if element.tag in ("Key", namespace + "Key")]
    message = S3_ERRORS[code][1]
    errors = "".join(f"<Error><Key>{escape(key)}</Key><Code>{code}</Code><Message>{message}</Message></Error>" for key in keys)
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{errors}</DeleteResult>'
    return 200, {"Content-Type": "application/xml", "x-amz-request-id": uuid.uuid4().hex[:16].upper()}, xml.encode()


# DynamoDB's message for each cancellation reason code (API_TransactWriteItems.html, "Errors").
CANCELLATION_MESSAGES = {
    "None": None,
    "ConditionalCheckFailed": "The conditional request failed",
    "TransactionConflict": "Transaction is ongoing for the item",
    "ThrottlingError": "Throughput exceeds the current capacity of your table or index.",
}


def cancelled_response(reasons: tuple[str, ...]) -> tuple[int, dict[str, str], bytes]:
    """DynamoDB's TransactionCanceledException as it is on the wire: `__type`, `CancellationReasons`
    (in the order of the request's actions; a reason without failure has Code "None" and no Message)
    and `Message` listing the codes.
    https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html ,
    https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CancellationReason.html ;
    a captured body: https://github.com/pynamodb/PynamoDB/pull/1144"""
    listed = []
    for code in reasons:
        message = CANCELLATION_MESSAGES[code]
        listed.append({"Code": code, **({"Message": message} if message else {})})
    body = {
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "CancellationReasons": listed,
        "Message": f"Transaction cancelled, please refer cancellation reasons for specific reasons [{', '.join(reasons)}]",
    }
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": uuid.uuid4().hex.upper()}
    return 400, headers, json.dumps(body).encode()
