"""Where the chat function puts Converse cache points (common/prompt_cache.py): only where the model takes them, past
its minimum (checkpoint n after n x the minimum), never more than its maximum, and what a turn reserves for them."""

from __future__ import annotations

import pytest

from common.prompt_cache import low_tokens, point, window_full, with_cache_points
from common.runtime_config import CachingSpec, PromptCachingConfig, runtime_config
from common.usage.estimate import converse_max
from common.usage.prices import converse_cost

ON = PromptCachingConfig()
NOVA_LITE = "us.amazon.nova-lite-v1:0"  # minimum 1,000 tokens, 4 points, 5m only
HAIKU_4_5 = "us.anthropic.claude-haiku-4-5-20251001-v1:0"  # minimum 4,096, 5m and 1h
NOVA_2_LITE = "us.amazon.nova-2-lite-v1:0"  # no prompt caching in the catalog
LONG = "The leave policy says each person has twenty days a year. " * 200  # 11,800 characters: 2,950 tokens
SHORT = "Answer briefly."


def spec(model_id: str):
    return next(m for m in runtime_config().chat_models if m.id == model_id)


def request(system: str | None, history_pairs: int, text: str = "a short turn") -> dict:
    messages = []
    for i in range(history_pairs):
        messages += [{"role": "user", "content": [{"text": f"{text} {i}"}]}, {"role": "assistant", "content": [{"text": f"reply {i}"}]}]
    messages.append({"role": "user", "content": [{"guardContent": {"text": {"text": "new", "qualifiers": ["guard_content"]}}}]})
    call = {"modelId": "m", "messages": messages}
    if system is not None:
        call["system"] = [{"text": system}]
    return call


def points_in(call: dict) -> list[tuple[str, int | None]]:
    """Where the cache points are: ("system", None) or ("messages", message index)."""
    found = [("system", None) for b in call.get("system", []) if "cachePoint" in b]
    return found + [("messages", i) for i, m in enumerate(call["messages"]) for b in m["content"] if "cachePoint" in b]


def test_given_the_catalog_then_caching_models_carry_their_rules_and_others_none():
    assert spec(NOVA_LITE).caching == CachingSpec(min_tokens=1_000, max_points=4, ttls=("5m",), fields=("system", "messages"))
    assert spec(HAIKU_4_5).caching.ttls == ("5m", "1h")
    assert spec(NOVA_2_LITE).caching is None


def test_given_text_then_the_token_count_is_four_latin_or_two_hangul_characters_a_token():
    assert low_tokens("a" * 4_000) == 1_000
    assert low_tokens("가" * 2_000) == 1_000
    assert low_tokens("") == 0


def test_given_a_system_prompt_below_the_minimum_then_no_cache_point():
    call = request(SHORT, 0)
    assert with_cache_points(call, spec(NOVA_LITE), ON, window_full=False) == call


def test_given_a_system_prompt_past_the_minimum_then_one_point_after_it_and_the_prompt_unchanged():
    call = request(LONG, 0)
    cached = with_cache_points(call, spec(NOVA_LITE), ON, window_full=False)
    assert cached["system"] == [{"text": LONG}, {"cachePoint": {"type": "default"}}]
    assert points_in(cached) == [("system", None)]
    assert call["system"] == [{"text": LONG}]  # the caller's request is not changed in place


def test_given_a_model_without_prompt_caching_then_never_a_cache_point():
    call = request(LONG, 5, LONG[:4_000])
    assert with_cache_points(call, spec(NOVA_2_LITE), ON, window_full=False) == call


def test_given_caching_turned_off_then_never_a_cache_point():
    call = request(LONG, 5, LONG[:4_000])
    assert with_cache_points(call, spec(NOVA_LITE), PromptCachingConfig(enabled=False), window_full=False) == call


def test_given_a_growing_window_then_points_after_the_system_prompt_the_previous_window_and_this_one():
    call = request(LONG, 3, LONG[:6_000])  # 1,500 tokens a turn: every prefix passes n x 1,000
    cached = with_cache_points(call, spec(NOVA_LITE), ON, window_full=False)
    # messages: u0 a0 u1 a1 u2 a2 new; the previous turn's window ended at a1 (index 3), this one at a2 (index 5)
    assert points_in(cached) == [("system", None), ("messages", 3), ("messages", 5)]
    assert cached["messages"][5]["content"][-1] == point("5m")
    assert cached["messages"][-1] == call["messages"][-1]  # never in the new message


def test_given_a_prefix_short_of_n_times_the_minimum_then_the_nth_point_is_left_out():
    call = request(LONG, 2)  # 2,950 tokens of system prompt, then a few a turn
    cached = with_cache_points(call, spec(NOVA_LITE), ON, window_full=False)
    # the system point needs 1,000, the next 2,000 (passed at message 1), the third 3,000 (not reached by message 3)
    assert points_in(cached) == [("system", None), ("messages", 1)]
    thin = request("x" * 4_400, 2)  # 1,100 tokens: the system point passes, the message points (2,000, 3,000) do not
    assert points_in(with_cache_points(thin, spec(NOVA_LITE), ON, window_full=False)) == [("system", None)]


def test_given_a_model_with_a_maximum_of_two_then_never_more_than_two_points():
    two = spec(NOVA_LITE).model_copy(
        update={"caching": CachingSpec(min_tokens=100, max_points=2, ttls=("5m",), fields=("system", "messages"))}
    )
    cached = with_cache_points(request(LONG, 3, LONG[:6_000]), two, ON, window_full=False)
    assert len(points_in(cached)) == 2


def test_given_a_full_window_then_only_the_system_prompt_is_cached():
    cached = with_cache_points(request(LONG, 3, LONG[:6_000]), spec(NOVA_LITE), ON, window_full=True)
    assert points_in(cached) == [("system", None)]


@pytest.mark.parametrize(("model_id", "ttl_sent"), [(HAIKU_4_5, "1h"), (NOVA_LITE, None)])
def test_given_a_1h_ttl_then_sent_only_to_models_that_offer_it(model_id, ttl_sent):
    huge = LONG * 2  # 5,900 tokens: past Claude Haiku 4.5's 4,096
    cached = with_cache_points(request(huge, 0), spec(model_id), PromptCachingConfig(ttl="1h"), window_full=False)
    assert cached["system"][-1]["cachePoint"].get("ttl") == ttl_sent


def test_given_a_caching_model_then_the_turn_reserves_input_at_the_dearest_write_rate():
    haiku = spec(HAIKU_4_5)
    assert haiku.price.cache_write_1h_per_million > haiku.price.input_per_million
    reserved = converse_max(haiku, 1_000_000, 0).micro_usd
    assert reserved == round(haiku.price.cache_write_1h_per_million * 1_000_000)
    plain = spec(NOVA_2_LITE)
    assert converse_max(plain, 1_000_000, 0).micro_usd == round(plain.price.input_per_million * 1_000_000)


def test_given_a_window_that_will_slide_then_it_counts_as_full():
    memory = runtime_config().memory.model_copy(update={"window_turns": 3, "max_context_chars": 1_000})
    pair = [{"role": "user", "content": "q" * 100}, {"role": "assistant", "content": "a" * 100}]
    assert window_full(pair * 3, "next", memory)  # three turns: the oldest leaves on the next turn
    assert not window_full(pair * 2, "next", memory)  # 400 + 8 + 100 of 1,000
    assert window_full(pair * 2, "m" * 251, memory)  # 400 + 502 + 100: the next turn overflows the budget


def test_given_cache_reads_and_writes_then_each_is_priced_at_its_own_rate_and_the_saving_counted():
    haiku = spec(HAIKU_4_5)
    price = haiku.price
    read = converse_cost(haiku, {"inputTokens": 0, "outputTokens": 0, "cacheReadInputTokens": 1_000_000})
    assert read.micro_usd == round(price.cache_read_per_million * 1_000_000)
    assert read.cache_saved_micro_usd == round((price.input_per_million - price.cache_read_per_million) * 1_000_000)
    hour = {
        "inputTokens": 0,
        "outputTokens": 0,
        "cacheWriteInputTokens": 1_000_000,
        "cacheDetails": [{"ttl": "1h", "inputTokens": 1_000_000}],
    }
    written = converse_cost(haiku, hour)
    assert written.micro_usd == round(price.cache_write_1h_per_million * 1_000_000)
    assert written.cache_saved_micro_usd < 0  # a write costs more than input: a saving only once it is read
    assert converse_cost(haiku, {"inputTokens": 10, "outputTokens": 10}).cache_saved_micro_usd == 0
