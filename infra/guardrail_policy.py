"""Guardrail facts: PII entity types, and the cross-region guardrail profile of each region.

The STANDARD tier (the only one that covers Korean) runs through a cross-region guardrail
profile; the caller needs bedrock:ApplyGuardrail on the profile in every destination region.
Source: Bedrock user guide, guardrails-cross-region-support and guardrail-profiles-permissions.
"""

from __future__ import annotations

from dataclasses import dataclass

# Mirrors botocore's bedrock model enum GuardrailPiiEntityType (a unit test keeps them equal).
PII_ENTITY_TYPES = (
    "ADDRESS", "AGE", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "CA_HEALTH_NUMBER", "CA_SOCIAL_INSURANCE_NUMBER",
    "CREDIT_DEBIT_CARD_CVV", "CREDIT_DEBIT_CARD_EXPIRY", "CREDIT_DEBIT_CARD_NUMBER", "DRIVER_ID", "EMAIL",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "IP_ADDRESS", "LICENSE_PLATE", "MAC_ADDRESS", "NAME", "PASSWORD",
    "PHONE", "PIN", "SWIFT_CODE", "UK_NATIONAL_HEALTH_SERVICE_NUMBER", "UK_NATIONAL_INSURANCE_NUMBER",
    "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER", "URL", "USERNAME", "US_BANK_ACCOUNT_NUMBER", "US_BANK_ROUTING_NUMBER",
    "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "US_PASSPORT_NUMBER", "US_SOCIAL_SECURITY_NUMBER",
    "VEHICLE_IDENTIFICATION_NUMBER",
)  # fmt: skip

CONTENT_FILTER_TYPES = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")

_US = ("us-east-1", "us-east-2", "us-west-2")
_EU = ("eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3")
_APAC_SOURCES = ("ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2")
_APAC = ("ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2")


@dataclass(frozen=True)
class GuardrailProfile:
    profile_id: str
    destinations: tuple[str, ...]


GUARDRAIL_PROFILES: dict[str, GuardrailProfile] = {
    **{r: GuardrailProfile("us.guardrail.v1:0", _US) for r in _US},
    "us-west-1": GuardrailProfile("us.guardrail.v1:0", (*_US, "us-west-1")),
    **{r: GuardrailProfile("eu.guardrail.v1:0", _EU) for r in _EU},
    "il-central-1": GuardrailProfile("eu.guardrail.v1:0", (*_EU, "il-central-1")),
    "eu-west-2": GuardrailProfile("uk.guardrail.v1:0", ("eu-west-2",)),
    "ca-central-1": GuardrailProfile("ca.guardrail.v1:0", ("ca-central-1", "ca-west-1")),
    **{r: GuardrailProfile("apac.guardrail.v1:0", _APAC) for r in _APAC_SOURCES},
}


class GuardrailRegionError(ValueError):
    """The region has no cross-region guardrail profile (needed by the STANDARD tier)."""


def guardrail_profile(region: str) -> GuardrailProfile:
    profile = GUARDRAIL_PROFILES.get(region)
    if profile is None:
        raise GuardrailRegionError(
            f"STANDARD needs a cross-region guardrail profile, and region {region!r} has none; "
            f"deploy in one of: {', '.join(sorted(GUARDRAIL_PROFILES))}, or set guardrail.tier to CLASSIC "
            "(CLASSIC does not cover Korean)"
        )
    return profile
