"""POST /chat/stream: the chat turn (chat/turn.py, the same as POST /chat) as server-sent events.

An ASGI app for the `chat_stream` function: the Lambda Web Adapter runs `run_stream.sh`, which serves
`chat.stream:app` with uvicorn on 127.0.0.1 (docs/api.md#streaming). Settings and configuration are read at
import, as the handlers do: a missing variable fails the cold start.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from chat.models import ChatRequest
from chat.turn import ChatDeps, run_turn
from common import sse
from common.auth import Caller
from common.bedrock import stream_client
from common.conversations import ConversationStore
from common.custom_models import ModelRegistry
from common.runtime_config import runtime_config
from common.settings import ChatSettings, load_settings
from common.storage import dynamodb_client
from common.stream_reader import Event
from common.stream_stop import StopSignals, StreamControl
from common.usage.meter import Metering, metering

env = load_settings(ChatSettings)  # at import: a missing variable fails the cold start, not each request
config = runtime_config()


@lru_cache(maxsize=1)
def _store() -> ConversationStore:
    return ConversationStore(dynamodb_client(), env.table_name, config.memory.conversation_ttl_days)


@lru_cache(maxsize=1)
def _signals() -> StopSignals:
    return StopSignals(dynamodb_client(), env.table_name)


@lru_cache(maxsize=1)
def _registry() -> ModelRegistry:
    return ModelRegistry(dynamodb_client(), env.table_name)


@lru_cache(maxsize=1)
def _metering() -> Metering:
    return metering(config, env.usage_table, dynamodb_client())


def _turn(caller: Caller, request: ChatRequest, control: StreamControl) -> Iterator[Event]:
    deps = ChatDeps(config, _store(), stream_client("chat_stream"), env.guardrail_id, env.guardrail_version,
                    metering=_metering(), registry=_registry())  # fmt: skip
    return run_turn(caller, request, deps, control)


async def chat_stream(request: Request) -> Response | sse.EventStream:
    return await sse.serve(request, ChatRequest, _turn, _signals(), max_body_bytes=config.limits.max_body_bytes,
                           cors_origins=config.cors_origins)  # fmt: skip


async def healthz(_: Request) -> Response:
    """The adapter's readiness check (AWS_LWA_READINESS_CHECK_PATH): no auth, no AWS call."""
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/chat/stream", chat_stream, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])])
