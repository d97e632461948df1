"""The doctor's readings: quota names matched loosely, and model availability translated into what to do."""

from __future__ import annotations

import pytest

from infra.catalog import Lifecycle
from infra.doctor.checks.access import verdict
from infra.doctor.checks.models import Configured
from infra.doctor.quotas import model_key, quotas_for


def _quota(name: str, value: float = 1000.0) -> dict:
    return {"QuotaName": name, "QuotaCode": "L-12345678", "Value": value, "Adjustable": True}


QUOTAS = [
    _quota("Cross-region model inference tokens per minute for Anthropic Claude Sonnet 4.5 V1", 1),
    _quota("Cross-Region model inference requests per minute for Anthropic Claude Sonnet 4.5 V1", 2),
    _quota("Cross-region model inference tokens per minute for Anthropic Claude Sonnet 4.5 V1 1M Context Length", 3),
    _quota("Cross-region model inference tokens per minute for Anthropic Claude Sonnet 4 V1", 4),
    _quota("Global cross-region model inference tokens per minute for Anthropic Claude Sonnet 4.5", 5),
    _quota("On-demand InvokeModel tokens per minute for Amazon Nova Lite", 6),  # the user guide's template wording
    _quota("Cross-Region InvokeModel requests per minute for Amazon Nova Lite", 7),
    _quota("Model invocation max tokens per day for Amazon Nova Lite", 8),
]


@pytest.mark.parametrize(
    ("name", "prefix", "values"),
    [
        ("Claude Sonnet 4.5", "us", [1.0, 2.0]),  # not the 1M-context variant, not Sonnet 4
        ("Claude Sonnet 4.5", "global", [5.0]),
        ("Claude Sonnet 4.5", None, []),
        ("Amazon Nova Lite", None, [6.0]),
        ("Amazon Nova Lite", "us", [7.0]),
        ("Claude Sonnet 4", "eu", [4.0]),
    ],
)
def test_given_quota_names_in_either_wording_when_matched_then_only_the_models_own_per_minute_quotas(name, prefix, values):
    assert [q.value for q in quotas_for(name, prefix, QUOTAS)] == values


def test_given_display_names_then_provider_and_version_suffix_are_ignored():
    assert model_key("Anthropic Claude 3.5 Sonnet V2") == model_key("Claude 3.5 Sonnet v2") == "claude 3.5 sonnet"


MODEL = Configured("us.anthropic.x-v1:0", "anthropic.x-v1:0", "X", "anthropic", "us-west-2", "us", ("us-east-1",), Lifecycle())
NOVA = Configured("us.amazon.y-v1:0", "amazon.y-v1:0", "Y", "nova", "us-west-2", "us", ("us-east-1",), Lifecycle())


def _answer(agreement: str = "AVAILABLE", entitlement: str = "AVAILABLE", authorization: str = "AUTHORIZED", region: str = "AVAILABLE"):
    return {
        "modelId": "x",
        "agreementAvailability": {"status": agreement},
        "entitlementAvailability": entitlement,
        "authorizationStatus": authorization,
        "regionAvailability": region,
    }


@pytest.mark.parametrize(
    ("model", "answer", "status", "words"),
    [
        (MODEL, _answer(), "ok", "ready"),
        (MODEL, _answer(agreement="NOT_AVAILABLE", entitlement="NOT_AVAILABLE"), "fail", "not subscribed yet"),
        (MODEL, _answer(entitlement="NOT_AVAILABLE"), "fail", "not subscribed yet"),
        (MODEL, _answer(agreement="PENDING"), "warn", "in progress"),
        (MODEL, _answer(agreement="ERROR"), "fail", "subscription failed"),
        (MODEL, _answer(authorization="NOT_AUTHORIZED"), "fail", "IAM policy or an Organizations SCP"),
        (MODEL, _answer(region="NOT_AVAILABLE"), "fail", "not offered in us-west-2"),
        (NOVA, _answer(agreement="NOT_AVAILABLE"), "ok", "ready"),  # Amazon's models need no Marketplace agreement
        (NOVA, _answer(entitlement="NOT_AVAILABLE"), "fail", "not entitled"),
    ],
)
def test_given_an_availability_answer_then_the_verdict_says_what_to_do(model, answer, status, words):
    check = verdict(model, answer)
    assert (check.status, words in check.detail) == (status, True), check
    if status == "fail":
        assert check.fix
        assert check.fix_ko
