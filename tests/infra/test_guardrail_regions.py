"""Region- and tier-dependent guardrail features: image content filters by region, the grounding tier.

Image filters: generally available in some regions, preview (no MISCONDUCT) in others, absent elsewhere
(https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-mmfilter.html). Grounding: CloudFormation
cannot set its tier, so a deployed guardrail grounds on CLASSIC (English, French, Spanish).
"""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Annotations, Match

from infra.config import ConfigError
from infra.guardrail_policy import IMAGE_FILTER_GA_REGIONS, IMAGE_FILTER_PREVIEW_REGIONS, grounding_reads
from tests.infra.conftest import ROOT, cdk_context, synth

ALL_TYPES = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")


def _filters(result) -> dict[str, dict]:
    guardrail = next(iter(result.resources("AWS::Bedrock::Guardrail").values()))["Properties"]
    return {f["Type"]: f for f in guardrail["ContentPolicyConfig"]["FiltersConfig"]}


def _warnings(result) -> list[str]:
    return [str(w.entry.data) for w in Annotations.from_stack(result.stack).find_warning("*", Match.any_value())]


def test_given_a_region_where_image_filters_are_generally_available_then_every_category_filters_images_without_warning(dev):
    assert dev.stack.region in IMAGE_FILTER_GA_REGIONS
    assert dev.stack.deployment.image_filter_types == ALL_TYPES
    for kind in ALL_TYPES:
        assert _filters(dev)[kind]["InputModalities"] == ["TEXT", "IMAGE"]
        assert _filters(dev)[kind]["OutputModalities"] == ["TEXT", "IMAGE"]
    assert not [w for w in _warnings(dev) if "image" in w]


def test_given_a_preview_region_then_misconduct_filters_text_only_and_synth_warns(tmp_path):
    result = synth(cdk_context("prod", config=str(ROOT / "docs" / "examples" / "seoul.json"), region="ap-northeast-2"), tmp_path)
    assert "ap-northeast-2" in IMAGE_FILTER_PREVIEW_REGIONS
    filters = _filters(result)
    for kind in ("HATE", "INSULTS", "SEXUAL", "VIOLENCE"):
        assert filters[kind]["InputModalities"] == filters[kind]["OutputModalities"] == ["TEXT", "IMAGE"]
    assert filters["MISCONDUCT"]["InputModalities"] == filters["MISCONDUCT"]["OutputModalities"] == ["TEXT"]
    warnings = _warnings(result)
    assert any("are in preview in ap-northeast-2" in w and "production" in w for w in warnings)
    assert any("MISCONDUCT has no image filter in ap-northeast-2" in w and "text only" in w for w in warnings)


def test_given_a_region_without_image_filters_then_synth_refuses_naming_the_regions_and_the_fix(tmp_path):
    with pytest.raises(ConfigError) as info:
        synth(cdk_context("dev", region="eu-west-3"), tmp_path)
    message = str(info.value)
    assert "guardrail.content_filters: image content filters are not offered in eu-west-3" in message
    assert "generally available in us-east-1, us-west-2, eu-central-1, ap-northeast-1" in message
    assert "ap-northeast-2" in message  # the preview regions are listed too
    assert "Set guardrail.content_filters.HATE.images" in message
    assert "to false, or deploy in a listed region" in message
    assert "guardrails-mmfilter.html" in message


def test_given_a_region_without_image_filters_and_images_off_then_no_image_filter_error(tmp_path):
    context = cdk_context("dev", region="eu-west-3")
    for setting in context["genai:config"]["guardrail"]["content_filters"].values():
        if "images" in setting:
            setting["images"] = False
    with pytest.raises(ConfigError) as info:  # the us. model profiles are still not callable from eu-west-3
        synth(context, tmp_path)
    assert "image content filters" not in str(info.value)


def test_given_grounding_then_synth_warns_that_its_tier_reads_english_french_and_spanish_only(dev):
    (warning,) = [w for w in _warnings(dev) if "grounding" in w]
    assert "CLASSIC tier, which reads English, French, Spanish only" in warning
    assert "CloudFormation" in warning
    assert "Latin script" in warning


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("How large may attachments be?", True),
        ("¿Cuántos días de vacaciones?", True),
        ("Combien de congés ?", True),
        ("재택 근무는 며칠?", False),
        ("What is 재택 근무?", False),
        ("年假有几天", False),
        ("12345", False),
    ],
)
def test_given_a_question_then_the_classic_grounding_tier_reads_it_only_in_latin_script(text, reads):
    assert grounding_reads(text, "CLASSIC") is reads
    assert grounding_reads(text, "STANDARD") is True
