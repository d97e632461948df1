"""Bedrock read timeouts are derived at synth from each API function's timeout and API Gateway's 29 s."""

from __future__ import annotations

import pytest

from infra.config import ConfigError, load_config
from infra.deployment import resolve, runtime_config_document
from infra.timeouts import API_GATEWAY_TIMEOUT_SECONDS, CONNECT_SECONDS
from tests.infra.conftest import cdk_context


def _config(**timeouts: int):
    context = cdk_context("dev")
    context["genai:profiles"]["dev"]["functions"] = {name: {"timeout_seconds": seconds} for name, seconds in timeouts.items()}
    return load_config(context)


def test_given_the_default_timeouts_then_each_function_waits_less_than_api_gateway_allows():
    section = runtime_config_document(resolve(_config(), "us-west-2"))["bedrock_timeouts"]
    assert section["read_seconds"] == {"chat": 24, "rag": 22, "image": 19}
    for read in section["read_seconds"].values():
        assert read + CONNECT_SECONDS + section["answer_reserve_seconds"] < API_GATEWAY_TIMEOUT_SECONDS


def test_given_a_shorter_function_timeout_then_its_read_timeout_follows():
    section = runtime_config_document(resolve(_config(chat=20), "us-west-2"))["bedrock_timeouts"]
    assert section["read_seconds"]["chat"] == 15


def test_given_a_timeout_that_leaves_no_time_for_bedrock_then_synth_names_the_key():
    with pytest.raises(ConfigError, match=r"functions\.image\.timeout_seconds: 10 s leaves under 5 s .* use at least 15"):
        resolve(_config(image=10), "us-west-2")
