"""Facts about the Bedrock models this product knows, and how a model id resolves in a region.

The catalog is product knowledge (families, parameter ranges, limits, prices, where each model
is served); configuration only chooses from it. Facts were checked in 2026-11 against the Bedrock
user guide (model cards, inference-profiles-support, guardrails-cross-region-support), partly
through copies of those pages: confirm before relying on them the Sonnet 4.6 profiles, the
Stability models being served only in us-west-2, the Amazon image models' end-of-life dates and
the prices (on-demand USD per 1M tokens, or per image, for the US geography).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Family = Literal["anthropic", "nova", "stability", "nova-canvas", "titan-embed", "cohere-embed"]

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
    end_of_life: str | None = None


@dataclass(frozen=True)
class ImageModelInfo:
    model_id: str
    name: str
    family: Family
    price_per_image: float
    in_region: tuple[str, ...]
    tasks: tuple[str, ...]
    end_of_life: str | None = None


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
            family="nova-canvas",
            price_per_image=0.04,
            in_region=("us-east-1", "eu-west-1", "ap-northeast-1"),
            tasks=("TEXT_IMAGE", "IMAGE_VARIATION", "INPAINTING", "OUTPAINTING", "BACKGROUND_REMOVAL", "COLOR_GUIDED_GENERATION"),
            end_of_life="2026-09-30",
        ),
        ImageModelInfo(
            model_id="amazon.titan-image-generator-v2:0",
            name="Amazon Titan Image Generator v2",
            family="nova-canvas",
            price_per_image=0.01,
            in_region=("us-east-1", "us-west-2"),
            tasks=("TEXT_IMAGE", "IMAGE_VARIATION", "INPAINTING", "OUTPAINTING", "BACKGROUND_REMOVAL", "COLOR_GUIDED_GENERATION"),
            end_of_life="2026-06-30",
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


def resolve_chat_model(model_id: str, region: str) -> ResolvedModel:
    prefix, base = split_profile(model_id)
    info = CHAT_MODELS.get(base)
    if info is None:
        raise CatalogError(f"{model_id!r} is not a known chat model; known: {', '.join(sorted(CHAT_MODELS))}")
    if info.end_of_life:
        raise CatalogError(f"{model_id!r} reached end of life on {info.end_of_life}; choose another model")
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


def resolve_image_model(model_id: str, region: str) -> ImageModelInfo:
    info = IMAGE_MODELS.get(model_id)
    if info is None:
        raise CatalogError(f"{model_id!r} is not a known image model; known: {', '.join(sorted(IMAGE_MODELS))}")
    if info.end_of_life:
        raise CatalogError(
            f"{model_id!r} ({info.name}) reached end of life on {info.end_of_life}; "
            f"choose one of: {', '.join(k for k, v in IMAGE_MODELS.items() if not v.end_of_life)}"
        )
    if region not in info.in_region:
        raise CatalogError(f"{model_id!r} is offered in {', '.join(info.in_region)}, not in {region}")
    return info


def embedding_model(model_id: str) -> EmbeddingModelInfo:
    info = EMBEDDING_MODELS.get(model_id)
    if info is None:
        raise CatalogError(f"{model_id!r} is not a supported embedding model; known: {', '.join(sorted(EMBEDDING_MODELS))}")
    return info
