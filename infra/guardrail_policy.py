"""Guardrail facts: PII entity types, the cross-region guardrail profile of each region, the tier
contextual grounding really runs on, and where image content filters are offered.

The STANDARD tier (the only one that covers Korean) runs through a cross-region guardrail
profile; the caller needs bedrock:ApplyGuardrail on the profile in every destination region.
Source: Bedrock user guide, guardrails-cross-region-support and guardrail-profiles-permissions.
"""

from __future__ import annotations

from dataclasses import dataclass

# Mirrors botocore's bedrock model enum GuardrailPiiEntityType (a unit test keeps them equal).
PII_ENTITY_TYPES = (
    "ADDRESS",
    "AGE",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "CA_HEALTH_NUMBER",
    "CA_SOCIAL_INSURANCE_NUMBER",
    "CREDIT_DEBIT_CARD_CVV",
    "CREDIT_DEBIT_CARD_EXPIRY",
    "CREDIT_DEBIT_CARD_NUMBER",
    "DRIVER_ID",
    "EMAIL",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER",
    "IP_ADDRESS",
    "LICENSE_PLATE",
    "MAC_ADDRESS",
    "NAME",
    "PASSWORD",
    "PHONE",
    "PIN",
    "SWIFT_CODE",
    "UK_NATIONAL_HEALTH_SERVICE_NUMBER",
    "UK_NATIONAL_INSURANCE_NUMBER",
    "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER",
    "URL",
    "USERNAME",
    "US_BANK_ACCOUNT_NUMBER",
    "US_BANK_ROUTING_NUMBER",
    "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER",
    "US_PASSPORT_NUMBER",
    "US_SOCIAL_SECURITY_NUMBER",
    "VEHICLE_IDENTIFICATION_NUMBER",
)

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


# --- contextual grounding: the tier a deployed guardrail really gets ----------------------------
# CloudFormation's ContextualGroundingPolicyConfig has FiltersConfig only (no tier), so a guardrail the
# stack creates grounds on CLASSIC, which reads English, French and Spanish; STANDARD (more languages)
# is settable only through the Bedrock API's GuardrailContextualGroundingTierConfig.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-bedrock-guardrail-contextualgroundingpolicyconfig.html
# https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GuardrailContextualGroundingTierConfig.html
# "Guardrails are ineffective with languages that aren't supported":
# https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-supported-languages.html
GROUNDING_TIER = "CLASSIC"
GROUNDING_LANGUAGES: dict[str, tuple[str, ...] | None] = {"CLASSIC": ("English", "French", "Spanish"), "STANDARD": None}
# What a function can check without a language detector: the Unicode script of the letters.
# English, French and Spanish are written in Latin script; None: any script.
GROUNDING_SCRIPTS: dict[str, tuple[str, ...] | None] = {"CLASSIC": ("LATIN",), "STANDARD": None}


def grounding_reads(text: str, tier: str = GROUNDING_TIER) -> bool:
    """Whether the grounding tier reads `text`: it has letters, all in the tier's scripts (CLASSIC: Latin)."""
    import unicodedata

    scripts = GROUNDING_SCRIPTS[tier]
    letters = [ch for ch in text if ch.isalpha()]
    if scripts is None:
        return True
    return bool(letters) and all(unicodedata.name(ch, "").startswith(scripts) for ch in letters)


def grounding_warning(tier: str = GROUNDING_TIER) -> str:
    languages = ", ".join(GROUNDING_LANGUAGES[tier] or ("every supported language",))
    return (
        f"guardrail.grounding: the contextual grounding check runs on the {tier} tier, which reads {languages} only: "
        "CloudFormation (AWS::Bedrock::Guardrail ContextualGroundingPolicyConfig) has no tier setting, and Bedrock "
        "says guardrails are ineffective with languages they do not support. The rag function therefore asks for grounding "
        "only on questions written in Latin script; other questions (Korean included) are still guarded by every other "
        "policy, but their answers are not grounding-checked. See docs/configuration.md#contextual-grounding."
    )


# --- image content filters: where Bedrock offers them ------------------------------------------
# https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-mmfilter.html
IMAGE_FILTER_DOC = "https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-mmfilter.html"
IMAGE_FILTER_GA_REGIONS = ("us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1")
IMAGE_FILTER_PREVIEW_REGIONS = (
    "us-east-2",
    "ap-south-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "eu-west-1",
    "eu-west-2",
    "us-gov-west-1",
)
IMAGE_FILTER_PREVIEW_TYPES = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE")  # preview: no MISCONDUCT


@dataclass(frozen=True)
class ImageFilterPlan:
    types: tuple[str, ...]  # the content filter types that get the IMAGE modality
    warnings: tuple[str, ...] = ()
    error: str | None = None


def image_filter_plan(region: str, wanted: tuple[str, ...]) -> ImageFilterPlan:
    """The image modalities `region` supports for the content filters that ask for images (`wanted`)."""
    if not wanted or region in IMAGE_FILTER_GA_REGIONS:
        return ImageFilterPlan(wanted)
    if region in IMAGE_FILTER_PREVIEW_REGIONS:
        kept = tuple(t for t in wanted if t in IMAGE_FILTER_PREVIEW_TYPES)
        dropped = tuple(t for t in wanted if t not in IMAGE_FILTER_PREVIEW_TYPES)
        warnings = []
        if kept:
            warnings.append(
                f"guardrail.content_filters: image content filters ({', '.join(kept)}) are in preview in {region}, "
                f"not generally available: do not rely on them in production. Generally available in "
                f"{', '.join(IMAGE_FILTER_GA_REGIONS)}. Source: {IMAGE_FILTER_DOC}"
            )
        if dropped:
            warnings.append(
                f"guardrail.content_filters: {', '.join(dropped)} has no image filter in {region} (the preview covers "
                f"{', '.join(IMAGE_FILTER_PREVIEW_TYPES)}): the guardrail filters {', '.join(dropped)} on text only. "
                f"Source: {IMAGE_FILTER_DOC}"
            )
        return ImageFilterPlan(kept, tuple(warnings))
    keys = ", ".join(f"guardrail.content_filters.{t}.images" for t in wanted)
    return ImageFilterPlan(
        (),
        error=(
            f"image content filters are not offered in {region}: generally available in {', '.join(IMAGE_FILTER_GA_REGIONS)}; "
            f"in preview in {', '.join(IMAGE_FILTER_PREVIEW_REGIONS)}. Set {keys} to false, or deploy in a listed region. "
            f"Source: {IMAGE_FILTER_DOC}"
        ),
    )
