"""Streaming configuration: the stream functions' sizing (no 29 s rule) and the guardrail's stream processing mode.

ConverseStream takes guardrailConfig.streamProcessingMode `sync` (default) or `async`
(API_runtime_GuardrailStreamConfiguration.html); "Amazon Bedrock Guardrails doesn't support the masking of sensitive
information with asynchronous mode" (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-streaming.html).
"""

from __future__ import annotations

import pytest

from common.runtime_config import RuntimeConfig
from infra.config import ConfigError, load_config
from infra.deployment import resolve, runtime_config_document
from tests.clock import TODAY
from tests.infra.conftest import cdk_context

ONLY_BLOCK = {"EMAIL": "BLOCK", "PHONE": "NONE", "ADDRESS": "BLOCK"}  # overrides the base's ANONYMIZE entries


def _context(guardrail: dict | None = None, functions: dict | None = None) -> dict:
    context = cdk_context("dev")
    overrides = context["genai:profiles"]["dev"]
    if guardrail is not None:
        overrides["guardrail"] = guardrail
    if functions is not None:
        overrides["functions"] = functions
    return context


def _no_masking_regexes() -> list[dict]:
    regexes = cdk_context("dev")["genai:config"]["guardrail"]["regexes"]
    return [{**r, "action": "BLOCK"} for r in regexes]


def _rendered(context: dict) -> dict:
    return runtime_config_document(resolve(load_config(context), "us-west-2", TODAY))


def test_given_async_while_pii_is_anonymized_then_synth_refuses_it_naming_what_would_not_be_masked():
    context = _context({"stream_processing_mode": "async", "regexes": _no_masking_regexes()})
    with pytest.raises(ConfigError) as info:
        load_config(context)
    message = str(info.value)
    assert "guardrail: stream_processing_mode 'async' cannot be used while the policy anonymizes EMAIL, PHONE, ADDRESS" in message
    assert "guardrails-streaming.html" in message


def test_given_async_while_a_regex_anonymizes_then_synth_refuses_it_naming_the_regex():
    with pytest.raises(ConfigError, match=r"anonymizes regex KR_MOBILE_PHONE_NUMBER, regex KR_BUSINESS_REGISTRATION_NUMBER"):
        load_config(_context({"stream_processing_mode": "async", "pii_entities": ONLY_BLOCK}))


def test_given_async_with_nothing_masked_then_it_deploys_and_the_functions_read_async():
    context = _context({"stream_processing_mode": "async", "pii_entities": ONLY_BLOCK, "regexes": _no_masking_regexes()})
    rendered = _rendered(context)
    assert rendered["guardrail_stream_mode"] == "async"
    assert RuntimeConfig.model_validate(rendered).guardrail_stream_mode == "async"


def test_given_the_defaults_then_the_stream_mode_is_sync_the_safe_one_for_masking():
    config = load_config(cdk_context("dev"))
    assert config.guardrail.stream_processing_mode == "sync"
    assert _rendered(cdk_context("dev"))["guardrail_stream_mode"] == "sync"


def test_given_an_unknown_stream_mode_then_the_error_lists_sync_and_async():
    with pytest.raises(ConfigError, match=r"guardrail\.stream_processing_mode: Input should be 'sync' or 'async'"):
        load_config(_context({"stream_processing_mode": "ASYNCHRONOUS"}))


def test_given_the_defaults_then_each_stream_function_gets_900_s_and_its_features_memory():
    functions = load_config(cdk_context("dev")).functions
    assert (functions.chat_stream.timeout_seconds, functions.chat_stream.memory_mb) == (900, functions.chat.memory_mb)
    assert (functions.rag_stream.timeout_seconds, functions.rag_stream.memory_mb) == (900, functions.rag.memory_mb)


def test_given_a_stream_timeout_over_29_s_then_it_is_allowed_while_chat_keeps_the_api_gateway_limit():
    config = load_config(_context(functions={"chat_stream": {"timeout_seconds": 600}}))
    assert config.functions.chat_stream.timeout_seconds == 600
    with pytest.raises(ConfigError, match=r"functions: chat\.timeout_seconds must be <= 29"):
        load_config(_context(functions={"chat": {"timeout_seconds": 600}}))


@pytest.mark.parametrize("key", ["chat_stream", "rag_stream"])
def test_given_a_stream_timeout_over_lambdas_900_s_then_synth_refuses_it(key):
    with pytest.raises(ConfigError, match=rf"functions\.{key}\.timeout_seconds: Input should be less than or equal to 900"):
        load_config(_context(functions={key: {"timeout_seconds": 901}}))


def test_given_a_stream_timeout_that_leaves_no_time_for_bedrock_then_synth_names_the_key():
    config = load_config(_context(functions={"rag_stream": {"timeout_seconds": 10}}))
    with pytest.raises(ConfigError, match=r"functions\.rag_stream\.timeout_seconds: 10 s leaves under 5 s .* use at least 12"):
        resolve(config, "us-west-2", TODAY)


def test_given_the_stream_functions_then_the_runtime_config_bounds_each_wait_for_a_stream_event_not_the_answer():
    timeouts = _rendered(cdk_context("dev"))["bedrock_timeouts"]
    assert timeouts["stream_read_seconds"] == {"chat_stream": 120, "rag_stream": 120}
    assert timeouts["read_seconds"] == {"chat": 24, "rag": 22, "image": 19}  # the buffered functions are unchanged
    short = _rendered(_context(functions={"rag_stream": {"timeout_seconds": 60}}))["bedrock_timeouts"]
    assert short["stream_read_seconds"]["rag_stream"] == 53  # 60 - 2 connect - 1.5 answer - 3.5 retrieval
    parsed = RuntimeConfig.model_validate(_rendered(cdk_context("dev"))).bedrock_timeouts
    assert parsed.stream_read_seconds == {"chat_stream": 120, "rag_stream": 120}


def test_given_only_the_stream_mode_changes_then_no_new_guardrail_version_is_published():
    """The mode is a field of each ConverseStream call, not of the guardrail: switching it must not replace the version."""
    import aws_cdk as cdk

    from infra.constructs.guardrail import Guardrail

    unmasked = {"pii_entities": ONLY_BLOCK, "regexes": _no_masking_regexes()}
    changes = {
        "sync": unmasked,
        "async": {**unmasked, "stream_processing_mode": "async"},
        "new words": {**unmasked, "denied_words": ["x-internal"]},
    }
    version_ids = {}
    for label, guardrail_config in changes.items():
        stack = cdk.Stack(cdk.App(), "Stack")
        policy = load_config(_context(guardrail_config)).guardrail
        guardrail = Guardrail(stack, "Guardrail", name="g", policy=policy, profile=None)
        version_ids[label] = stack.resolve(guardrail.version.logical_id)
    assert version_ids["sync"] == version_ids["async"]
    assert version_ids["new words"] != version_ids["sync"]  # a policy change still publishes one
