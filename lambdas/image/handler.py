"""Image function: every route answers 501 until the images release; nothing pretends to work."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from common.api import build_resolver, not_implemented
from common.runtime_config import runtime_config

logger = Logger()
config = runtime_config()
app = build_resolver(max_body_bytes=config.limits.max_image_body_bytes, cors_origins=config.cors_origins)


@app.post("/images")
def generate() -> dict[str, Any]:
    raise not_implemented("POST /images")


@app.post("/images/verify")
def verify() -> dict[str, Any]:
    raise not_implemented("POST /images/verify")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
