"""Prompt caching through POST /chat/stream (the streaming app in its own process, the local gateway, the offline
Bedrock): each ConverseStream request carries the cache points the buffered route sends, and the usage rows record
the cache reads and writes the stream's final `metadata` event reported, priced at their own rates, as
tests/integration/test_chat_prompt_cache.py checks for POST /chat."""

from __future__ import annotations

from chat import handler as chat_handler
from tests.integration.streams import post_stream, wait_for
from tests.integration.test_chat_prompt_cache import NOVA_LITE, SYSTEM, cost_of, points
from tests.integration.usage_rows import rows, sub_of

POINT = {"cachePoint": {"type": "default"}}
# A prefix of its own: the offline Bedrock's cache lives as long as the session, and the buffered test caches SYSTEM.
STREAM_SYSTEM = "스트리밍으로 답하세요. " + SYSTEM


def _turn(streaming, token: str, body: dict) -> dict:
    got = post_stream(streaming.gateway.url, "chat/stream", token, body)
    assert got.status == 200, got.body
    assert got.of("done") == [{"stored": "complete"}]
    return got.of("start")[0]


def _day_after(sub: str, requests: int) -> dict:
    """The caller's day row once `requests` turns are settled."""
    return wait_for(lambda: rows(sub).get("DAY", {}).get("requests") == requests and rows(sub)["DAY"])


def test_given_a_long_system_prompt_when_three_turns_are_streamed_then_cache_points_are_sent_and_the_reported_cache_tokens_are_metered(
    streaming, sim
):
    model = next(m for m in chat_handler.config.chat_models if m.id == NOVA_LITE)
    assert model.caching is not None
    token = streaming.new_user("stream-cache@example.com")
    sub = sub_of(token)
    long_question = "휴가 규정에서 반차와 연차의 차이를 자세히 설명해 주세요. " * 90  # about 2,900 characters, mostly Hangul

    opening = {"message": long_question, "system_prompt": STREAM_SYSTEM, "model_id": NOVA_LITE}
    conversation = _turn(streaming, token, opening)["conversation_id"]
    sent = sim.recorded("ConverseStream")[-1]
    assert sent["system"][-1] == POINT  # after the system prompt
    first = _day_after(sub, 1)
    assert first["cache_write_tokens"] > 1_000  # the system prompt, written
    assert first.get("cache_read_tokens", 0) == 0

    reads, before = [], first
    for n, question in enumerate(("두 번째 질문입니다.", "세 번째 질문입니다."), start=2):
        _turn(streaming, token, {"message": question, "conversation_id": conversation})
        sent = sim.recorded("ConverseStream")[-1]
        assert sent["system"][-1] == POINT
        assert sent["messages"][-2]["content"][-1] == POINT  # after this turn's window, read by the next turn
        assert points(sent) <= model.caching.max_points
        after = _day_after(sub, n)
        reported = {
            "inputTokens": after["input_tokens"] - before["input_tokens"],
            "outputTokens": after["output_tokens"] - before["output_tokens"],
            "cacheReadInputTokens": after["cache_read_tokens"] - before.get("cache_read_tokens", 0),
            "cacheWriteInputTokens": after["cache_write_tokens"] - before["cache_write_tokens"],
        }
        reads.append(reported["cacheReadInputTokens"])
        # The turn's model cost is the metadata event's usage at the four rates, and the saving what the views show.
        turn_cost = after[f"model#{NOVA_LITE}#cost_micro_usd"] - before[f"model#{NOVA_LITE}#cost_micro_usd"]
        assert turn_cost == cost_of(model.price, reported)
        uncached = {
            "inputTokens": reported["inputTokens"] + reported["cacheReadInputTokens"] + reported["cacheWriteInputTokens"],
            "outputTokens": reported["outputTokens"],
        }
        saved = after["cache_saved_micro_usd"] - before.get("cache_saved_micro_usd", 0)
        assert saved == cost_of(model.price, uncached) - turn_cost
        before = after
    # Turn two reads the system prompt as turn one wrote it; turn three also the first exchange turn two wrote.
    assert reads[0] == first["cache_write_tokens"]
    assert reads[1] > reads[0] > 0
    assert not sim.recorded("Converse")  # every turn went through the stream
