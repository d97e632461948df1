"""The streaming functions' pieces without a network: framing, the caller and deadline from the adapter's headers,
the stream reader, stop checks, citations named part by part, and the apps' refusals before any stream."""

from __future__ import annotations

import json
import time
from collections.abc import MutableMapping
from typing import Any

import pytest
from starlette.testclient import TestClient

from chat import stream as chat_stream
from common import deadline, sse
from common.errors import UnauthorizedError, UpstreamUnavailableError
from common.stream_reader import StreamedAnswer, TextBuffer, relay
from common.stream_stop import StreamControl
from rag import stream as rag_stream
from rag.query import Citations

CLAIMS = {"requestId": "req-1", "authorizer": {"claims": {"sub": "user-a", "cognito:groups": "admin"}}}


def _delta(text: str) -> dict:
    return {"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"text": text}}}


END: list[dict] = [
    {"messageStop": {"stopReason": "end_turn"}},
    {"metadata": {"usage": {"inputTokens": 3, "outputTokens": 5}, "metrics": {"latencyMs": 7}}},
]


def test_given_an_event_then_one_sse_frame_with_one_line_of_json():
    assert sse.frame("delta", {"text": "안녕\n하세요"}) == 'event: delta\ndata: {"text":"안녕\\n하세요"}\n\n'.encode()


def test_given_the_adapters_request_context_then_the_caller_comes_from_its_authorizer_claims():
    caller = sse.caller_from_request_context(json.dumps(CLAIMS))
    assert (caller.sub, caller.groups) == ("user-a", frozenset({"admin"}))
    for header in (None, "", "not json", "[]", json.dumps({"authorizer": {}}), json.dumps({"authorizer": {"claims": {"sub": ""}}})):
        with pytest.raises(UnauthorizedError):
            sse.caller_from_request_context(header)


def test_given_the_lambda_context_header_then_its_deadline_is_the_countdown():
    soon = (time.time() + 90) * 1000
    for key in ("deadline", "deadline_ms"):  # lambda_runtime's field, and the adapter guide's name for it
        countdown = sse.countdown(json.dumps({key: soon}))
        assert countdown is not None
        assert 88_000 < countdown.get_remaining_time_in_millis() <= 90_000
    assert sse.countdown(None) is None
    with deadline.tracking(sse.countdown(json.dumps({"deadline": soon}))):
        assert 88 < (deadline.remaining_seconds() or 0) <= 90
    assert deadline.remaining_seconds() is None


def test_given_whitespace_only_pieces_then_no_delta_is_blank_and_the_text_is_kept_in_order():
    answer = StreamedAnswer()
    events = [{"messageStart": {"role": "assistant"}}, _delta("첫 줄"), _delta("\n\n"), _delta("둘째 줄"), _delta("  "), *END]
    assert list(relay(events, answer, None)) == ["첫 줄", "\n\n둘째 줄"]
    assert answer.shown.text() == "첫 줄\n\n둘째 줄"
    assert (answer.stop_reason, answer.usage, answer.latency_ms) == ("end_turn", {"input_tokens": 3, "output_tokens": 5}, 7.0)


def test_given_a_stream_without_its_message_stop_then_an_upstream_error():
    with pytest.raises(UpstreamUnavailableError):
        list(relay([_delta("partial")], StreamedAnswer(), None))


def test_given_reasoning_deltas_then_they_are_neither_shown_nor_kept():
    events = [{"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "thinking"}}}}, _delta("answer"), *END]
    answer = StreamedAnswer()
    assert list(relay(events, answer, None)) == ["answer"]


class _Signals:
    """A stop store that counts its reads (StopSignals' interface)."""

    def __init__(self) -> None:
        self.reads = 0
        self.asked = False

    def requested(self, sub: str, stream_id: str) -> bool:  # noqa: ARG002 - StopSignals' signature
        self.reads += 1
        return self.asked


def test_given_a_stop_request_then_the_loop_reads_it_at_most_once_a_second_and_stops_with_what_it_showed():
    now = [100.0]
    signals = _Signals()
    control = StreamControl("s" * 24, "user-a", signals, clock=lambda: now[0])  # type: ignore[arg-type]
    answer = StreamedAnswer()
    shown = []
    for i, text in enumerate(relay((_delta(f"piece {i} ") for i in range(100)), answer, control)):
        shown.append(text)
        now[0] += 0.1  # ten deltas a second
        if i == 30:
            signals.asked = True
    assert answer.interrupted == "stopped"
    assert 31 <= len(shown) <= 41
    assert signals.reads <= len(shown) / 10 + 2
    assert answer.shown.text() == "".join(shown)


def test_given_a_disconnect_or_a_near_deadline_then_the_control_says_why():
    control = StreamControl("s" * 24, "user-a", None)
    assert control.stop_reason() is None
    with deadline.tracking(deadline.Countdown((time.time() + 2) * 1000)):
        assert control.stop_reason() == "time_limit"
    control.disconnected.set()
    assert control.stop_reason() == "disconnected"


def test_given_many_small_pieces_then_the_buffer_keeps_them_joined_in_order():
    buffer = TextBuffer()
    for i in range(1000):
        buffer.add(f"{i},")
    assert buffer.text() == "".join(f"{i}," for i in range(1000))
    assert len(buffer._pieces) < 64


class _Doc:
    def __init__(self, name: str) -> None:
        self.page_content = f"passage of {name}"
        self.metadata = {"location": {"s3Location": {"uri": f"s3://elsewhere/{name}"}}, "score": 0.5}


def test_given_citations_split_across_deltas_then_each_is_found_once_when_the_answer_names_it():
    class Deps:
        documents_bucket = "documents"

    cited = Citations([_Doc(f"doc{i}.md") for i in range(1, 13)], Deps())  # type: ignore[arg-type]
    found = [[c["number"] for c in cited.named_in(piece)] for piece in ["답은 [", "1", "] 과 [1", "2] 입니다 [1] [13] [3]"]]
    assert found == [[], [], [1], [12, 3]]


@pytest.mark.parametrize(
    ("client", "path", "body"),
    [
        (TestClient(chat_stream.app), "/chat/stream", {"message": "안녕"}),
        (TestClient(rag_stream.app), "/rag/query/stream", {"question": "안녕"}),
    ],
)
def test_given_a_stream_app_then_no_claims_or_a_bad_body_is_a_json_error_before_any_stream(client, path, body):
    assert client.get("/healthz").status_code == 200  # the adapter's readiness check needs no caller
    for headers in ({}, {"x-amzn-request-context": "{not json"}, {"x-amzn-request-context": json.dumps({"authorizer": {}})}):
        answer = client.post(path, json=body, headers=headers)
        assert (answer.status_code, answer.headers["content-type"]) == (401, "application/json")
        assert answer.json()["error"]["code"] == "unauthorized"
    answer = client.post(path, json={**body, "extra": 1}, headers={"x-amzn-request-context": json.dumps(CLAIMS)})
    assert (answer.status_code, answer.headers["content-type"]) == (400, "application/json")
    assert answer.json() == {
        "error": {
            "code": "validation_error",
            "message": "the request is not valid: see details",
            "details": [{"field": "extra", "message": "Extra inputs are not permitted"}],
        },
        "request_id": "req-1",
    }
    too_big = client.post(path, content=b'{"x": "' + b"a" * 2_000_000 + b'"}', headers={"x-amzn-request-context": json.dumps(CLAIMS)})
    assert too_big.status_code == 413


def _run(stream: sse.EventStream, *, disconnect_after: float | None = None) -> list[tuple[float, bytes]]:
    """Drive the ASGI response as uvicorn would; the client goes away after `disconnect_after` seconds."""
    import anyio

    sent: list[tuple[float, bytes]] = []
    started = time.monotonic()

    async def receive() -> MutableMapping[str, Any]:
        if disconnect_after is None:
            await anyio.sleep(3600)
        await anyio.sleep(disconnect_after or 0)
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.body" and message["body"]:
            sent.append((time.monotonic() - started, message["body"]))

    anyio.run(stream, {"type": "http"}, receive, send)
    return sent


def test_given_a_silent_stretch_then_a_ping_comment_keeps_the_stream_open():
    def frames():
        time.sleep(0.35)
        yield sse.frame("done", {"stored": "complete"})

    control = StreamControl("s" * 24, "user-a", None)
    opening = sse.Event("start", {"stream_id": "s"})
    sent = _run(sse.EventStream(opening, frames(), control, {}, heartbeat=0.1))
    bodies = [body for _, body in sent]
    assert bodies[0].startswith(b"event: start")
    assert bodies[-1].startswith(b"event: done")
    assert bodies.count(sse.PING) >= 2


def test_given_a_client_that_goes_away_then_the_control_is_told_and_the_producer_finishes_its_work():
    finished: list[int] = []

    def frames():
        for i in range(20):
            if control.disconnected.is_set():
                finished.append(i)  # the turn sees it at its next delta and stores what it has
                return
            time.sleep(0.02)
            yield sse.frame("delta", {"text": f"{i} "})

    control = StreamControl("s" * 24, "user-a", None)
    _run(sse.EventStream(sse.Event("start", {}), frames(), control, {}), disconnect_after=0.1)
    assert control.disconnected.is_set()
    assert len(finished) == 1
    assert finished[0] < 20
