"""Prompt caching through the chat function against the offline Bedrock: the turn sends cache points where the model
takes them, the second turn reads the system prompt from the cache, and metering prices reads and writes at their own
rates (lower than the same tokens at the input rate)."""

from __future__ import annotations

import json
import math
from decimal import Decimal

from chat import handler as chat_handler
from tests.events import FakeContext, rest_event
from tests.integration.usage_rows import rows

CONFIG = chat_handler.config
NOVA_LITE = "us.amazon.nova-lite-v1:0"  # minimum 1,000 tokens a checkpoint; reads at 0.25x
NOVA_2 = "us.amazon.nova-2-lite-v1:0"  # no prompt caching
# About 3,900 characters, three in four Hangul: about 1,700 tokens by the function's count, past Nova's 1,000.
SYSTEM = ("우리 회사 휴가 규정을 따라 답하세요: 모든 직원은 해마다 연차를 스무 날 쓸 수 있습니다. " * 80)[:3_900]


def chat(body: dict, sub: str) -> dict:
    response = chat_handler.handler(rest_event("POST", "/chat", body=body, sub=sub), FakeContext("chat"))
    assert response["statusCode"] == 200, response["body"]
    return json.loads(response["body"])


def points(params: dict) -> int:
    blocks = list(params.get("system", [])) + [b for m in params["messages"] for b in m["content"]]
    return sum(1 for b in blocks if "cachePoint" in b)


def cost_of(price, usage: dict) -> int:
    """The turn's model cost from Bedrock's usage at the model's four rates (what metering must charge)."""
    amount = Decimal(usage["inputTokens"]) * Decimal(str(price.input_per_million))
    amount += Decimal(usage["outputTokens"]) * Decimal(str(price.output_per_million))
    amount += Decimal(usage.get("cacheReadInputTokens", 0)) * Decimal(str(price.cache_read_per_million))
    amount += Decimal(usage.get("cacheWriteInputTokens", 0)) * Decimal(str(price.cache_write_per_million))
    return math.ceil(amount)


def test_given_a_long_system_prompt_on_a_caching_model_then_turn_two_reads_it_from_the_cache_at_the_lower_price(sim):
    model = next(m for m in CONFIG.chat_models if m.id == NOVA_LITE)
    assert model.caching is not None
    first = chat({"message": "연차는 며칠인가요?", "system_prompt": SYSTEM, "model_id": NOVA_LITE}, "cache-chat")
    sent = sim.recorded("Converse")[-1]
    assert sent["system"][-1] == {"cachePoint": {"type": "default"}}
    before = rows("cache-chat")["DAY"]
    assert before["cache_write_tokens"] > 1_000
    assert before.get("cache_read_tokens", 0) == 0

    chat({"message": "반차도 되나요?", "conversation_id": first["conversation_id"]}, "cache-chat")
    sent = sim.recorded("Converse")[-1]
    assert sent["system"][-1] == {"cachePoint": {"type": "default"}}
    assert points(sent) <= model.caching.max_points
    after = rows("cache-chat")["DAY"]
    read = after["cache_read_tokens"]
    assert read == before["cache_write_tokens"]  # the whole system prompt, as written on turn one
    # What the offline Bedrock reported for turn two, from the counters' difference: priced at the cache rates.
    usage = {
        "inputTokens": after["input_tokens"] - before["input_tokens"],
        "outputTokens": after["output_tokens"] - before["output_tokens"],
        "cacheReadInputTokens": read,
        "cacheWriteInputTokens": after["cache_write_tokens"] - before["cache_write_tokens"],
    }
    turn_two = after[f"model#{NOVA_LITE}#cost_micro_usd"] - before[f"model#{NOVA_LITE}#cost_micro_usd"]
    assert turn_two == cost_of(model.price, usage)
    uncached = {"inputTokens": usage["inputTokens"] + read + usage["cacheWriteInputTokens"], "outputTokens": usage["outputTokens"]}
    assert turn_two < cost_of(model.price, uncached)  # reads at 0.25x the input rate
    saved = after["cache_saved_micro_usd"] - before.get("cache_saved_micro_usd", 0)
    assert saved == cost_of(model.price, uncached) - turn_two  # what GET /usage and the usage views show as the saving


def test_given_a_model_without_prompt_caching_then_the_turn_sends_no_cache_point(sim):
    chat({"message": "연차는 며칠인가요?", "system_prompt": SYSTEM, "model_id": NOVA_2}, "cache-none")
    assert points(sim.recorded("Converse")[-1]) == 0
    assert rows("cache-none")["DAY"].get("cache_write_tokens", 0) == 0


def test_given_a_growing_window_then_turn_three_reads_what_turn_two_wrote_after_its_window(sim):
    long_question = "휴가 규정에서 반차와 연차의 차이를 자세히 설명해 주세요. " * 90  # about 2,900 characters, mostly Hangul
    first = chat({"message": long_question, "system_prompt": SYSTEM, "model_id": NOVA_LITE}, "cache-window")
    conversation = first["conversation_id"]
    reads = []
    for question in ("두 번째 질문입니다.", "세 번째 질문입니다."):
        before = rows("cache-window")["DAY"].get("cache_read_tokens", 0)
        chat({"message": question, "conversation_id": conversation}, "cache-window")
        reads.append(rows("cache-window")["DAY"]["cache_read_tokens"] - before)
        sent = sim.recorded("Converse")[-1]
        assert sent["messages"][-2]["content"][-1] == {"cachePoint": {"type": "default"}}  # after this turn's window
    # Turn two reads the system prompt; turn three also the first turn's exchange, written by turn two after its window.
    assert reads[1] > reads[0] > 0
