"""A paid Bedrock call is never sent twice, and a request ends with a clear answer before API Gateway's 29 s.

Real handlers, real boto3 clients, the offline Bedrock (which records every attempt it receives) and
Lambda contexts that count down like Lambda's (tests/events.py FakeContext).
"""

from __future__ import annotations

import json
import socket
import threading
import time

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError

from chat import handler as chat_handler
from common.bedrock import runtime_client
from image import handler as image_handler
from infra.catalog import CHAT_MODELS, split_profile
from infra.timeouts import read_timeout
from local.gateway import LocalGateway, TokenVerifier
from rag import handler as rag_handler
from tests.events import FakeContext, rest_event
from tests.integration.test_chat import DEFAULT, HAIKU, NOVA, chat, last_converse
from tests.integration.test_rag import corpus  # noqa: F401  (fixture: the sample corpus, ingested)

HANDLERS = {"chat": chat_handler.handler, "rag": rag_handler.handler, "image": image_handler.handler}
MESSAGE = [{"role": "user", "content": [{"text": "are you there?"}]}]


def invoke(function: str, path: str, body: dict, *, timeout: float = 29, sub: str = "limits") -> tuple[int, dict]:
    response = HANDLERS[function](rest_event("POST", path, body=body, sub=sub), FakeContext(function, timeout))
    return response["statusCode"], json.loads(response["body"])


def ceiling(model_id: str, function: str = "chat") -> int:
    """From the catalog and the synth-time read timeout: the most tokens a request may ask of the model."""
    info = CHAT_MODELS[split_profile(model_id)[1]]
    return min(info.max_output_tokens, int(info.output_tokens_per_second * read_timeout(function, 29)))


# --- never sent twice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "path", "body", "operation"),
    [
        ("chat", "/chat", {"message": "hello"}, "Converse"),
        ("rag", "/rag/query", {"question": "How large may attachments be?"}, "Retrieve"),
        ("rag", "/rag/query", {"question": "How large may attachments be?"}, "Converse"),  # LangChain calls it
        ("image", "/images", {"prompt": "a lighthouse at dawn"}, "ApplyGuardrail"),
        ("image", "/images", {"prompt": "a lighthouse at dawn"}, "InvokeModel"),
    ],
)
def test_given_a_5xx_on_any_paid_call_then_it_is_sent_exactly_once(corpus, sim, function, path, body, operation):  # noqa: F811
    sim.inject("InternalServerException", operation=operation, times=10)
    status, answer = invoke(function, path, body)
    assert (status, answer["error"]["code"]) == (503, "upstream_unavailable")
    assert len(sim.recorded(operation)) == 1


def test_given_rag_converse_throttled_twice_then_langchains_call_is_retried_and_answers(corpus, sim):  # noqa: F811
    sim.inject("ThrottlingException", operation="Converse", times=2)
    status, answer = invoke("rag", "/rag/query", {"question": "How large may attachments be?"})
    assert status == 200, answer
    assert len(sim.recorded("Converse")) == 3


def test_given_bedrock_cannot_be_reached_then_the_request_never_sent_is_tried_three_times():
    from common.bedrock import call_bedrock

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    client = boto3.client("bedrock-runtime", endpoint_url=f"http://127.0.0.1:{port}", config=runtime_client("chat").meta.config)
    sent: list[str] = []
    client.meta.events.register("before-send.bedrock-runtime.Converse", lambda **_: sent.append("attempt"))
    with pytest.raises(EndpointConnectionError):
        call_bedrock(client.converse, modelId=HAIKU, messages=MESSAGE)
    assert len(sent) == 3  # ours; botocore itself makes one attempt per call


def test_given_the_connection_drops_after_the_request_was_sent_then_it_is_not_sent_again_and_503():
    from common.bedrock import bedrock_errors, call_bedrock
    from common.errors import UpstreamUnavailableError

    received: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:  # reads each request, then hangs up without an answer
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                received.append(connection.recv(65536))

    threading.Thread(target=serve, daemon=True).start()
    endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}"
    client = boto3.client("bedrock-runtime", endpoint_url=endpoint, config=runtime_client("chat").meta.config)
    try:
        with pytest.raises(UpstreamUnavailableError), bedrock_errors(HAIKU):
            call_bedrock(client.converse, modelId=HAIKU, messages=MESSAGE)
    finally:
        listener.close()
    assert len(received) == 1  # botocore's modes would have sent it again (a ConnectionClosedError is retried)


# --- the deadline ------------------------------------------------------------------------------


def test_given_a_slow_model_late_in_a_request_then_504_saying_what_to_do_before_the_deadline(sim):
    sim.latency_ms = 3000  # longer than the time this 5.5 s invocation has left for Bedrock (about 2 s)
    started = time.monotonic()
    try:
        status, answer = invoke("chat", "/chat", {"message": "take your time"}, timeout=5.5)
    finally:
        sim.latency_ms = 0
    elapsed = time.monotonic() - started
    assert (status, answer["error"]["code"]) == (504, "upstream_timeout")
    assert "max_tokens" in answer["error"]["message"]
    assert elapsed < 5.5  # the function answered before its deadline
    time.sleep(3)  # let the held answer finish before the next test resets the simulator
    assert len(sim.recorded("Converse")) == 1


def test_given_too_little_time_left_then_nothing_is_sent_and_504(sim):
    status, answer = invoke("chat", "/chat", {"message": "no time"}, timeout=3)
    assert (status, answer["error"]["code"]) == (504, "upstream_timeout")
    assert "Not enough time" in answer["error"]["message"]
    assert not sim.recorded("Converse")


def test_given_throttling_late_in_a_request_then_no_retry_is_started_that_could_not_finish(sim):
    sim.inject("ThrottlingException", operation="Converse", times=10)
    status, answer = invoke("chat", "/chat", {"message": "late"}, timeout=4.75)  # ~1.2 s for Bedrock: one attempt fits
    attempts = len(sim.recorded("Converse"))
    assert attempts <= 1
    assert (status, answer["error"]["code"]) == ((429, "throttled") if attempts else (504, "upstream_timeout"))


def test_given_the_local_gateway_then_each_invocation_counts_down_from_its_functions_timeout():
    seen: list[int] = []

    def handler(event: dict, context: object) -> dict:
        seen.append(context.get_remaining_time_in_millis())  # type: ignore[attr-defined]
        time.sleep(0.2)
        seen.append(context.get_remaining_time_in_millis())  # type: ignore[attr-defined]
        return {"statusCode": 200, "body": "{}"}

    class AnyToken(TokenVerifier):  # the authorizer is not under test here
        def claims(self, token: str) -> dict:  # noqa: ARG002
            return {"sub": "someone"}

    gateway = LocalGateway({"chat": handler}, AnyToken(jwks_url="", issuer="", client_id=""), timeouts={"chat": 7})
    for _ in range(2):
        assert gateway.handle("GET", "/api/models", {"Authorization": "token"}, b"")[0] == 200
    first_start, first_end, second_start, _ = seen
    assert 6_500 < first_start <= 7_000
    assert first_end <= first_start - 150
    assert second_start > first_end  # a new invocation, a new countdown


# --- max_tokens within the time limit ------------------------------------------------------


def test_given_max_tokens_above_what_the_model_writes_in_time_then_400_naming_the_ceiling_and_why(sim):
    limit = ceiling(DEFAULT)
    assert limit < CHAT_MODELS[split_profile(DEFAULT)[1]].max_output_tokens  # the time limit, not the model's own
    status, body, _ = chat("hi", params={"max_tokens": limit + 1})
    assert (status, body["error"]["code"]) == (400, "validation_error")
    (detail,) = body["error"]["details"]
    assert detail["field"] == "params.max_tokens"
    assert f"at most {limit}" in detail["message"]
    assert "29 s" in detail["message"]
    assert not sim.recorded("Converse")
    assert chat("hi", params={"max_tokens": limit})[0] == 200
    assert last_converse(sim)["inferenceConfig"]["maxTokens"] == limit


def test_given_no_max_tokens_then_the_default_is_2048_or_the_ceiling_if_lower(sim):
    chat("hi")
    assert last_converse(sim)["inferenceConfig"]["maxTokens"] == min(2048, ceiling(DEFAULT))
    chat("hi", model_id=NOVA)
    assert last_converse(sim)["inferenceConfig"]["maxTokens"] == min(2048, ceiling(NOVA))


def test_given_the_models_route_then_each_chat_model_shows_its_effective_ceiling(sim):
    response = chat_handler.handler(rest_event("GET", "/models"), FakeContext("chat"))
    models = json.loads(response["body"])["chat_models"]
    assert {m["id"]: m["max_tokens_ceiling"] for m in models} == {m["id"]: ceiling(m["id"]) for m in models}


def test_given_a_rag_question_asking_more_than_fits_then_400(corpus, sim):  # noqa: F811
    limit = ceiling(DEFAULT, "rag")
    status, answer = invoke("rag", "/rag/query", {"question": "How large may attachments be?", "params": {"max_tokens": limit + 1}})
    assert (status, answer["error"]["details"][0]["field"]) == (400, "params.max_tokens")
    assert not sim.recorded("Retrieve")
