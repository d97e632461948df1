"""The streaming routes are metered and budget-checked like the buffered ones: a budget with no room is the API's JSON
429 before any stream starts (nothing paid is called), and a stream that ends early (the client left, or Bedrock
failed part-way) settles what was produced, estimated and flagged so, instead of giving the reservation back.

Each test signs in a user of its own: the streaming apps cache a caller's budget overrides for a minute, as a Lambda
container does (common/usage/budgets.py).
"""

from __future__ import annotations

from datetime import datetime

from tests.integration.streams import get_json, post_stream, wait_for
from tests.integration.test_rag import corpus  # noqa: F401 - the module fixture: the sample corpus, ingested
from tests.integration.usage_rows import budget, rows, sub_of

QUESTION = "재택 근무는 일주일에 며칠까지 가능한가요?"


def _refused(got, sim) -> dict:
    """A 429 as the buffered routes answer it: JSON (no event stream), Retry-After to the reset, nothing paid."""
    assert got.status == 429
    assert not got.events
    assert got.headers["content-type"].startswith("application/json")
    error = got.body["error"]
    assert (error["code"], error["details"]["budget"], error["details"]["limit"]) == ("budget_exceeded", "tokens_per_day", 10)
    assert "토큰 예산" in error["message"]
    assert "daily token budget" in error["message"]
    resets = datetime.fromisoformat(error["details"]["resets_at"])
    assert abs((resets - datetime.now(resets.tzinfo)).total_seconds() - int(got.headers["retry-after"])) < 5
    assert not sim.recorded("ConverseStream")
    assert not sim.recorded("ApplyGuardrail")
    return error


def _settled_as_produced(sub: str, produced: int) -> dict:
    """The day row once the stream's settle is written: one request, the output estimated from the characters
    produced, and what is committed equal to the cost (the reservation's maximum is gone, not kept nor released)."""
    day = wait_for(lambda: rows(sub).get("DAY", {}).get("requests") == 1 and rows(sub)["DAY"])
    assert day["output_tokens"] == produced > 0
    assert day["estimated_micro_usd"] > 0
    assert day["committed_micro_usd"] == day["cost_micro_usd"] > 0
    assert day["committed_tokens"] == day["input_tokens"] + day["output_tokens"]
    return day


def test_given_a_user_over_budget_then_chat_stream_answers_a_json_429_before_any_stream(streaming, sim):
    token = streaming.new_user("stream-spent@example.com")
    budget(sub_of(token), tokens_per_day=10)
    _refused(post_stream(streaming.gateway.url, "chat/stream", token, {"message": "안녕하세요"}), sim)


def test_given_a_user_over_budget_then_rag_stream_answers_a_json_429_before_retrieval(streaming, sim):
    token = streaming.new_user("rag-spent@example.com")
    budget(sub_of(token), tokens_per_day=10)
    _refused(post_stream(streaming.gateway.url, "rag/query/stream", token, {"question": QUESTION}), sim)
    assert not sim.recorded("Retrieve")


def test_given_a_client_that_leaves_a_chat_stream_then_what_was_produced_is_settled(streaming, sim):
    token = streaming.new_user("stream-leaves@example.com")
    sim.token_ms, sim.reply_tokens = 3, 3000
    got = post_stream(
        streaming.gateway.url,
        "chat/stream",
        token,
        {"message": "길게 답해 주세요"},
        hang_up=lambda received: len(received.of("delta")) >= 5,
    )
    conversation = got.of("start")[0]["conversation_id"]
    stored = wait_for(lambda: get_json(streaming.gateway.url, f"conversations/{conversation}", token)[1].get("messages"))
    assert stored[1]["interrupted"] is True
    _settled_as_produced(sub_of(token), len(stored[1]["content"]))


def test_given_a_model_error_mid_chat_stream_then_the_text_produced_before_it_is_charged(streaming, sim):
    token = streaming.new_user("stream-fails@example.com")
    sim.inject("modelStreamErrorException", after_chunks=2)
    got = post_stream(streaming.gateway.url, "chat/stream", token, {"message": "둘째 질문"})
    assert got.kinds() == ["start", "delta", "delta", "error"]
    _settled_as_produced(sub_of(token), len(got.text()))


def test_given_a_model_error_mid_rag_stream_then_the_text_produced_before_it_is_charged(streaming, corpus, sim):  # noqa: F811
    token = streaming.new_user("rag-fails@example.com")
    sim.inject("modelStreamErrorException", after_chunks=1)
    got = post_stream(streaming.gateway.url, "rag/query/stream", token, {"question": QUESTION})
    assert got.kinds() == ["start", "delta", "error"]
    day = _settled_as_produced(sub_of(token), len(got.text()))
    assert day["model#amazon.titan-embed-text-v2:0#input_tokens"] == len(QUESTION)  # the query embedding, estimated


def test_given_a_client_that_leaves_a_rag_stream_then_what_was_produced_is_settled(streaming, corpus, sim):  # noqa: F811
    token = streaming.new_user("rag-leaves@example.com")
    sim.token_ms, sim.reply_tokens = 3, 2000
    shown: list[str] = []

    def leave(received) -> bool:
        shown[:] = [received.text()]
        return len(received.of("delta")) >= 3

    post_stream(streaming.gateway.url, "rag/query/stream", token, {"question": QUESTION}, hang_up=leave)
    day = wait_for(lambda: rows(sub_of(token)).get("DAY", {}).get("requests") == 1 and rows(sub_of(token))["DAY"])
    assert day["output_tokens"] >= len(shown[0]) > 0  # at least what the client saw (the app wrote on until it noticed)
    assert day["estimated_micro_usd"] > 0
    assert day["committed_micro_usd"] == day["cost_micro_usd"]
    assert day["committed_tokens"] == day["input_tokens"] + day["output_tokens"]
