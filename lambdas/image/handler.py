"""Image function: generation with guardrails on prompt and picture, the caller's stored pictures (list, delete),
and content-credential checks."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from common import deadline
from common.api import build_resolver
from common.auth import caller_from
from common.bedrock import runtime_client
from common.clock import Clock
from common.observability import logger, metrics, tracer
from common.runtime_config import runtime_config
from common.settings import ImageSettings, load_settings
from common.storage import dynamodb_client, s3_client
from common.usage.meter import Metering, metering
from image import deletion, gallery, service
from image.models import ImageRequest
from image.verify import VerifyRequest, decode_image
from image.verify import verify as check_credentials

env = load_settings(ImageSettings)  # at import: a missing variable fails the cold start, not each request
config = runtime_config()
clock = Clock()  # the system date; tests set a fixed one
app = build_resolver(max_body_bytes=config.limits.max_image_body_bytes, cors_origins=config.cors_origins)


@lru_cache(maxsize=1)
def _s3() -> Any:
    return s3_client()


@lru_cache(maxsize=1)
def _db() -> Any:
    return dynamodb_client()


@lru_cache(maxsize=1)
def _metering() -> Metering:
    return metering(runtime_config(), env.usage_table, _db())


def _deps() -> service.ImageDeps:
    return service.ImageDeps(
        config=runtime_config(),  # cached once per container (tests clear it to switch configurations)
        image_runtime=runtime_client("image", config.image_region),
        text_runtime=runtime_client("image"),
        s3=_s3(),
        bucket=env.images_bucket,
        guardrail_id=env.guardrail_id,
        guardrail_version=env.guardrail_version,
        clock=clock,
        metering=_metering(),
        db=_db(),
        table=env.table_name,
    )


@app.post("/images")
def generate(request: ImageRequest) -> dict[str, Any]:
    return service.generate(caller_from(app.current_event.raw_event), request, _deps())


@app.get("/images")
def list_images(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    next_token: Annotated[str | None, Query(max_length=2048)] = None,
) -> gallery.ImageList:
    """The caller's own stored pictures, newest first, each with a fresh presigned GET."""
    caller = caller_from(app.current_event.raw_event)
    db, table, bucket = _db(), env.table_name, env.images_bucket
    return gallery.list_page(db, _s3(), table=table, bucket=bucket, sub=caller.sub, limit=limit, token=next_token, now=clock.now())


@app.delete("/images/<image_id>", responses={204: {"description": "Deleted: no longer listed, its PNG removed"}})
def delete_image(image_id: Annotated[str, Path(pattern=deletion.IMAGE_ID)]) -> Response[None]:
    """Delete the caller's own picture (its record, then its PNG); anyone else's id is a 404 like an unknown one."""
    caller = caller_from(app.current_event.raw_event)
    deletion.delete_image(_db(), _s3(), table=env.table_name, bucket=env.images_bucket, sub=caller.sub, image_id=image_id)
    return Response(status_code=204, body=None)


@app.post("/images/verify")
def verify(request: VerifyRequest) -> dict[str, Any]:
    caller = caller_from(app.current_event.raw_event)
    data = service.own_image(caller, request.key, _deps()) if request.key else decode_image(request.image or "")
    return check_credentials(data)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@deadline.track
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
