"""The guardrail: STANDARD tier through the region's profile, filters, words, PII, grounding."""

from __future__ import annotations

import re

import pytest

from tests.infra.cfn import render


def _guardrail(synth) -> dict:
    return next(iter(synth.resources("AWS::Bedrock::Guardrail").values()))["Properties"]


def test_given_standard_tier_then_cross_region_profile_of_the_region(dev):
    guardrail = _guardrail(dev)
    assert guardrail["ContentPolicyConfig"]["ContentFiltersTierConfig"] == {"TierName": "STANDARD"}
    assert guardrail["TopicPolicyConfig"]["TopicsTierConfig"] == {"TierName": "STANDARD"}
    assert render(guardrail["CrossRegionConfig"]["GuardrailProfileArn"]) == (
        "arn:aws:bedrock:us-west-2:123456789012:guardrail-profile/us.guardrail.v1:0"
    )


def test_given_content_filters_then_every_category_on_text_and_images_and_prompt_attack_on_input(dev):
    filters = {f["Type"]: f for f in _guardrail(dev)["ContentPolicyConfig"]["FiltersConfig"]}
    assert set(filters) == {"HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT", "PROMPT_ATTACK"}
    for kind in ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"):
        assert filters[kind]["InputModalities"] == ["TEXT", "IMAGE"]
        assert filters[kind]["OutputModalities"] == ["TEXT", "IMAGE"]
    assert filters["HATE"]["InputStrength"] == "HIGH"
    assert filters["PROMPT_ATTACK"]["InputStrength"] == "HIGH"
    assert filters["PROMPT_ATTACK"]["OutputStrength"] == "NONE"


def test_given_word_policy_then_denied_words_and_managed_profanity(dev):
    words = _guardrail(dev)["WordPolicyConfig"]
    assert {w["Text"] for w in words["WordsConfig"]} == set(dev.stack.deployment.config.guardrail.denied_words)
    assert words["ManagedWordListsConfig"] == [{"Type": "PROFANITY"}]


def test_given_pii_policy_then_entities_with_their_actions_and_no_none_entries(dev):
    pii = _guardrail(dev)["SensitiveInformationPolicyConfig"]
    entities = {e["Type"]: e["Action"] for e in pii["PiiEntitiesConfig"]}
    assert entities["CREDIT_DEBIT_CARD_NUMBER"] == "BLOCK"
    assert entities["EMAIL"] == "ANONYMIZE"
    assert "NAME" not in entities  # configured NONE: not sent


KOREAN_SAMPLES = {
    "KR_RESIDENT_REGISTRATION_NUMBER": (
        ["900101-1234567", "9001012234567", "주민번호는 851231-2345678 입니다"],
        ["900101-9234567", "901301-1234567"],
    ),
    "KR_MOBILE_PHONE_NUMBER": (["010-1234-5678", "01012345678", "연락처 011 123 4567"], ["02-123-4567", "020-1234-5678"]),
    "KR_BUSINESS_REGISTRATION_NUMBER": (["123-45-67890", "사업자번호 220-81-62517"], ["1234567890", "123-456-7890"]),
}


@pytest.mark.parametrize("name", sorted(KOREAN_SAMPLES))
def test_given_korean_regexes_then_present_and_matching_sample_values(dev, name):
    regexes = {r["Name"]: r for r in _guardrail(dev)["SensitiveInformationPolicyConfig"]["RegexesConfig"]}
    pattern = re.compile(regexes[name]["Pattern"])
    matches, non_matches = KOREAN_SAMPLES[name]
    for text in matches:
        assert pattern.search(text), (name, text)
    for text in non_matches:
        assert not pattern.search(text), (name, text)


def test_given_grounding_then_both_thresholds(dev):
    filters = {f["Type"]: f["Threshold"] for f in _guardrail(dev)["ContextualGroundingPolicyConfig"]["FiltersConfig"]}
    assert filters == {"GROUNDING": 0.75, "RELEVANCE": 0.5}


def test_given_blocked_messages_then_korean_and_english(dev):
    guardrail = _guardrail(dev)
    for key in ("BlockedInputMessaging", "BlockedOutputsMessaging"):
        assert re.search("[가-힣]", guardrail[key])
        assert re.search("[A-Za-z]{4}", guardrail[key])


def test_given_guardrail_then_a_version_is_published_and_functions_use_it(dev):
    version = next(iter(dev.resources("AWS::Bedrock::GuardrailVersion").items()))
    for key in ("chat", "rag", "image"):
        function = dev.json["Resources"][dev.stack.get_logical_id(dev.stack.functions.functions[key].node.default_child)]
        env = function["Properties"]["Environment"]["Variables"]
        assert env["GUARDRAIL_VERSION"] == {"Fn::GetAtt": [version[0], "Version"]}
        assert "GuardrailId" in str(env["GUARDRAIL_ID"])
