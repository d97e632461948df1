"""How a configured model id resolves in a region: profile prefixes, lifecycle, and the errors that say why not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from infra.catalog.model_info import ChatModelInfo, EmbeddingModelInfo, ImageModelInfo, Lifecycle
from infra.catalog.models import CHAT_MODELS, EMBEDDING_MODELS, GLOBAL_SOURCES, IMAGE_MODELS


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


def chat_model_info(model_id: str) -> ChatModelInfo:
    """The catalog's facts for a chat model id, bare or with a profile prefix."""
    info = CHAT_MODELS.get(split_profile(model_id)[1])
    if info is None:
        raise CatalogError(f"{model_id!r} is not a known chat model; known: {', '.join(sorted(CHAT_MODELS))}")
    return info


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
    info = chat_model_info(model_id)
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
