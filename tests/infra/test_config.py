"""Configuration is validated at synth; every error names the key and what is allowed."""

from __future__ import annotations

import json
import re
from datetime import date

import botocore.session
import pytest

from infra.catalog import resolve_chat_model
from infra.config import AppConfig, ConfigError, deep_merge, load_config
from infra.deployment import resolve, runtime_config_document
from infra.guardrail_policy import PII_ENTITY_TYPES
from tests.clock import TODAY
from tests.infra.conftest import cdk_context


def _load(profile: str = "dev", **changes) -> tuple[dict, AppConfig]:
    context = cdk_context(profile)
    base = context["genai:config"]
    for path, value in changes.items():
        node = base
        *parents, leaf = path.split("__")
        for part in parents:
            node = node[part]
        node[leaf] = value
    return context, load_config(context)


def _error(region: str = "us-west-2", **changes) -> str:
    _, config = _load(**changes)
    with pytest.raises(ConfigError) as info:
        resolve(config, region, TODAY)
    return str(info.value)


def test_given_defaults_when_loaded_then_dev_and_prod_resolve():
    for profile in ("dev", "prod"):
        _, config = _load(profile)
        deployment = resolve(config, "us-west-2", TODAY)
        assert deployment.guardrail_profile is not None


def test_given_embedding_dimension_mismatch_then_error_names_key_and_allowed_sizes():
    message = _error(models__embedding={"model_id": "cohere.embed-multilingual-v3", "dimensions": 512})
    assert "models.embedding.dimensions" in message
    assert "1024" in message


def test_given_region_without_guardrail_profile_then_error_names_tier_and_supported_regions():
    message = _error(region="sa-east-1")
    assert "guardrail.tier: STANDARD needs a cross-region guardrail profile" in message
    assert "us-west-2" in message
    # every problem is reported at once, not only the first
    assert "models.chat.allowed[0]" in message
    assert "models.image.allowed[0]" in message


def test_given_unknown_chat_model_then_error_names_the_key_and_known_models():
    message = _error(models__chat={"allowed": ["us.anthropic.claude-9"], "default": "us.anthropic.claude-9"})
    assert "models.chat.allowed[0]" in message
    assert "anthropic.claude-haiku-4-5-20251001-v1:0" in message


def test_given_invalid_filter_strength_then_error_names_the_key_and_strengths():
    context = cdk_context()
    context["genai:config"]["guardrail"]["content_filters"]["HATE"]["input"] = "EXTREME"
    with pytest.raises(ConfigError, match=r"guardrail\.content_filters\.HATE\.input: .*'NONE', 'LOW', 'MEDIUM' or 'HIGH'"):
        load_config(context)


def test_given_default_model_not_allowed_then_error():
    with pytest.raises(ConfigError, match=r"models\.chat: .*must be one of allowed"):
        _load(models__chat={"allowed": ["us.amazon.nova-lite-v1:0"], "default": "us.amazon.nova-pro-v1:0"})


def test_given_end_of_life_image_model_then_error_tells_the_operator():
    message = _error(models__image={"allowed": ["amazon.titan-image-generator-v2:0"], "default": "amazon.titan-image-generator-v2:0"})
    assert "end of life on 2026-06-30" in message
    assert "stability.sd3-5-large-v1:0" in message


def test_given_image_model_not_in_region_then_error_suggests_the_image_region():
    message = _error(region="us-east-1")
    assert "models.image.allowed[0]" in message
    assert "models.image.region" in message


def test_given_profile_prefix_not_callable_from_region_then_error_lists_usable_prefixes():
    with pytest.raises(Exception, match=r"allowed prefixes there: global"):
        resolve_chat_model("apac.anthropic.claude-haiku-4-5-20251001-v1:0", "ap-northeast-2", TODAY)


def test_given_seoul_with_global_and_apac_profiles_then_resolves_with_image_region():
    context = cdk_context()
    override = {
        "region": "ap-northeast-2",
        "models": {
            "chat": {
                "allowed": ["global.anthropic.claude-haiku-4-5-20251001-v1:0", "apac.amazon.nova-lite-v1:0"],
                "default": "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            },
            "rag": "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "image": {"region": "us-west-2"},
        },
    }
    context["genai:config"] = deep_merge(context["genai:config"], override)
    deployment = resolve(load_config(context), "ap-northeast-2", TODAY)
    assert deployment.guardrail_profile is not None
    assert deployment.guardrail_profile.profile_id == "apac.guardrail.v1:0"
    assert deployment.image_region == "us-west-2"
    nova = deployment.chat_models[1]
    assert "ap-northeast-3" in nova.destination_regions


def test_given_unknown_profile_then_error_lists_profiles():
    with pytest.raises(ConfigError, match=r"profile: 'staging' is not defined; allowed: dev, prod"):
        load_config(cdk_context("staging"))


def test_given_unknown_key_then_error_names_it():
    context = cdk_context()
    context["genai:config"]["memory"]["window"] = 3
    with pytest.raises(ConfigError, match=r"memory\.window: Extra inputs are not permitted"):
        load_config(context)


def test_given_api_function_timeout_over_29s_then_error():
    context = cdk_context()
    context["genai:config"]["functions"]["chat"]["timeout_seconds"] = 60
    with pytest.raises(ConfigError, match=r"functions: .*chat.timeout_seconds must be <= 29"):
        load_config(context)


def test_given_config_file_override_then_merged_last(tmp_path):
    override = tmp_path / "team.json"
    override.write_text(json.dumps({"memory": {"window_turns": 4}}), encoding="utf-8")
    context = cdk_context("prod", config=str(override))
    config = load_config(context)
    assert config.memory.window_turns == 4
    assert config.retention.removal_policy == "RETAIN"


def test_given_pii_type_list_then_it_matches_botocores_service_model():
    model = botocore.session.get_session().get_service_model("bedrock")
    assert set(PII_ENTITY_TYPES) == set(model.shape_for("GuardrailPiiEntityType").enum)


def test_given_unknown_pii_type_then_error_lists_allowed_types():
    context = cdk_context()
    context["genai:config"]["guardrail"]["pii_entities"]["KR_RRN"] = "BLOCK"
    with pytest.raises(ConfigError, match=r"unknown PII entity type\(s\) KR_RRN; allowed: ADDRESS"):
        load_config(context)


def test_given_bad_regex_then_error():
    context = cdk_context()
    context["genai:config"]["guardrail"]["regexes"][0]["pattern"] = "([0-9"
    with pytest.raises(ConfigError, match=r"guardrail\.regexes\.0\.pattern: regex does not compile"):
        load_config(context)


def test_given_runtime_config_then_it_carries_ranges_window_and_korean_messages():
    _, config = _load()
    document = runtime_config_document(resolve(config, "us-west-2", TODAY))
    models = {m["id"]: m for m in document["chat_models"]}
    haiku = models["us.anthropic.claude-haiku-4-5-20251001-v1:0"]
    assert haiku["params"]["top_k"] == [1, 500]
    assert haiku["temperature_with_top_p"] is False
    opus = models["us.anthropic.claude-opus-5-5"]
    assert opus["params"] == {"temperature": None, "top_p": None, "top_k": None}
    assert (opus["reasoning"]["thinking"], opus["reasoning"]["default_effort"]) == ("always", "medium")
    nova = models["us.amazon.nova-2-lite-v1:0"]["reasoning"]
    assert (nova["efforts"], nova["efforts_without_thinking"]) == (("low", "medium"), ())
    assert document["memory"]["window_turns"] == 10
    assert re.search("[가-힣]", document["guardrail"]["blocked_input_message"])
    json.dumps(document)  # serializable


@pytest.mark.parametrize(
    ("bad", "says"),
    [(1.5, "less than or equal to 1"), (-0.01, "greater than or equal to 0"), ("0.2", "valid number"), (True, "valid number")],
)
def test_given_a_min_score_outside_0_to_1_then_error_names_the_key_and_the_range(bad, says):
    with pytest.raises(ConfigError, match=rf"knowledge_base\.min_score: Input should be .*{says}"):
        _load(knowledge_base__min_score=bad)


def test_given_a_min_score_then_the_rag_function_reads_it_and_the_default_is_documented():
    _, config = _load(knowledge_base__min_score=0.4)
    assert runtime_config_document(resolve(config, "us-west-2"))["retrieval"] == {"min_score": 0.4}
    context, _ = _load()
    del context["genai:config"]["knowledge_base"]["min_score"]
    assert load_config(context).knowledge_base.min_score == 0.15
    from tests.infra.conftest import ROOT

    assert "| `knowledge_base.min_score` | number 0–1 | `0.15` |" in (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


def test_given_the_documented_seoul_override_then_it_synthesizes_clean(tmp_path):
    from tests.infra.conftest import ROOT, synth

    result = synth(cdk_context("prod", config=str(ROOT / "docs" / "examples" / "seoul.json"), region="ap-northeast-2"), tmp_path)
    assert result.stack.region == "ap-northeast-2"
    guardrail = next(iter(result.resources("AWS::Bedrock::Guardrail").values()))["Properties"]
    assert "apac.guardrail.v1:0" in str(guardrail["CrossRegionConfig"])


NOVA = "amazon.nova-canvas-v1:0"
NOVA_ONLY = {"allowed": [NOVA], "default": NOVA, "region": "us-east-1"}


def test_given_nova_canvas_after_its_end_of_life_then_synth_refuses_naming_date_and_current_models():
    message = _error(models__image=NOVA_ONLY)
    assert "models.image.allowed[0]: 'amazon.nova-canvas-v1:0' (Amazon Nova Canvas) reached end of life on 2026-09-30" in message
    assert "choose one of: stability.sd3-5-large-v1:0, stability.stable-image-core-v1:1, stability.stable-image-ultra-v1:1" in message


def test_given_a_legacy_model_before_its_end_of_life_then_it_deploys_with_a_warning_naming_alternatives():
    _, config = _load(models__image=NOVA_ONLY)
    deployment = resolve(config, "us-west-2", today=date(2026, 8, 1))
    assert [m.model_id for m in deployment.image_models] == [NOVA]
    (warning,) = deployment.warnings
    assert "Legacy Bedrock model (end of life on 2026-09-30)" in warning
    assert "stability.stable-image-core-v1:1" in warning
    entry = runtime_config_document(deployment)["image_models"][0]
    assert (entry["family"], entry["legacy_since"], entry["end_of_life"]) == ("amazon-image", "2026-03-30", "2026-09-30")


def test_given_current_models_then_no_lifecycle_warning_and_no_dates():
    _, config = _load()
    deployment = resolve(config, "us-west-2", TODAY)
    assert deployment.warnings == ()
    assert {(m["legacy_since"], m["end_of_life"]) for m in runtime_config_document(deployment)["image_models"]} == {(None, None)}


@pytest.mark.parametrize(
    ("today", "status"),
    [(date(2026, 1, 1), "LEGACY"), (date(2026, 9, 29), "LEGACY"), (date(2026, 9, 30), "END_OF_LIFE"), (date(2026, 11, 24), "END_OF_LIFE")],
)
def test_given_a_date_then_the_catalog_and_the_function_agree_on_the_lifecycle_status(today, status):
    from common.runtime_config import ImageModelSpec
    from infra.catalog import IMAGE_MODELS

    info = IMAGE_MODELS[NOVA]
    spec = ImageModelSpec(
        id=NOVA,
        name=info.name,
        family=info.family,
        tasks=info.tasks,
        price_per_image=info.price_per_image,
        legacy_since=info.lifecycle.legacy_since,
        end_of_life=info.lifecycle.end_of_life,
    )
    assert info.lifecycle.status(today) == spec.status(today) == status
    assert IMAGE_MODELS["stability.sd3-5-large-v1:0"].lifecycle.status(today) == "ACTIVE"


def test_every_dated_lifecycle_records_its_source():
    from infra.catalog import CHAT_MODELS, IMAGE_MODELS

    lifecycles = {**{k: v.lifecycle for k, v in CHAT_MODELS.items()}, **{k: v.lifecycle for k, v in IMAGE_MODELS.items()}}
    for model_id, lifecycle in lifecycles.items():
        if lifecycle.end_of_life or lifecycle.legacy_since:
            assert lifecycle.source, model_id


def test_given_a_legacy_model_then_the_stack_carries_a_synth_warning(tmp_path):
    import aws_cdk as cdk
    from aws_cdk.assertions import Annotations, Match

    from infra.stack import GenAiStack
    from tests.infra.conftest import TEST_ACCOUNT, TEST_REGION

    context, config = _load(models__image=NOVA_ONLY)
    app = cdk.App(context={**context, "aws:cdk:bundling-stacks": []}, outdir=str(tmp_path))
    deployment = resolve(config, TEST_REGION, today=date(2026, 8, 1))
    stack = GenAiStack(app, "LegacyImages", deployment=deployment, env=cdk.Environment(account=TEST_ACCOUNT, region=TEST_REGION))
    expected = Match.string_like_regexp(".*amazon.nova-canvas-v1:0.*Legacy Bedrock model.*")
    Annotations.from_stack(stack).has_warning("/LegacyImages", expected)


def test_given_the_synth_date_in_context_then_the_app_decides_lifecycles_on_it_not_on_the_system_date():
    import aws_cdk as cdk

    from app import build_app

    context, _ = _load(models__image=NOVA_ONLY)
    stack = build_app(cdk.App(context={**context, "genai:today": "2026-08-01"}))  # Nova Canvas was Legacy then
    (warning,) = stack.deployment.warnings
    assert "Legacy Bedrock model" in warning
    with pytest.raises(ConfigError, match="reached end of life on 2026-09-30"):
        build_app(cdk.App(context={**context, "genai:today": "2026-10-01"}))
    with pytest.raises(ConfigError, match="genai:today: 'soon' is not a date"):
        build_app(cdk.App(context={**context, "genai:today": "soon"}))
