"""Thinking and effort mapped per model (common/params.py, common/reasoning.py) for catalog models outside the
default allow-list, rendered through the same runtime config the functions read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from common.errors import ValidationFailedError
from common.params import InferenceParams, converse_options
from common.runtime_config import ChatModelSpec, RuntimeConfig
from infra.catalog import CHAT_MODELS
from infra.config import load_config
from infra.deployment import resolve, runtime_config_document
from tests.clock import TODAY

ROOT = Path(__file__).resolve().parents[2]
READ_SECONDS = 24


def catalog_specs() -> dict[str, ChatModelSpec]:
    """Every catalog chat model through its us. profile, as a deployment that allowed them all would render it."""
    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    allowed = [f"us.{model_id}" for model_id in CHAT_MODELS]
    context["genai:config"]["models"]["chat"] = {"allowed": allowed, "default": allowed[0]}
    document = runtime_config_document(resolve(load_config(context), "us-west-2", TODAY))
    return {m.id.removeprefix("us."): m for m in RuntimeConfig.model_validate(document).chat_models}


SPECS = catalog_specs()
OPUS_46, OPUS_47 = SPECS["anthropic.claude-opus-4-6-v1"], SPECS["anthropic.claude-opus-4-7"]


def options(model: ChatModelSpec, **params) -> dict:
    return converse_options(InferenceParams(**params), model, READ_SECONDS)


def problems(model: ChatModelSpec, **params) -> dict[str, str]:
    with pytest.raises(ValidationFailedError) as info:
        options(model, **params)
    return {d["field"]: d["message"] for d in info.value.details or []}


def test_given_opus_4_7_then_thinking_off_sends_no_thinking_field_because_disabled_is_a_400():
    assert "additionalModelRequestFields" not in options(OPUS_47, thinking=False)
    assert options(OPUS_47, thinking=True, effort="xhigh")["additionalModelRequestFields"] == {
        "thinking": {"type": "adaptive"},
        "output_config": {"effort": "xhigh"},
    }
    assert options(OPUS_47, effort="low")["additionalModelRequestFields"] == {"output_config": {"effort": "low"}}


def test_given_opus_4_6_then_xhigh_is_not_its_level_and_sampling_waits_until_thinking_is_off():
    assert "must be one of low, medium, high, max" in problems(OPUS_46, effort="xhigh")["params.effort"]
    refused = problems(OPUS_46, thinking=True, temperature=0.3, top_p=0.9)
    assert set(refused) == {"params.temperature", "params.top_p"}
    assert "takes no temperature while it thinks" in refused["params.temperature"]
    assert options(OPUS_46, temperature=0.3)["inferenceConfig"]["temperature"] == 0.3
    assert "additionalModelRequestFields" not in options(OPUS_46)  # it thinks only when asked: nothing to switch off


def test_given_the_listing_then_each_model_shows_its_reasoning_rules():
    assert SPECS["anthropic.claude-haiku-4-5-20251001-v1:0"].reasoning is None
    assert SPECS["anthropic.claude-opus-5-5"].reasoning is not None
    assert SPECS["anthropic.claude-opus-5-5"].reasoning.thinking == "always"
    nova = SPECS["amazon.nova-2-lite-v1:0"].reasoning
    assert nova is not None
    assert nova.efforts == ("low", "medium")
    assert "29 s" in nova.note
