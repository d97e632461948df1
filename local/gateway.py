"""A local API Gateway for the Lambda handlers: API Gateway's REST contract on 127.0.0.1.

Same routes (infra/constructs/api.py), a Cognito authorizer that verifies the ID token's RS256
signature against the user pool's JWKS, its expiry, audience and issuer, REST proxy events with
authorizer claims, path and query parameters, base64 bodies, JSON-object body validation on the
routes that have a model, JSON gateway errors, CORS preflight; a function that raises, or answers in
the wrong format, gets API Gateway's 502 (its traceback logged here, as Lambda would log it). The
handlers run in this process, each function one request at a time, as in one Lambda execution environment: a function's module
state (the Powertools resolver's current event, for one) is never shared by two requests at once.
Concurrent requests to one function wait their turn; different functions run side by side.
Streaming routes (`stream=True`) go, after the same checks, to the function's ASGI app over HTTP, as the Lambda
Web Adapter sends them, and the answer is relayed chunk by chunk (local/stream_forward.py); the function is busy
until its stream ends.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from infra.routes import ROUTES, Route
from local import stream_forward
from local.http import Answer, LoopbackServer, route_pattern

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
log = logging.getLogger("local.gateway")


class _Context:
    """The LambdaContext fields Powertools reads, with Lambda's countdown from the invocation's start."""

    def __init__(self, name: str, timeout_seconds: int = 29) -> None:
        self.function_name = name
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{name}"
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def lambda_context(name: str, timeout_seconds: int = 29) -> _Context:
    """A new invocation's context: `timeout_seconds` is the function's configured timeout."""
    return _Context(name, timeout_seconds)


class TokenVerifier:
    """What API Gateway's Cognito authorizer checks, against the local user pool."""

    def __init__(self, *, jwks_url: str, issuer: str, client_id: str) -> None:
        self._jwks_url, self._issuer, self._client_id = jwks_url, issuer, client_id
        self._keys: KeySet | None = None
        self._lock = threading.Lock()

    def _key_set(self) -> KeySet:
        with self._lock:
            if self._keys is None:
                with urllib.request.urlopen(self._jwks_url, timeout=5) as response:
                    self._keys = KeySet.import_key_set(json.loads(response.read()))
            return self._keys

    def claims(self, token: str) -> dict[str, Any] | None:
        token = token.removeprefix("Bearer ").strip()
        try:
            decoded = jwt.decode(token, self._key_set(), algorithms=["RS256"])
        except (JoseError, ValueError):
            return None
        claims = decoded.claims
        if claims.get("iss") != self._issuer or claims.get("aud") != self._client_id or claims.get("token_use") != "id":
            return None
        if int(claims.get("exp", 0)) <= time.time():
            return None
        return claims


class LocalGateway:
    def __init__(
        self,
        handlers: dict[str, Handler],
        verifier: TokenVerifier,
        *,
        stage: str = "api",
        cors_origins: tuple[str, ...] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        timeouts: dict[str, int] | None = None,
        streams: dict[str, str] | None = None,
    ) -> None:
        self.handlers, self.verifier, self.stage, self.origins = handlers, verifier, stage, cors_origins
        self.timeouts = timeouts or {}  # function name -> its configured timeout in seconds (default 29; streams 900)
        self.streams = streams or {}  # streaming function name -> its ASGI app's base URL (local/stream_apps.py)
        self.routes = [(route, route_pattern(route.path)) for route in ROUTES]
        self._environments = {name: threading.Lock() for name in [*handlers, *self.streams]}
        self._server = LoopbackServer(self.handle, host=host, port=port, name="local-gateway", protocol_error=self._protocol_error)

    @property
    def url(self) -> str:
        return f"{self._server.address}/{self.stage}/"

    def start(self) -> LocalGateway:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def _error(self, status: int, kind: str, message: str, request_id: str) -> tuple[int, dict[str, str], bytes]:
        body = {"error": {"code": kind, "message": message}, "request_id": request_id}
        return status, {"Content-Type": "application/json", **self._cors_headers(None)}, json.dumps(body).encode()

    def _protocol_error(self, status: int, message: str) -> tuple[int, dict[str, str], bytes]:
        """A request refused before routing (e.g. a URL over the length limit): the gateway's DEFAULT_4XX/5XX shape."""
        return self._error(status, "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX", message, str(uuid.uuid4()))

    def _cors_headers(self, origin: str | None) -> dict[str, str]:
        if not self.origins:
            return {}
        allowed = origin if origin in self.origins else self.origins[0]
        return {"Access-Control-Allow-Origin": allowed, "Vary": "Origin"}

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Answer:
        request_id = str(uuid.uuid4())
        parts = urlsplit(raw_path)
        prefix = f"/{self.stage}"
        if not (parts.path == prefix or parts.path.startswith(prefix + "/")):
            return self._error(403, "FORBIDDEN", "Forbidden", request_id)
        path = parts.path[len(prefix) :] or "/"
        lowered = {k.lower(): v for k, v in headers.items()}
        if method == "OPTIONS" and self.origins:
            return (
                204,
                {
                    **self._cors_headers(lowered.get("origin")),
                    "Access-Control-Allow-Methods": "GET,POST,PUT,PATCH,DELETE,OPTIONS",
                    "Access-Control-Allow-Headers": "Authorization,Content-Type,X-Request-Id",
                },
                b"",
            )
        if method == "GET" and path == "/openapi.json":
            from local.openapi import build_spec

            return 200, {"Content-Type": "application/json", **self._cors_headers(lowered.get("origin"))}, json.dumps(build_spec()).encode()
        match = self._match(method, path)
        if match is None:
            return self._error(404, "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", request_id)
        route, params = match
        claims = self.verifier.claims(lowered.get("authorization", ""))
        if claims is None:
            return self._error(401, "UNAUTHORIZED", "Unauthorized", request_id)
        if route.json_body and not _is_json_object(body):
            return self._error(400, "BAD_REQUEST_BODY", "Invalid request body", request_id)
        event = self._event(route, method, path, parts.query, headers, body, params, claims, request_id)
        if route.stream:
            return self._stream(route, method, path + (f"?{parts.query}" if parts.query else ""), headers, body, event)
        with self._environments[route.function]:
            context = lambda_context(route.function, self.timeouts.get(route.function, 29))  # the clock starts when it runs
            try:
                response = self.handlers[route.function](event, context)
                return _http_response(response, self._cors_headers(lowered.get("origin")))
            except Exception:
                # API Gateway answers a function error, or a response in the wrong format, with 502 and the
                # message "Internal server error" (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html).
                # That answer is a DEFAULT_5XX gateway response, which this stack renders in its own error shape
                # (infra/constructs/api.py). The client learns nothing more; the traceback goes to the log.
                log.exception("%s function failed on %s %s (request %s): answering 502", route.function, method, path, request_id)
                return self._error(502, "DEFAULT_5XX", "Internal server error", request_id)

    def _stream(self, route: Route, method: str, target: str, headers: dict[str, str], body: bytes, event: dict[str, Any]) -> Answer:
        request_id = event["requestContext"]["requestId"]
        base_url = self.streams.get(route.function)
        if base_url is None:
            log.error("%s is not running: answering 502", route.function)
            return self._error(502, "DEFAULT_5XX", "Internal server error", request_id)
        environment = self._environments[route.function]
        environment.acquire()  # released when the stream ends (one request at a time per function)
        timeout = self.timeouts.get(route.function, 900)
        invocation = stream_forward.lambda_context(route.function, str(uuid.uuid4()), timeout)
        try:
            status, answer_headers, answer = stream_forward.forward(
                base_url, method, target, headers, body, event["requestContext"], invocation, timeout, environment.release
            )
        except (OSError, http.client.HTTPException):
            log.exception("%s failed on %s %s (request %s): answering 502", route.function, method, target, request_id)
            return self._error(502, "DEFAULT_5XX", "Internal server error", request_id)
        return status, answer_headers, answer  # CORS headers come from the app itself, as deployed (no gateway mapping)

    def _match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        # Static paths win over parameters, as in API Gateway (/documents/sync before /documents/{key+}).
        candidates = sorted(self.routes, key=lambda item: "{" in item[0].path)
        for route, pattern in candidates:
            found = pattern.match(path)
            if found and route.method == method:
                return route, found.groupdict()
        return None

    def _event(
        self,
        route: Route,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        params: dict[str, str],
        claims: dict[str, Any],
        request_id: str,
    ) -> dict[str, Any]:
        multi_query = {k: v for k, v in parse_qs(query, keep_blank_values=True).items()}
        text_claims = {k: (",".join(v) if isinstance(v, list) else str(v)) for k, v in claims.items()}
        try:
            text, encoded = body.decode("utf-8"), False
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": method,
            "headers": dict(headers),
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": {k.rstrip("+"): v for k, v in params.items()} or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": route.path,
                "httpMethod": method,
                "path": f"/{self.stage}{path}",
                "stage": self.stage,
                "requestId": request_id,
                "identity": {"sourceIp": "127.0.0.1"},
                "authorizer": {"claims": text_claims},
            },
            "body": text if body else None,
            "isBase64Encoded": encoded,
        }


def _is_json_object(body: bytes) -> bool:
    try:
        return isinstance(json.loads(body or b"null"), dict)
    except ValueError:
        return False


def _http_response(response: dict[str, Any], cors: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    headers = {k: v[-1] for k, v in (response.get("multiValueHeaders") or {}).items()}
    headers.update(response.get("headers") or {})
    headers.update(cors)
    raw = response.get("body") or ""
    payload = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode("utf-8")
    return int(response["statusCode"]), headers, payload
