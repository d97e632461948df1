"""ui/client.py's streaming calls against the local stack (`python -m local.stack`, the offline Bedrock paced over
HTTP): events as they arrive, the stop route, a hang-up, a refusal before the stream. Streamlit's AppTest runs a
page to its end and cannot click Stop part-way, so the stop call is tested here and the Stop button in the
browser (tests/ui/test_browser.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.integration.streams import wait_for
from ui.client import ApiError, Client, Outputs, sign_in
from ui.streamed import Reply

PASSWORD = "Local-Demo-Pass-1!"


def api(outputs_file: Path, username: str) -> Client:
    outputs = Outputs.load(outputs_file)
    return Client(outputs.api_url, sign_in(outputs, username, PASSWORD))


def test_given_a_paced_model_then_the_first_words_arrive_seconds_before_done(outputs_file, stream_user, sim_model):
    sim_model(first_token_ms=300, token_ms=10, reply_tokens=400)  # about 4 s of writing
    client, seen = api(outputs_file, stream_user), []
    started = time.monotonic()
    with client.stream("chat/stream", {"message": "천천히 길게 답해 주세요"}) as events:
        seen = [(time.monotonic() - started, event) for event in events]
    kinds = [event.kind for _, event in seen]
    assert (kinds[0], kinds[-1], client.status) == ("start", "done", 200)
    first_words = next(at for at, event in seen if event.kind == "delta")
    assert seen[-1][0] - first_words > 2.0
    assert kinds.count("delta") > 10


def test_given_a_running_stream_when_the_client_calls_stop_then_it_ends_interrupted_and_the_api_flags_the_turn(
    outputs_file, stream_user, sim_model
):
    sim_model(token_ms=20, reply_tokens=2000)  # 40 s if nobody stops it
    client, reply = api(outputs_file, stream_user), Reply()
    started = time.monotonic()
    with client.stream("chat/stream", {"message": "멈출 때까지 써 주세요"}) as events:
        for event in events:
            reply.apply(event)
            if event.kind == "delta" and not reply.stopped:
                reply.stopped = True
                assert client.stop(str(reply.stream_id)) == {"stream_id": reply.stream_id, "stopping": True}
                assert client.status == 202
    assert reply.done == {"stored": "interrupted"}
    assert time.monotonic() - started < 15
    stored = client.call("GET", f"conversations/{reply.conversation_id}")["messages"]
    assert [m["role"] for m in stored] == ["user", "assistant"]
    assert stored[1]["interrupted"] is True
    assert stored[1]["content"] == reply.text  # what the client was shown, no more


def test_given_a_client_that_hangs_up_then_the_local_stack_stores_the_turn_interrupted(outputs_file, stream_user, sim_model):
    sim_model(token_ms=20, reply_tokens=2000)
    client, reply = api(outputs_file, stream_user), Reply()
    with client.stream("chat/stream", {"message": "중간에 끊을게요"}) as events:
        for event in events:
            reply.apply(event)
            if event.kind == "delta":
                break  # leaving the block closes the connection

    def stored() -> list:
        try:
            return list(client.call("GET", f"conversations/{reply.conversation_id}")["messages"])
        except ApiError:
            return []  # not written yet

    assert wait_for(stored)[-1]["interrupted"] is True


def test_given_a_bad_request_then_the_stream_route_refuses_it_as_json_before_any_event(outputs_file, stream_user):
    with pytest.raises(ApiError) as raised:
        api(outputs_file, stream_user).stream("chat/stream", {"message": ""})
    assert raised.value.status == 400
    assert raised.value.body["error"]["code"] == "validation_error"
