"""The offline Bedrock's prompt caching (local/bedrock_sim/prompt_cache.py): cache points refused where Bedrock refuses
them, prefixes remembered for their TTL, and usage reported as Bedrock reports it (Converse and ConverseStream).
Real boto3 clients over HTTP; sources in docs/local-bedrock.md#prompt-caching. The simulator counts a token per four
characters of Latin text."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

NOVA_LITE, NOVA_2, HAIKU_45 = "us.amazon.nova-lite-v1:0", "us.amazon.nova-2-lite-v1:0", "us.anthropic.claude-haiku-4-5-20251001-v1:0"
POINT = {"cachePoint": {"type": "default"}}
HOUR = {"cachePoint": {"type": "default", "ttl": "1h"}}
ONCE = Config(retries={"total_max_attempts": 1})


@pytest.fixture
def client(sim) -> Any:
    import boto3

    return boto3.client("bedrock-runtime", endpoint_url=sim.endpoint_url, region_name="us-west-2", config=ONCE)


@pytest.fixture
def clock(sim):
    """The simulator's prompt cache on a clock the test moves (seconds); the real clock again afterwards."""
    from local.bedrock_sim.prompt_cache import cache_of

    cache = cache_of(sim)
    now = [1_000_000.0]
    real, cache.clock = cache.clock, lambda: now[0]
    yield now
    cache.clock = real


def text(tokens: int) -> str:
    """A unique Latin text of exactly `tokens` simulator tokens (4 characters each)."""
    head = uuid.uuid4().hex  # 32 characters: no two tests share a prefix
    return (head + "word " * tokens)[: tokens * 4]


def ask(client: Any, model_id: str, system: list[Any], message: str = "hi", **params: Any) -> dict[str, Any]:
    messages = [{"role": "user", "content": [{"text": message}]}]
    return client.converse(modelId=model_id, system=system, messages=messages, **params)["usage"]


def refused(client: Any, model_id: str, code: str = "ValidationException", **params: Any) -> str:
    params.setdefault("messages", [{"role": "user", "content": [{"text": "hi"}]}])
    with pytest.raises(ClientError) as info:
        client.converse(modelId=model_id, **params)
    assert info.value.response["Error"]["Code"] == code
    return str(info.value.response["Error"]["Message"])


def test_given_no_cache_point_then_input_tokens_count_the_system_prompt_and_no_cache_fields(client):
    usage = ask(client, NOVA_LITE, [{"text": text(100)}])
    assert usage["inputTokens"] == 101  # 100 of system prompt, 1 of message
    assert "cacheReadInputTokens" not in usage
    assert "cacheWriteInputTokens" not in usage


def test_given_a_prefix_past_the_minimum_then_written_once_then_read_and_input_tokens_exclude_both(client, clock):
    system = [{"text": text(1_100)}, POINT]  # Nova Lite: minimum 1,000
    first = ask(client, NOVA_LITE, system)
    assert (first["inputTokens"], first["cacheWriteInputTokens"], first["cacheReadInputTokens"]) == (1, 1_100, 0)
    assert first["cacheDetails"] == [{"ttl": "5m", "inputTokens": 1_100}]
    assert first["totalTokens"] == first["inputTokens"] + first["outputTokens"] + 1_100
    second = ask(client, NOVA_LITE, system, "another question")
    assert (second["cacheReadInputTokens"], second["cacheWriteInputTokens"], second["inputTokens"]) == (1_100, 0, 4)
    assert "cacheDetails" not in second


def test_given_a_conversation_stream_then_the_metadata_event_reports_the_cache_like_converse(client, clock):
    system = [{"text": text(1_200)}, POINT]
    ask(client, NOVA_LITE, system)
    stream = client.converse_stream(modelId=NOVA_LITE, system=system, messages=[{"role": "user", "content": [{"text": "hi"}]}])
    usage = next(e["metadata"]["usage"] for e in stream["stream"] if "metadata" in e)
    assert (usage["cacheReadInputTokens"], usage["cacheWriteInputTokens"], usage["inputTokens"]) == (1_200, 0, 1)


def test_given_a_prefix_below_the_minimum_then_the_call_succeeds_and_nothing_is_cached(client, clock):
    system = [{"text": text(900)}, POINT]
    for _ in range(2):
        usage = ask(client, NOVA_LITE, system)
        assert (usage["cacheReadInputTokens"], usage["cacheWriteInputTokens"], usage["inputTokens"]) == (0, 0, 901)


def test_given_a_second_point_short_of_twice_the_minimum_then_only_the_first_counts(client, clock):
    system = [{"text": text(1_100)}, POINT]
    messages = [{"role": "user", "content": [{"text": text(500)}, POINT, {"text": "and?"}]}]
    usage = client.converse(modelId=NOVA_LITE, system=system, messages=messages)["usage"]
    assert (usage["cacheWriteInputTokens"], usage["inputTokens"]) == (1_100, 501)  # the second point at 1,600 < 2,000


def test_given_the_ttl_then_a_prefix_expires_after_five_minutes_unless_a_hit_resets_it(client, clock):
    system = [{"text": text(1_000)}, POINT]
    assert ask(client, NOVA_LITE, system)["cacheWriteInputTokens"] == 1_000
    clock[0] += 240
    assert ask(client, NOVA_LITE, system)["cacheReadInputTokens"] == 1_000  # a hit: the 5 minutes start again
    clock[0] += 240
    assert ask(client, NOVA_LITE, system)["cacheReadInputTokens"] == 1_000
    clock[0] += 301
    assert ask(client, NOVA_LITE, system)["cacheWriteInputTokens"] == 1_000  # expired: written again


def test_given_a_1h_point_on_claude_haiku_4_5_then_the_write_is_reported_under_1h_and_lasts_an_hour(client, clock):
    system = [{"text": text(4_200)}, HOUR]
    assert ask(client, HAIKU_45, system)["cacheDetails"] == [{"ttl": "1h", "inputTokens": 4_200}]
    clock[0] += 3_000
    assert ask(client, HAIKU_45, system)["cacheReadInputTokens"] == 4_200


def test_given_a_cache_point_on_a_model_without_prompt_caching_then_access_denied(client):
    message = refused(client, NOVA_2, "AccessDeniedException", system=[{"text": text(2_000)}, POINT])
    assert message == "You invoked an unsupported model or your request did not allow prompt caching."


def test_given_more_cache_points_than_the_maximum_then_a_validation_error(client):
    content = [block for i in range(5) for block in ({"text": f"part {i}"}, POINT)]
    message = refused(client, HAIKU_45, messages=[{"role": "user", "content": content}])
    assert "A maximum of 4 blocks with cache_control may be provided. Found 5." in message


def test_given_a_cache_point_in_nova_tools_then_a_validation_error(client):
    tools = [{"toolSpec": {"name": "lookup", "inputSchema": {"json": {"type": "object"}}}}, POINT]
    assert "tools" in refused(client, NOVA_LITE, toolConfig={"tools": tools})


def test_given_a_1h_ttl_on_a_model_that_offers_only_5m_then_a_validation_error(client):
    assert "1h" in refused(client, NOVA_LITE, system=[{"text": "rules"}, HOUR])


def test_given_a_1h_point_after_a_5m_point_then_a_validation_error(client):
    messages = [{"role": "user", "content": [{"text": "question"}, HOUR]}]
    assert "ttl='1h'" in refused(client, HAIKU_45, system=[{"text": "rules"}, POINT], messages=messages)


def test_given_a_cache_point_right_after_a_reasoning_block_then_bedrocks_error(client):
    thought = {"reasoningContent": {"reasoningText": {"text": "thinking", "signature": "sig"}}}
    messages = [
        {"role": "user", "content": [{"text": "question"}]},
        {"role": "assistant", "content": [thought, POINT, {"text": "answer"}]},
        {"role": "user", "content": [{"text": "more"}]},
    ]
    assert refused(client, HAIKU_45, messages=messages).startswith("Cache point cannot be inserted after reasoning block.")
