"""POST /chat/stream: the chat turn (chat/turn.py, the same as POST /chat) as server-sent events.

An ASGI app for the `chat_stream` function: the Lambda Web Adapter runs `run_stream.sh`, which serves
`chat.stream:app` with uvicorn on 127.0.0.1 (docs/api.md#streaming). Settings and configuration are read at
import, as the handlers do: a missing variable fails the cold start.
"""

from __future__ import annotations

from collections.abc import Iterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from chat import deps
from chat.models import ChatRequest
from chat.turn import run_turn
from chat.turn_deps import ChatDeps
from common import sse
from common.auth import Caller
from common.bedrock import stream_client
from common.clock import Clock
from common.stream_reader import Event
from common.stream_stop import StreamControl

env, config = deps.env, deps.config  # read at import (chat/deps.py): a missing variable fails the cold start
clock = Clock()  # the system date (a custom model past its base's end of life is refused); tests set a fixed one

# The container's shared objects (chat/deps.py); the names the tests and benches use.
_store, _signals, _registry, _metering = deps.store, deps.signals, deps.registry, deps.usage_metering
_attachments = deps.attachments


def _turn(caller: Caller, request: ChatRequest, control: StreamControl) -> Iterator[Event]:
    deps = ChatDeps(
        config,
        _store(),
        stream_client("chat_stream"),
        env.guardrail_id,
        env.guardrail_version,
        metering=_metering(),
        registry=_registry(),
        attachments=_attachments(),
        clock=clock,
    )
    return run_turn(caller, request, deps, control)


async def chat_stream(request: Request) -> Response | sse.EventStream:
    return await sse.serve(
        request, ChatRequest, _turn, _signals(), max_body_bytes=config.limits.max_body_bytes, cors_origins=config.cors_origins
    )


async def healthz(_: Request) -> Response:
    """The adapter's readiness check (AWS_LWA_READINESS_CHECK_PATH): no auth, no AWS call."""
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/chat/stream", chat_stream, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])])
