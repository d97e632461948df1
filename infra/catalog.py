"""Facts about the Bedrock models this product knows, and how a model id resolves in a region.

The catalog is product knowledge (families, parameter ranges, limits, prices, where each model
is served); configuration only chooses from it. Facts were checked in 2026-11 against the Bedrock
user guide (model cards, inference-profiles-support, guardrails-cross-region-support), partly
through copies of those pages: confirm before relying on them the Sonnet 4.6 profiles, the
Stability models being served only in us-west-2, the Amazon image models' lifecycle dates (each
model's `Lifecycle.source` says where its dates come from) and the prices (on-demand USD per 1M
tokens, or per image, for the US geography).

Lifecycle policy (Bedrock's states: Active, Legacy, End-of-Life): a model past its end-of-life
date is refused at synth with the models to use instead; a Legacy model (legacy date reached, or
an end-of-life date announced) still deploys, with a synth warning naming current alternatives,
and `GET /models` reports its status and dates.

Output speed (`output_tokens_per_second`): AWS publishes no output speed for any Bedrock model, so
each figure is a conservative assumption of this product (a floor, well under speeds commonly
reported for on-demand use), not a fact. It only sizes the `max_tokens` ceiling: what a model can
write within the function's Bedrock read timeout (infra/timeouts.py). Raise a figure only after
measuring the model in your own account and region.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Family = Literal["anthropic", "nova", "stability", "amazon-image", "titan-embed", "cohere-embed"]
Status = Literal["ACTIVE", "LEGACY", "END_OF_LIFE"]

# Geographic cross-region profiles: prefix -> {source region -> destination regions}.
_US = ("us-east-1", "us-east-2", "us-west-2")
_EU6 = ("eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3")
_EU4 = ("eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3")
_JP = ("ap-northeast-1", "ap-northeast-3")
_AU = ("ap-southeast-2", "ap-southeast-4")
_APAC = ("ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2")

# Commercial regions that may call a `global.` profile (the service decides where it runs).
GLOBAL_SOURCES = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
)  # fmt: skip


def _same(regions: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """A profile whose every source region routes to the same set of destinations."""
    return {region: regions for region in regions}


def _claude_profiles() -> dict[str, dict[str, tuple[str, ...]]]:
    return {
        "us": _same(_US) | {"us-west-1": (*_US, "us-west-1")},
        "eu": _same(_EU6) | {"eu-central-2": (*_EU6, "eu-central-2"), "eu-west-2": (*_EU6, "eu-west-2")},
        "jp": _same(_JP),
        "au": _same(_AU),
    }


def _nova_profiles() -> dict[str, dict[str, tuple[str, ...]]]:
    return {
        "us": _same(_US) | {"us-west-1": (*_US, "us-west-1")},
        "eu": _same(_EU4) | {"eu-south-1": (*_EU4, "eu-south-1"), "eu-south-2": (*_EU4, "eu-south-2")},
        "apac": {region: _APAC for region in ("ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2")},
    }  # fmt: skip


@dataclass(frozen=True)
class Lifecycle:
    """Bedrock lifecycle dates (ISO) and where they were read."""

    legacy_since: str | None = None
    end_of_life: str | None = None
    source: str = ""

    def status(self, today: date) -> Status:
        if self.end_of_life and today >= date.fromisoformat(self.end_of_life):
            return "END_OF_LIFE"
        if self.end_of_life or (self.legacy_since and today >= date.fromisoformat(self.legacy_since)):
            return "LEGACY"
        return "ACTIVE"


ACTIVE = Lifecycle()


@dataclass(frozen=True)
class Range:
    low: float
    high: float


@dataclass(frozen=True)
class ChatModelInfo:
    model_id: str
    name: str
    family: Family
    max_output_tokens: int
    temperature: Range | None
    top_p: Range | None
    top_k: Range | None
    temperature_with_top_p: bool
    max_stop_sequences: int
    price_input_per_million: float
    price_output_per_million: float
    in_region: tuple[str, ...]
    profiles: dict[str, dict[str, tuple[str, ...]]]
    global_profile: bool
    output_tokens_per_second: float  # a conservative assumption, see the module note: AWS publishes no speed
    lifecycle: Lifecycle = ACTIVE


@dataclass(frozen=True)
class ImageModelInfo:
    model_id: str
    name: str
    family: Family
    price_per_image: float
    in_region: tuple[str, ...]
    tasks: tuple[str, ...]
    lifecycle: Lifecycle = ACTIVE


@dataclass(frozen=True)
class EmbeddingModelInfo:
    model_id: str
    name: str
    family: Family
    dimensions: tuple[int, ...]
    price_input_per_million: float
    notes: str = ""


_UNIT = Range(0.0, 1.0)

CHAT_MODELS: dict[str, ChatModelInfo] = {
    m.model_id: m
    for m in (
        ChatModelInfo(
            model_id="anthropic.claude-haiku-4-5-20251001-v1:0",
            name="Claude Haiku 4.5",
            family="anthropic",
            max_output_tokens=64_000,
            temperature=_UNIT,
            top_p=_UNIT,
            top_k=Range(1, 500),
            temperature_with_top_p=False,
            max_stop_sequences=4,
            price_input_per_million=1.10,
            price_output_per_million=5.50,
            in_region=(),
            profiles=_claude_profiles(),
            global_profile=True,
            output_tokens_per_second=60,
        ),
        ChatModelInfo(
            model_id="anthropic.claude-sonnet-4-5-20250929-v1:0",
            name="Claude Sonnet 4.5",
            family="anthropic",
            max_output_tokens=64_000,
            temperature=_UNIT,
            top_p=_UNIT,
            top_k=Range(1, 500),
            temperature_with_top_p=False,
            max_stop_sequences=4,
            price_input_per_million=3.30,
            price_output_per_million=16.50,
            in_region=(),
            profiles=_claude_profiles(),
            global_profile=True,
            output_tokens_per_second=30,
        ),
        ChatModelInfo(
            model_id="anthropic.claude-sonnet-4-6",
            name="Claude Sonnet 4.6",
            family="anthropic",
            max_output_tokens=64_000,
            temperature=_UNIT,
            top_p=_UNIT,
            top_k=Range(1, 500),
            temperature_with_top_p=False,
            max_stop_sequences=4,
            price_input_per_million=3.30,
            price_output_per_million=16.50,
            in_region=(),
            profiles={"us": _same(_US), "eu": _same(_EU6), "jp": _same(_JP)},
            global_profile=True,
            output_tokens_per_second=30,
        ),
        ChatModelInfo(
            model_id="amazon.nova-lite-v1:0",
            name="Amazon Nova Lite",
            family="nova",
            max_output_tokens=5_000,
            temperature=_UNIT,
            top_p=_UNIT,
            top_k=Range(1, 128),
            temperature_with_top_p=True,
            max_stop_sequences=4,
            price_input_per_million=0.06,
            price_output_per_million=0.24,
            in_region=("us-east-1",),
            profiles=_nova_profiles(),
            global_profile=False,
            output_tokens_per_second=100,
        ),
        ChatModelInfo(
            model_id="amazon.nova-pro-v1:0",
            name="Amazon Nova Pro",
            family="nova",
            max_output_tokens=5_000,
            temperature=_UNIT,
            top_p=_UNIT,
            top_k=Range(1, 128),
            temperature_with_top_p=True,
            max_stop_sequences=4,
            price_input_per_million=0.80,
            price_output_per_million=3.20,
            in_region=("us-east-1",),
            profiles=_nova_profiles(),
            global_profile=False,
            output_tokens_per_second=60,
        ),
    )
}

IMAGE_MODELS: dict[str, ImageModelInfo] = {
    m.model_id: m
    for m in (
        ImageModelInfo(
            model_id="stability.sd3-5-large-v1:0",
            name="Stable Diffusion 3.5 Large",
            family="stability",
            price_per_image=0.08,
            in_region=("us-west-2",),
            tasks=("TEXT_IMAGE", "IMAGE_VARIATION"),
        ),
        ImageModelInfo(
            model_id="stability.stable-image-core-v1:1",
            name="Stable Image Core",
            family="stability",
            price_per_image=0.04,
            in_region=("us-west-2",),
            tasks=("TEXT_IMAGE",),
        ),
        ImageModelInfo(
            model_id="stability.stable-image-ultra-v1:1",
            name="Stable Image Ultra",
            family="stability",
            price_per_image=0.14,
            in_region=("us-west-2",),
            tasks=("TEXT_IMAGE",),
        ),
        ImageModelInfo(
            model_id="amazon.nova-canvas-v1:0",
            name="Amazon Nova Canvas",
            family="amazon-image",
            price_per_image=0.04,
            in_region=("us-east-1", "eu-west-1", "ap-northeast-1"),
            tasks=("TEXT_IMAGE", "IMAGE_VARIATION", "INPAINTING", "OUTPAINTING", "BACKGROUND_REMOVAL", "COLOR_GUIDED_GENERATION"),
            lifecycle=Lifecycle(
                legacy_since="2026-03-30",
                end_of_life="2026-09-30",
                source="second-hand: a 2026-07-09 summary of the Bedrock model card and lifecycle page (Legacy since "
                "2026-03-30, EOL 2026-09-30), matched by a reseller's retirement notice; no copy of the AWS card itself was found",
            ),
        ),
        ImageModelInfo(
            model_id="amazon.titan-image-generator-v2:0",
            name="Amazon Titan Image Generator v2",
            family="amazon-image",
            price_per_image=0.01,
            in_region=("us-east-1", "us-west-2"),
            tasks=("TEXT_IMAGE", "IMAGE_VARIATION", "INPAINTING", "OUTPAINTING", "BACKGROUND_REMOVAL", "COLOR_GUIDED_GENERATION"),
            lifecycle=Lifecycle(
                end_of_life="2026-06-30",
                source="copy of the Bedrock model card 'Titan Image Generator G1 v2' (lifecycle Legacy, EOL June 30, 2026; "
                "launched Nov 29, 2023); the card gives no legacy date",
            ),
        ),
    )
}

EMBEDDING_MODELS: dict[str, EmbeddingModelInfo] = {
    m.model_id: m
    for m in (
        EmbeddingModelInfo(
            model_id="amazon.titan-embed-text-v2:0",
            name="Amazon Titan Text Embeddings V2",
            family="titan-embed",
            dimensions=(256, 512, 1024),
            price_input_per_million=0.02,
            notes="multilingual, Korean included; 8k-token input",
        ),
        EmbeddingModelInfo(
            model_id="cohere.embed-multilingual-v3",
            name="Cohere Embed Multilingual v3",
            family="cohere-embed",
            dimensions=(1024,),
            price_input_per_million=0.10,
            notes="512-token input: keep chunks small",
        ),
    )
}


@dataclass(frozen=True)
class ResolvedModel:
    """A model id as configured, resolved against the deploy region."""

    requested_id: str
    foundation_model_id: str
    profile_prefix: str | None  # "us", "eu", "apac", "global", ... or None for in-region
    destination_regions: tuple[str, ...] = field(default=())


class CatalogError(ValueError):
    """A model id that is unknown, past end of life, or not offered in the region."""


PROFILE_PREFIXES = ("us", "eu", "apac", "jp", "au", "ca", "us-gov", "global")


def split_profile(model_id: str) -> tuple[str | None, str]:
    """Split 'us.anthropic.x' into ('us', 'anthropic.x'); a bare id gives (None, id)."""
    head, _, rest = model_id.partition(".")
    if head in PROFILE_PREFIXES and rest:
        return head, rest
    return None, model_id


def current_models(models: dict[str, ChatModelInfo] | dict[str, ImageModelInfo], today: date) -> list[str]:
    """The ids of the catalog's Active models (what to suggest instead of a Legacy or retired one)."""
    return [k for k, v in models.items() if v.lifecycle.status(today) == "ACTIVE"]


def legacy_warning(model_id: str, name: str, lifecycle: Lifecycle, alternatives: list[str]) -> str:
    eol = f"end of life on {lifecycle.end_of_life}" if lifecycle.end_of_life else "no end-of-life date announced yet"
    return (
        f"{model_id!r} ({name}) is a Legacy Bedrock model ({eol}): Bedrock may refuse it to accounts that have not "
        f"used it recently, and it stops working at end of life. Plan a move to one of: {', '.join(alternatives)}"
    )


def resolve_chat_model(model_id: str, region: str, today: date | None = None) -> ResolvedModel:
    prefix, base = split_profile(model_id)
    info = CHAT_MODELS.get(base)
    if info is None:
        raise CatalogError(f"{model_id!r} is not a known chat model; known: {', '.join(sorted(CHAT_MODELS))}")
    today = today or date.today()
    if info.lifecycle.status(today) == "END_OF_LIFE":
        raise CatalogError(
            f"{model_id!r} reached end of life on {info.lifecycle.end_of_life}; "
            f"choose one of: {', '.join(current_models(CHAT_MODELS, today))}"
        )
    if prefix is None:
        if region not in info.in_region:
            offered = [f"{p}.{base}" for p, sources in sorted(info.profiles.items()) if region in sources]
            if info.global_profile:
                offered.append(f"global.{base}")
            raise CatalogError(
                f"{model_id!r} has no on-demand throughput in {region}; use an inference profile: "
                f"{', '.join(offered) or 'none offered in this region'}"
            )
        return ResolvedModel(model_id, base, None, (region,))
    if prefix == "global":
        if not info.global_profile or region not in GLOBAL_SOURCES:
            raise CatalogError(f"{model_id!r}: no global profile for this model from {region}")
        return ResolvedModel(model_id, base, prefix, (region,))
    sources = info.profiles.get(prefix, {})
    if region not in sources:
        allowed = sorted(p for p, s in info.profiles.items() if region in s)
        raise CatalogError(
            f"{model_id!r}: the {prefix!r} profile cannot be called from {region}; "
            f"allowed prefixes there: {', '.join(allowed + (['global'] if info.global_profile else [])) or 'none'}"
        )
    return ResolvedModel(model_id, base, prefix, tuple(sources[region]))


def resolve_image_model(model_id: str, region: str, today: date | None = None) -> ImageModelInfo:
    info = IMAGE_MODELS.get(model_id)
    if info is None:
        raise CatalogError(f"{model_id!r} is not a known image model; known: {', '.join(sorted(IMAGE_MODELS))}")
    today = today or date.today()
    if info.lifecycle.status(today) == "END_OF_LIFE":
        raise CatalogError(
            f"{model_id!r} ({info.name}) reached end of life on {info.lifecycle.end_of_life}; "
            f"choose one of: {', '.join(current_models(IMAGE_MODELS, today))}"
        )
    if region not in info.in_region:
        raise CatalogError(f"{model_id!r} is offered in {', '.join(info.in_region)}, not in {region}")
    return info


def embedding_model(model_id: str) -> EmbeddingModelInfo:
    info = EMBEDDING_MODELS.get(model_id)
    if info is None:
        raise CatalogError(f"{model_id!r} is not a supported embedding model; known: {', '.join(sorted(EMBEDDING_MODELS))}")
    return info
