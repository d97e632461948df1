"""POST /rag/query/stream: the knowledge-base answer (rag/answer_stream.py, the same as POST /rag/query) as
server-sent events, citations included as the answer names them.

An ASGI app for the `rag_stream` function: the Lambda Web Adapter runs `run_stream.sh`, which serves
`rag.stream:app` with uvicorn on 127.0.0.1 (docs/api.md#streaming). Settings and configuration are read at
import, as the handlers do: a missing variable fails the cold start.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from common import sse
from common.auth import Caller
from common.bedrock import agent_runtime_client, stream_client
from common.conversations import ConversationStore
from common.runtime_config import runtime_config
from common.settings import RagStreamSettings, load_settings
from common.storage import dynamodb_client, s3_client
from common.stream_reader import Event
from common.stream_stop import StopSignals, StreamControl
from common.usage.meter import metering
from rag import query
from rag.answer_stream import answer_events

env = load_settings(RagStreamSettings)  # at import: a missing variable fails the cold start, not each request
config = runtime_config()


@lru_cache(maxsize=1)
def _conversations() -> ConversationStore:
    return ConversationStore(dynamodb_client(), env.table_name, config.memory.conversation_ttl_days)


@lru_cache(maxsize=1)
def _signals() -> StopSignals:
    return StopSignals(dynamodb_client(), env.table_name)


@lru_cache(maxsize=1)
def _deps() -> query.RagDeps:
    return query.RagDeps(
        config=config,
        bedrock=stream_client("rag_stream"),
        agent_runtime=agent_runtime_client("rag"),
        s3=s3_client(),
        knowledge_base_id=env.knowledge_base_id,
        guardrail_id=env.guardrail_id,
        guardrail_version=env.guardrail_version,
        documents_bucket=env.documents_bucket,
        metering=metering(config, env.usage_table, dynamodb_client()),
    )


def _answer(caller: Caller, request: query.RagQuery, control: StreamControl) -> Iterator[Event]:
    """A generator: the window is read with the first event, in the stream's worker thread."""
    yield from answer_events(request, _deps(), query.history(_conversations, caller, request, config), control, caller=caller)


async def rag_stream(request: Request) -> Response | sse.EventStream:
    return await sse.serve(
        request, query.RagQuery, _answer, _signals(), max_body_bytes=config.limits.max_body_bytes, cors_origins=config.cors_origins
    )


async def healthz(_: Request) -> Response:
    """The adapter's readiness check (AWS_LWA_READINESS_CHECK_PATH): no auth, no AWS call."""
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/rag/query/stream", rag_stream, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])])
