"""A Powertools REST resolver with the product's error mapping."""

from __future__ import annotations

import json

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

from common.errors import ApiError, NotBuiltError, error_body

logger = Logger()


def build_resolver() -> APIGatewayRestResolver:
    app = APIGatewayRestResolver()

    def _request_id() -> str | None:
        return app.current_event.request_context.request_id

    @app.exception_handler(ApiError)
    def _api_error(err: ApiError) -> Response:
        if err.status >= 500:
            logger.error("request failed", extra={"code": err.code})
        return Response(
            status_code=err.status,
            content_type=content_types.APPLICATION_JSON,
            body=json.dumps(error_body(err.code, err.message, _request_id(), err.details), ensure_ascii=False),
        )

    @app.not_found
    def _not_found(_: Exception) -> Response:
        event = app.current_event
        message = f"no route {event.http_method} {event.path}"
        return Response(
            status_code=404,
            content_type=content_types.APPLICATION_JSON,
            body=json.dumps(error_body("not_found", message, _request_id())),
        )

    return app


def not_implemented(feature: str) -> NotBuiltError:
    return NotBuiltError(f"{feature} is not implemented yet in this release")
