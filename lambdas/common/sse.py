"""The streaming functions' HTTP side: a small ASGI app (Starlette, run by uvicorn behind the Lambda Web Adapter).

The adapter turns API Gateway's event into an HTTP request to the app on 127.0.0.1 and adds the request
context (requestId, authorizer claims) as JSON in the `x-amzn-request-context` header, and the invocation
context (deadline in epoch ms) in `x-amzn-lambda-context`; it replaces any header of those names a client
sent, and only the adapter can reach the app, which listens on loopback only
(https://github.com/awslabs/aws-lambda-web-adapter, docs/guide/src/features/request-context.md).

Before a stream starts, every refusal is the API's JSON error (same shapes and statuses as the buffered
routes). Once it started (200, `text/event-stream`), an error is an `error` event and the stream ends.
SSE frames: `event: <type>\\ndata: <one-line JSON>\\n\\n`; a `: ping` comment after 15 s of silence.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import anyio
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from common import deadline
from common.auth import Caller, caller_from
from common.errors import ApiError, PayloadTooLargeError, UnauthorizedError, ValidationFailedError, error_body
from common.observability import ERRORS, MetricUnit, logger, metrics
from common.stream_reader import Event
from common.stream_stop import StopSignals, StreamControl, new_stream_id

M = TypeVar("M", bound=BaseModel)
Start = Callable[[Caller, Any, StreamControl], Iterator[Event]]
HEARTBEAT_SECONDS = 15.0
QUEUED_FRAMES = 16  # frames waiting for a slow client; the model's stream waits beyond that (memory stays bounded)
PING = b": ping\n\n"


def frame(kind: str, data: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n".encode()


def _context(header: str | None) -> dict[str, Any]:
    try:
        value = json.loads(header or "")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def caller_from_request_context(header: str | None) -> Caller:
    """The caller from the claims API Gateway's Cognito authorizer verified; 401 without them."""
    context = _context(header)
    if not context:
        raise UnauthorizedError("no verified identity on this request")
    return caller_from({"requestContext": context})


def countdown(header: str | None) -> deadline.Countdown | None:
    """The invocation's deadline from `x-amzn-lambda-context`: lambda_runtime's Context names it `deadline` (epoch ms,
    https://docs.rs/lambda_http/latest/lambda_http/struct.Context.html); the adapter's guide shows `deadline_ms`."""
    context = _context(header)
    value = context.get("deadline", context.get("deadline_ms"))
    return deadline.Countdown(float(value)) if isinstance(value, int | float) and value > 0 else None


def cors_headers(origins: tuple[str, ...], origin: str | None) -> dict[str, str]:
    if not origins:
        return {}
    return {"Access-Control-Allow-Origin": origin if origin in origins else origins[0], "Vary": "Origin"}


def error_response(err: ApiError, request_id: str | None, cors: dict[str, str]) -> Response:
    if err.status >= 500:
        logger.warning("request failed upstream", extra={"code": err.code, "status": err.status})
    body = json.dumps(error_body(err.code, err.message, request_id, err.details), ensure_ascii=False, separators=(",", ":"))
    return Response(body, status_code=err.status, media_type="application/json", headers={**err.headers, **cors})


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "body"


async def read_body(request: Request, model: type[M], max_bytes: int) -> M:
    """The JSON body as `model`, with the buffered routes' errors: 413 over the limit, 400 `validation_error`."""
    raw = await request.body()
    if len(raw) > max_bytes:
        raise PayloadTooLargeError(f"request body is {len(raw)} bytes; the limit is {max_bytes}")
    try:
        document = json.loads(raw or b"null")
    except ValueError:
        document = None
    if not isinstance(document, dict):
        problem = [{"field": "body", "message": "must be a JSON object"}]
        raise ValidationFailedError("the request is not valid: see details", details=problem)
    try:
        return model.model_validate(document)
    except ValidationError as err:
        details = [
            {"field": _field(tuple(e.get("loc", ()))), "message": str(e.get("msg", "invalid")).removeprefix("Value error, ")}
            for e in err.errors()
        ]
        raise ValidationFailedError("the request is not valid: see details", details=details) from None


def _flush_metrics() -> None:
    if metrics.metric_set:
        metrics.flush_metrics()


async def serve(
    request: Request, model: type[BaseModel], start: Start, signals: StopSignals, *, max_body_bytes: int, cors_origins: tuple[str, ...]
) -> Response | EventStream:
    """One streaming request: checks (JSON errors), then the stream of `start`'s events."""
    context = _context(request.headers.get("x-amzn-request-context"))
    request_id = str(context.get("requestId") or uuid.uuid4())
    lambda_context = _context(request.headers.get("x-amzn-lambda-context"))
    logger.set_correlation_id(request_id)
    logger.remove_keys(["stream_id"])
    logger.append_keys(function_request_id=lambda_context.get("request_id"))
    cors = cors_headers(cors_origins, request.headers.get("origin"))
    until = countdown(request.headers.get("x-amzn-lambda-context"))
    try:
        caller = caller_from_request_context(request.headers.get("x-amzn-request-context"))
        body = await read_body(request, model, max_body_bytes)
        control = StreamControl(new_stream_id(), caller.sub, signals)
        logger.append_keys(stream_id=control.stream_id)
        events = start(caller, body, control)

        def first() -> Event:
            with deadline.tracking(until):
                return next(events)

        opening = await anyio.to_thread.run_sync(first)  # everything that can refuse the request runs here
    except ApiError as err:
        metrics.add_metric(name=ERRORS, unit=MetricUnit.Count, value=1)
        _flush_metrics()
        return error_response(err, request_id, cors)
    headers = {"Cache-Control": "no-cache", **cors}
    return EventStream(opening, _frames(events, request_id, until), control, headers)


def _frames(events: Iterator[Event], request_id: str, until: deadline.Countdown | None) -> Iterator[bytes]:
    """The rest of the events as frames; an error becomes the `error` event (the API's error body), the last one."""
    try:
        with deadline.tracking(until):
            for event in events:
                yield frame(event.kind, event.data)
    except ApiError as err:
        logger.warning("stream ended by an error", extra={"code": err.code, "status": err.status})
        metrics.add_metric(name=ERRORS, unit=MetricUnit.Count, value=1)
        yield frame("error", error_body(err.code, err.message, request_id, err.details))
    except Exception:  # a bug: the stream still ends with an error event the client can show
        logger.exception("stream failed")
        metrics.add_metric(name=ERRORS, unit=MetricUnit.Count, value=1)
        yield frame("error", error_body("internal_error", "The answer failed part-way; retry.", request_id))
    finally:
        getattr(events, "close", lambda: None)()  # a turn cut short by an error lets go of its model stream
        _flush_metrics()


class EventStream:
    """The response once a stream started: the opening event, then every frame as it is produced.

    The frames are produced in a worker thread (the domain code is synchronous) and handed over a queue of
    QUEUED_FRAMES. A client that goes away (`http.disconnect`; behind the Lambda Web Adapter it never arrives)
    sets the control's flag: the turn stops at its next delta and is stored as interrupted. The producer is
    never cancelled: a turn always finishes its one write.
    """

    def __init__(
        self, opening: Event, frames: Iterator[bytes], control: StreamControl, headers: dict[str, str], heartbeat: float = HEARTBEAT_SECONDS
    ) -> None:
        self._opening = frame(opening.kind, opening.data)
        self._frames = frames
        self._control = control
        self._headers = headers
        self._heartbeat = heartbeat

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: ARG002 - ASGI's signature
        raw = [(b"content-type", b"text/event-stream; charset=utf-8")]
        raw += [(k.lower().encode(), v.encode()) for k, v in self._headers.items()]
        sender, queue = anyio.create_memory_object_stream[bytes | None](max_buffer_size=QUEUED_FRAMES)
        finished = threading.Event()

        def produce() -> None:
            try:
                for item in self._frames:
                    anyio.from_thread.run(sender.send, item)
            finally:
                finished.set()
                anyio.from_thread.run(sender.send, None)

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            if not finished.is_set():
                logger.info("client went away: the answer stops at its next delta")
            self._control.disconnected.set()

        async with anyio.create_task_group() as group:
            group.start_soon(watch)
            group.start_soon(anyio.to_thread.run_sync, produce)
            await self._send(send, {"type": "http.response.start", "status": 200, "headers": raw})
            await self._send(send, {"type": "http.response.body", "body": self._opening, "more_body": True})
            while True:
                with anyio.move_on_after(self._heartbeat) as silence:
                    item = await queue.receive()
                if silence.cancelled_caught:
                    await self._send(send, {"type": "http.response.body", "body": PING, "more_body": True})
                    continue
                if item is None:
                    break
                await self._send(send, {"type": "http.response.body", "body": item, "more_body": True})
            await self._send(send, {"type": "http.response.body", "body": b"", "more_body": False})
            group.cancel_scope.cancel()  # the disconnect watcher; the producer has returned

    async def _send(self, send: Send, message: dict[str, Any]) -> None:
        try:
            await send(message)
        except OSError:  # the client is gone: keep draining the producer, which stores the turn and stops
            self._control.disconnected.set()
