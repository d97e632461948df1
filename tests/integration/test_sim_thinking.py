"""The offline Bedrock refuses the thinking, effort and sampling requests each model refuses, and a model
that thinks answers a reasoningContent block before its text (Converse and ConverseStream), as botocore's
bedrock-runtime model shapes them. Real boto3 clients over HTTP; sources in docs/local-bedrock.md."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

HAIKU_45, HAIKU_55 = "us.anthropic.claude-haiku-4-5-20251001-v1:0", "us.anthropic.claude-haiku-5-5"
OPUS_46, OPUS_47, OPUS_55 = "us.anthropic.claude-opus-4-6-v1", "us.anthropic.claude-opus-4-7", "us.anthropic.claude-opus-5-5"
NOVA_1, NOVA_2 = "us.amazon.nova-lite-v1:0", "us.amazon.nova-2-lite-v1:0"
ONCE = Config(retries={"total_max_attempts": 1})
HELLO = [{"role": "user", "content": [{"text": "생각해 보고 답해 주세요"}]}]


@pytest.fixture
def client(sim) -> Any:
    import boto3

    return boto3.client("bedrock-runtime", endpoint_url=sim.endpoint_url, region_name="us-west-2", config=ONCE)


def refused(client: Any, model_id: str, **params: Any) -> str:
    with pytest.raises(ClientError) as info:
        client.converse(modelId=model_id, messages=HELLO, **params)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    return str(info.value.response["Error"]["Message"])


@pytest.mark.parametrize("model_id", [OPUS_47, OPUS_55, HAIKU_55])
def test_given_temperature_on_a_claude_4_7_or_later_then_bedrocks_deprecation_error(client, model_id):
    message = refused(client, model_id, inferenceConfig={"temperature": 0.5})
    assert message == "The model returned the following errors: temperature is deprecated for this model."
    assert "top_p is deprecated" in refused(client, model_id, inferenceConfig={"topP": 0.5})
    assert "top_k is deprecated" in refused(client, model_id, additionalModelRequestFields={"top_k": 5})


def test_given_effort_on_a_model_without_it_then_extra_inputs_are_not_permitted(client):
    message = refused(client, HAIKU_45, additionalModelRequestFields={"output_config": {"effort": "low"}})
    assert message.endswith("output_config.effort: Extra inputs are not permitted")


def test_given_adaptive_thinking_on_a_model_that_only_takes_budgets_then_the_tag_error(client):
    message = refused(client, HAIKU_45, additionalModelRequestFields={"thinking": {"type": "adaptive"}})
    assert "Input tag 'adaptive' found using 'type' does not match any of the expected tags: 'disabled', 'enabled'" in message


@pytest.mark.parametrize(("model_id", "kind"), [(OPUS_47, "disabled"), (OPUS_55, "disabled"), (OPUS_47, "enabled")])
def test_given_thinking_off_or_a_budget_on_an_adaptive_only_model_then_refused(client, model_id, kind):
    thinking = {"type": kind} | ({"budget_tokens": 2048} if kind == "enabled" else {})
    message = refused(client, model_id, additionalModelRequestFields={"thinking": thinking})
    assert f'"thinking.type.{kind}" is not supported for this model. Use "thinking.type.adaptive"' in message


def test_given_an_effort_the_model_does_not_have_then_the_levels_are_named(client):
    message = refused(client, OPUS_46, additionalModelRequestFields={"output_config": {"effort": "xhigh"}})
    assert message.endswith("output_config.effort: Input should be 'low', 'medium', 'high' or 'max'")
    answer = client.converse(modelId=OPUS_47, messages=HELLO, additionalModelRequestFields={"output_config": {"effort": "xhigh"}})
    assert answer["stopReason"] == "end_turn"


def test_given_haiku_5_5_with_thinking_off_then_effort_above_high_is_refused(client):
    off = {"thinking": {"type": "disabled"}}
    assert "requires thinking" in refused(client, HAIKU_55, additionalModelRequestFields={**off, "output_config": {"effort": "max"}})
    answer = client.converse(modelId=HAIKU_55, messages=HELLO, additionalModelRequestFields={**off, "output_config": {"effort": "high"}})
    assert [next(iter(block)) for block in answer["output"]["message"]["content"]] == ["text"]  # thinking off: text only


def test_given_reasoning_config_on_nova_1_or_a_bad_effort_on_nova_2_then_the_config_is_invalid(client):
    enabled = {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "low"}}
    invalid = "Malformed input request: the provided reasoning config value is invalid, please reformat your input and try again."
    assert refused(client, NOVA_1, additionalModelRequestFields=enabled) == invalid
    assert (
        refused(client, NOVA_2, additionalModelRequestFields={"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "max"}})
        == invalid
    )


def test_given_nova_2_at_high_effort_then_max_tokens_must_be_unset(client):
    high = {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "high"}}
    assert "must be unset" in refused(client, NOVA_2, inferenceConfig={"maxTokens": 500}, additionalModelRequestFields=high)
    answer = client.converse(modelId=NOVA_2, messages=HELLO, additionalModelRequestFields=high)
    first, second = answer["output"]["message"]["content"]
    assert first == {"reasoningContent": {"reasoningText": {"text": "[REDACTED]"}}}  # Nova 2 redacts its reasoning
    assert "생각해 보고 답해 주세요" in second["text"]


@pytest.mark.parametrize(
    ("model_id", "fields"),
    [(OPUS_55, {}), (HAIKU_55, {}), (OPUS_46, {"thinking": {"type": "adaptive"}}), (OPUS_47, {"thinking": {"type": "adaptive"}})],
    ids=["opus-5.5-always", "haiku-5.5-by-default", "opus-4.6-adaptive", "opus-4.7-adaptive"],
)
def test_given_a_model_that_thinks_then_a_reasoning_block_comes_before_the_text(client, model_id, fields):
    answer = client.converse(modelId=model_id, messages=HELLO, additionalModelRequestFields=fields)
    reasoning, text = answer["output"]["message"]["content"]
    assert reasoning["reasoningContent"]["reasoningText"]["text"].startswith("[offline reasoning]")
    assert reasoning["reasoningContent"]["reasoningText"]["signature"]
    assert "[offline reasoning]" not in text["text"]
    assert answer["usage"]["outputTokens"] > 0


def test_given_opus_4_7_without_thinking_then_it_answers_text_only(client):
    answer = client.converse(modelId=OPUS_47, messages=HELLO)
    assert [next(iter(block)) for block in answer["output"]["message"]["content"]] == ["text"]


def test_given_a_streamed_answer_with_thinking_then_reasoning_deltas_come_first_in_their_own_block(client):
    events = list(client.converse_stream(modelId=OPUS_55, messages=HELLO)["stream"])
    deltas = [(e["contentBlockDelta"]["contentBlockIndex"], e["contentBlockDelta"]["delta"]) for e in events if "contentBlockDelta" in e]
    assert deltas[0] == (0, {"reasoningContent": {"text": deltas[0][1]["reasoningContent"]["text"]}})
    assert deltas[1][0] == 0
    assert deltas[1][1]["reasoningContent"]["signature"]
    assert {index for index, delta in deltas if "text" in delta} == {1}
    stops = [e["contentBlockStop"]["contentBlockIndex"] for e in events if "contentBlockStop" in e]
    assert stops == [0, 1]
