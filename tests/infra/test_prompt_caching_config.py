"""Config `prompt_caching` is validated at synth, and the runtime config carries it and each model's caching rules."""

from __future__ import annotations

import pytest

from infra.catalog import CHAT_MODELS
from infra.catalog.prompt_caching import PROMPT_CACHING
from infra.config import ConfigError, load_config
from infra.deployment import resolve, runtime_config_document
from tests.clock import TODAY
from tests.infra.conftest import cdk_context


def test_given_defaults_then_caching_is_on_at_5m_and_each_chat_model_says_whether_it_takes_cache_points():
    document = runtime_config_document(resolve(load_config(cdk_context("dev")), "us-west-2", TODAY))
    assert document["prompt_caching"] == {"enabled": True, "ttl": "5m"}
    models = {m["id"]: m for m in document["chat_models"]}
    assert models["us.amazon.nova-lite-v1:0"]["caching"] == {
        "min_tokens": 1_000,
        "max_points": 4,
        "ttls": ["5m"],
        "fields": ["system", "messages"],
    }
    assert models["us.anthropic.claude-haiku-4-5-20251001-v1:0"]["caching"]["ttls"] == ["5m", "1h"]
    assert models["us.amazon.nova-2-lite-v1:0"]["caching"] is None


def test_given_the_catalog_then_every_caching_entry_is_a_chat_model_with_a_source_and_at_most_4_points():
    for model_id, facts in PROMPT_CACHING.items():
        assert model_id in CHAT_MODELS
        assert facts.source
        assert 1 <= facts.max_points <= 4
        assert facts.ttls[0] == "5m"


@pytest.mark.parametrize(("value", "message"), [({"ttl": "2h"}, "prompt_caching.ttl"), ({"cache": True}, "prompt_caching.cache")])
def test_given_a_bad_prompt_caching_value_then_a_config_error_naming_it(value, message):
    context = cdk_context("dev")
    context["genai:config"]["prompt_caching"] = value
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load_config(context)
