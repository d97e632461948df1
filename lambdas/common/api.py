"""The REST resolver every function uses: validation, one error shape, body limits, CORS."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from common.errors import ApiError, PayloadTooLargeError, error_body
from common.observability import ERRORS, MetricUnit, logger, metrics

_serialize = partial(json.dumps, ensure_ascii=False, separators=(",", ":"), default=str)


def _cors(origins: tuple[str, ...]) -> CORSConfig | None:
    if not origins:
        return None
    return CORSConfig(allow_origin=origins[0], extra_origins=list(origins[1:]), allow_headers=["Authorization", "Content-Type"])


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def refusal(event: dict[str, Any], err: ApiError, cors_origins: tuple[str, ...] = ()) -> dict[str, Any]:
    """The proxy response for an error raised before the resolver runs (e.g. an admin-only function's caller check),
    in the one error shape, with the CORS header the resolver would add for an allowed origin."""
    request_id = ((event.get("requestContext") or {}).get("requestId")) or None
    headers = {"Content-Type": content_types.APPLICATION_JSON, **err.headers}
    origin = next((v for k, v in (event.get("headers") or {}).items() if k.lower() == "origin"), None)
    if origin and origin in cors_origins:
        headers["Access-Control-Allow-Origin"] = origin
    body = _serialize(error_body(err.code, err.message, request_id, err.details))
    return {"statusCode": err.status, "headers": headers, "body": body, "isBase64Encoded": False}


def build_resolver(*, max_body_bytes: int, cors_origins: tuple[str, ...] = ()) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True, serializer=_serialize, cors=_cors(cors_origins))

    def request_id() -> str | None:
        return app.current_event.request_context.request_id

    def respond(status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None) -> Response:
        body = _serialize(error_body(code, message, request_id(), details))
        return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)

    @app.exception_handler(ApiError)
    def _api_error(err: ApiError) -> Response:
        if err.status >= 500:
            logger.warning("request failed upstream", extra={"code": err.code, "status": err.status})
        metrics.add_metric(name=ERRORS, unit=MetricUnit.Count, value=1)
        return respond(err.status, err.code, err.message, err.details, err.headers)

    @app.exception_handler(RequestValidationError)
    def _invalid(err: RequestValidationError) -> Response:
        # pydantic prefixes a validator's own message with "Value error, ": the reader needs only the message
        details = [
            {"field": _field(tuple(e.get("loc", ()))), "message": str(e.get("msg", "invalid")).removeprefix("Value error, ")}
            for e in err.errors()
        ]
        return respond(400, "validation_error", "the request is not valid: see details", details)

    @app.not_found
    def _not_found(_: Exception) -> Response:
        event = app.current_event
        return respond(404, "not_found", f"no route {event.http_method} {event.path}")

    def body_limit(resolver: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
        body = resolver.current_event.body or ""
        size = len(body.encode("utf-8")) if isinstance(body, str) else len(body)
        if resolver.current_event.is_base64_encoded:
            size = size * 3 // 4
        if size > max_body_bytes:
            error = PayloadTooLargeError(f"request body is {size} bytes; the limit is {max_body_bytes}")
            return respond(error.status, error.code, error.message)
        return next_middleware(resolver)

    app.use(middlewares=[body_limit])
    return app
