"""The model catalog: the current models resolve where their profiles are offered, carry their AWS-card
facts and sources, and the old import path keeps working."""

from __future__ import annotations

from datetime import date

import pytest

from infra.catalog import CHAT_MODELS, CatalogError, chat_model_info, resolve_chat_model

TODAY = date(2026, 11, 24)
NEW = [
    "anthropic.claude-haiku-5-5",
    "anthropic.claude-opus-5-5",
    "anthropic.claude-opus-4-7",
    "anthropic.claude-opus-4-6-v1",
    "amazon.nova-2-lite-v1:0",
]


@pytest.mark.parametrize("base", NEW)
def test_given_a_current_model_then_its_us_and_global_profiles_resolve_in_us_west_2(base):
    us = resolve_chat_model(f"us.{base}", "us-west-2", TODAY)
    assert (us.foundation_model_id, us.profile_prefix) == (base, "us")
    assert us.destination_regions == ("us-east-1", "us-east-2", "us-west-2")
    assert resolve_chat_model(f"global.{base}", "us-west-2", TODAY).profile_prefix == "global"


@pytest.mark.parametrize("base", NEW)
def test_given_seoul_then_only_the_global_profile_is_offered_and_the_error_says_so(base):
    assert resolve_chat_model(f"global.{base}", "ap-northeast-2", TODAY).destination_regions == ("ap-northeast-2",)
    with pytest.raises(CatalogError, match=r"the 'us' profile cannot be called from ap-northeast-2; allowed prefixes there: global"):
        resolve_chat_model(f"us.{base}", "ap-northeast-2", TODAY)
    with pytest.raises(CatalogError, match=rf"no on-demand throughput in ap-northeast-2; use an inference profile: global\.{base}"):
        resolve_chat_model(base, "ap-northeast-2", TODAY)


def test_given_opus_4_6_then_the_eu_profile_both_sources_name_resolves_in_ireland_and_jp_does_not():
    eu = resolve_chat_model("eu.anthropic.claude-opus-4-6-v1", "eu-west-1", TODAY)
    assert "eu-central-1" in eu.destination_regions
    with pytest.raises(CatalogError, match="the 'jp' profile cannot be called from ap-northeast-1"):
        resolve_chat_model("jp.anthropic.claude-opus-4-6-v1", "ap-northeast-1", TODAY)


def test_given_the_model_cards_then_limits_reasoning_and_lifecycle_dates_are_the_cards():
    haiku, opus, opus47, nova = (
        CHAT_MODELS[k]
        for k in ("anthropic.claude-haiku-5-5", "anthropic.claude-opus-5-5", "anthropic.claude-opus-4-7", "amazon.nova-2-lite-v1:0")
    )
    assert haiku.max_output_tokens == opus.max_output_tokens == opus47.max_output_tokens == 128_000
    assert (haiku.lifecycle.launched, haiku.lifecycle.eol_not_before) == ("2026-10-07", "2027-10-07")
    assert (opus.lifecycle.launched, opus.lifecycle.eol_not_before) == ("2026-09-22", "2027-09-22")
    assert haiku.reasoning
    assert haiku.reasoning.efforts_without_thinking == ("low", "medium", "high")
    assert opus.reasoning
    assert (opus.reasoning.thinking, opus.reasoning.default_effort) == ("always", "medium")
    assert opus47.reasoning
    assert opus47.reasoning.thinking_types == ("adaptive",)  # "disabled" is a 400 on Opus 4.7
    assert opus47.temperature is opus47.top_p is opus47.top_k is None  # Claude 4.7+: no sampling parameters
    assert nova.reasoning
    assert (nova.reasoning.efforts, nova.reasoning.model_efforts()) == (("low", "medium"), ("low", "medium", "high"))
    for info in CHAT_MODELS.values():
        assert info.sources, info.model_id  # every fact says where it was read
        assert info.lifecycle.source, info.model_id
        assert info.lifecycle.status(TODAY) == "ACTIVE"


def test_given_the_geographic_price_rule_then_each_claude_price_is_the_global_list_price_plus_ten_percent():
    listed = {
        "anthropic.claude-haiku-5-5": (0.10, 0.50),
        "anthropic.claude-opus-5-5": (4, 20),
        "anthropic.claude-opus-4-7": (5, 25),
        "anthropic.claude-opus-4-6-v1": (5, 25),
        "anthropic.claude-haiku-4-5-20251001-v1:0": (1, 5),
    }
    for model_id, (price_in, price_out) in listed.items():
        info = CHAT_MODELS[model_id]
        assert (info.price_input_per_million, info.price_output_per_million) == pytest.approx((price_in * 1.1, price_out * 1.1))


def test_given_a_profile_id_then_its_facts_are_found_and_an_unknown_one_lists_the_known():
    assert chat_model_info("global.anthropic.claude-haiku-5-5").name == "Claude Haiku 5.5"
    with pytest.raises(CatalogError, match=r"known: .*anthropic\.claude-haiku-5-5"):
        chat_model_info("us.anthropic.claude-sonnet-5-5")  # second-hand only: kept out


def test_given_the_customization_catalog_then_every_base_model_and_teacher_carries_a_sourced_lifecycle_that_agrees():
    """infra/catalog/customizable.json `lifecycle` uses models.json's vocabulary, is read strictly, names its source, and
    gives one set of dates per Bedrock model wherever the model appears (base row, teacher, chat catalog)."""
    from pydantic import ValidationError

    from infra.catalog import customizable, split_profile

    document = customizable.catalog()
    dates: dict[str, tuple[str | None, str | None]] = {}
    status: dict[str, str] = {}
    for row in document["base_models"] + document["distillation"]["teachers"]:
        found = customizable.lifecycle(row)
        assert "https://" in found.source or "[second-hand]" in found.source, row["id"]
        model = split_profile(row["id"])[1] if "students" in row else row["id"].rsplit(":", 1)[0]  # a teacher, or a base row
        assert dates.setdefault(model, (found.legacy_since, found.end_of_life)) == (found.legacy_since, found.end_of_life), model
        status[row["id"]] = found.status(TODAY)
        if model in CHAT_MODELS:
            chat = CHAT_MODELS[model].lifecycle
            assert (chat.legacy_since, chat.end_of_life) == (found.legacy_since, found.end_of_life), model
    assert {k for k, v in status.items() if v == "END_OF_LIFE"} == {
        "anthropic.claude-3-haiku-20240307-v1:0:200k",
        "meta.llama3-2-3b-instruct-v1:0:128k",
        "us.amazon.nova-premier-v1:0",
        "meta.llama3-1-405b-instruct-v1:0",
    }
    assert {k for k, v in status.items() if v == "LEGACY"} == {"meta.llama3-3-70b-instruct-v1:0:128k", "us.meta.llama3-3-70b-instruct-v1:0"}
    with pytest.raises(ValidationError):
        customizable.lifecycle({"lifecycle": {"end_of_lfe": "2026-09-14", "source": "a typo"}})
