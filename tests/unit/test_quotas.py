"""The quotas that bind first (docs/scaling.md), as data the doctor can match against Service Quotas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.catalog import ResolvedModel
from infra.config import load_config
from infra.deployment import resolve
from infra.quotas import ACCOUNT_QUOTAS, model_quota_patterns, model_quotas
from tests.clock import TODAY

ROOT = Path(__file__).resolve().parents[2]
HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0"


def _deployment():
    config = load_config(json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"])
    return resolve(config, "us-west-2", TODAY)


@pytest.mark.parametrize(
    "listed",
    [
        "Cross-region model inference tokens per minute for Anthropic Claude Haiku 4.5",  # as accounts list it
        "Cross-Region InvokeModel tokens per minute for Anthropic Claude Haiku 4.5",  # as the docs' template reads
    ],
)
def test_given_a_geographic_profile_then_its_cross_region_quota_matches_in_either_wording(listed):
    patterns = model_quota_patterns(ResolvedModel(f"us.{HAIKU}", HAIKU, "us"))
    assert patterns["tokens"].match(listed)
    assert not patterns["requests"].match(listed)


@pytest.mark.parametrize(
    "decoy",
    [
        "Global cross-region model inference tokens per minute for Anthropic Claude Haiku 4.5",  # another profile's quota
        "On-demand model inference tokens per minute for Anthropic Claude Haiku 4.5",  # in-region calls
        "Cross-region model inference tokens per minute for Anthropic Claude Haiku 4.5 1M Context Length",
        "Cross-region model inference tokens per minute for Anthropic Claude 3.5 Haiku",
    ],
)
def test_given_a_geographic_profile_then_other_quotas_of_the_same_model_do_not_match(decoy):
    assert not model_quota_patterns(ResolvedModel(f"us.{HAIKU}", HAIKU, "us"))["tokens"].match(decoy)


def test_given_a_global_profile_or_a_bare_id_then_the_matching_family_is_chosen():
    glob = model_quota_patterns(ResolvedModel(f"global.{HAIKU}", HAIKU, "global"))["requests"]
    assert glob.match("Global cross-region model inference requests per minute for Anthropic Claude Haiku 4.5")
    nova = model_quota_patterns(ResolvedModel("amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0", None))["tokens"]
    assert nova.match("On-demand model inference tokens per minute for Amazon Nova Lite")


def test_given_the_default_configuration_then_each_text_model_has_tokens_and_requests_patterns():
    quotas = model_quotas(_deployment())
    assert set(quotas) == {m.requested_id for m in _deployment().text_models}
    assert all(set(p) == {"tokens", "requests"} for p in quotas.values())


def test_given_the_account_quotas_then_each_names_its_service_and_aws_source_and_matches_with_or_without_prefix():
    for quota in ACCOUNT_QUOTAS:
        assert quota.service_code in {"lambda", "apigateway", "bedrock"}
        assert quota.source.startswith("https://docs.aws.amazon.com/")
    retrieve = next(q for q in ACCOUNT_QUOTAS if q.name == "Retrieve requests per second")
    assert retrieve.matches("(Knowledge Bases) Retrieve requests per second")
    assert not retrieve.matches("RetrieveAndGenerate requests per second")


def test_given_docs_scaling_then_it_names_every_binding_quota():
    text = (ROOT / "docs" / "scaling.md").read_text(encoding="utf-8")
    for quota in ACCOUNT_QUOTAS:
        assert quota.name in text, quota.name
