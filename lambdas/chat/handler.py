"""Chat function: thin routes over chat.service (Powertools resolver, validation, errors)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from chat import deps, service
from chat.models import (
    AttachmentUpload,
    AttachmentUploadRequest,
    ChatRequest,
    ChatResponse,
    ConversationDetail,
    ConversationList,
    Renamed,
    RenameRequest,
    StreamStop,
)
from common import deadline
from common.api import build_resolver
from common.auth import caller_from
from common.bedrock import runtime_client
from common.clock import Clock
from common.custom_models import custom_model_entries
from common.ids import CONVERSATION_ID
from common.observability import logger, metrics, tracer
from common.runtime_config import runtime_config
from common.stream_stop import STREAM_ID
from common.titles import TITLE_MAX_CHARS

env, config = deps.env, deps.config  # read at import (chat/deps.py): a missing variable fails the cold start
clock = Clock()  # the system date (models' lifecycle, custom models' base end of life); tests set a fixed one
app = build_resolver(max_body_bytes=config.limits.max_body_bytes, cors_origins=config.cors_origins)

# The container's shared objects (chat/deps.py); the names the tests and benches use.
_store, _signals, _registry, _metering = deps.store, deps.signals, deps.registry, deps.usage_metering
_attachments = deps.attachments


def _deps() -> service.ChatDeps:
    return service.ChatDeps(
        config,
        _store(),
        runtime_client("chat"),
        env.guardrail_id,
        env.guardrail_version,
        metering=_metering(),
        registry=_registry(),
        attachments=_attachments(),
        clock=clock,
    )


def _caller() -> Any:
    return caller_from(app.current_event.raw_event)


@app.get("/models")
def list_models() -> dict[str, Any]:
    caller_from(app.current_event.raw_event)
    current = runtime_config()  # cached once per container
    read_seconds = current.bedrock_timeouts.read_seconds["chat"]
    return {
        # max_tokens_ceiling: the most a request may ask for here (the model's limit, or less within the 29 s API).
        "chat_models": [{**m.model_dump(), "max_tokens_ceiling": m.max_tokens_ceiling(read_seconds)} for m in current.chat_models]
        + custom_model_entries(_registry(), read_seconds, clock.today()),
        "default_chat_model": current.default_chat_model,
        "image_models": [m.listing(clock.today()) for m in current.image_models],
        "default_image_model": current.default_image_model,
    }


@app.post("/chat")
def chat(request: ChatRequest) -> ChatResponse:
    return service.send_message(_caller(), request, _deps())


@app.post("/chat/attachments", responses={201: {"description": "A presigned POST for the file, under the caller's prefix"}})
def create_attachment_upload(request: AttachmentUploadRequest) -> Response[AttachmentUpload]:
    """Where to upload a file for a chat turn (then name its `key` in the turn's `attachments`)."""
    upload = AttachmentUpload(**_attachments().create_upload(_caller(), request))
    return Response(status_code=201, body=upload, content_type="application/json")


@app.get("/conversations")
def list_conversations(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    next_token: Annotated[str | None, Query(max_length=2048)] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=TITLE_MAX_CHARS, description="Only titles containing this text (case-insensitive)")
    ] = None,
) -> ConversationList:
    return service.list_conversations(_caller(), limit, next_token, _store(), search=q)


@app.get("/conversations/<conversation_id>")
def get_conversation(
    conversation_id: Annotated[str, Path(pattern=CONVERSATION_ID)],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    next_token: Annotated[str | None, Query(max_length=2048)] = None,
) -> ConversationDetail:
    return service.get_conversation(_caller(), conversation_id, limit, next_token, _store())


@app.patch("/conversations/<conversation_id>")
def rename_conversation(conversation_id: Annotated[str, Path(pattern=CONVERSATION_ID)], request: RenameRequest) -> Renamed:
    """Rename the caller's conversation (the typed title is checked by the guardrail; see docs/api.md)."""
    return service.rename_conversation(_caller(), conversation_id, request, _deps())


@app.delete("/conversations/<conversation_id>", responses={204: {"description": "Deleted, with every message"}})
def delete_conversation(conversation_id: Annotated[str, Path(pattern=CONVERSATION_ID)]) -> Response[None]:
    service.delete_conversation(_caller(), conversation_id, _store(), _attachments())
    return Response(status_code=204, body=None)


@app.post("/streams/<stream_id>/stop", responses={202: {"description": "The stream stops at its next delta"}})
def stop_stream(stream_id: Annotated[str, Path(pattern=STREAM_ID)]) -> Response[StreamStop]:
    """Ask the caller's own running stream (POST /chat/stream, /rag/query/stream) to stop; its turn is stored as interrupted."""
    _signals().request(_caller().sub, stream_id)
    return Response(status_code=202, body=StreamStop(stream_id=stream_id, stopping=True), content_type="application/json")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@deadline.track
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
