"""The configuration resolved against the deploy region: what the constructs build from.

Also renders the runtime configuration the functions read (runtime_config.json): the one
policy source for models, parameter ranges, memory window, limits and messages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from infra.catalog import (
    CHAT_MODELS,
    IMAGE_MODELS,
    CatalogError,
    EmbeddingModelInfo,
    ImageModelInfo,
    ResolvedModel,
    current_models,
    customizable,
    embedding_model,
    legacy_warning,
    resolve_chat_model,
    resolve_image_model,
)
from infra.catalog.attachments import content_support
from infra.catalog.prompt_caching import prompt_caching
from infra.catalog.usage_prices import GUARDRAIL_PRICES_PER_1000, cache_prices
from infra.config import AppConfig, ConfigError
from infra.guardrail_policy import (
    CONTENT_FILTER_TYPES,
    GROUNDING_LANGUAGES,
    GROUNDING_SCRIPTS,
    GROUNDING_TIER,
    GuardrailProfile,
    GuardrailRegionError,
    grounding_warning,
    guardrail_profile,
    image_filter_plan,
)
from infra.synth_date import utc_today
from infra.timeouts import bedrock_timeouts, timeout_problems


@dataclass(frozen=True)
class Deployment:
    config: AppConfig
    region: str
    chat_models: tuple[ResolvedModel, ...]
    rag_model: ResolvedModel
    embedding: EmbeddingModelInfo
    image_models: tuple[ImageModelInfo, ...]
    image_region: str
    guardrail_profile: GuardrailProfile | None
    warnings: tuple[str, ...] = ()  # Legacy models: synth prints these
    image_filter_types: tuple[str, ...] = ()  # content filters with the IMAGE modality in this region
    guardrail_warnings: tuple[str, ...] = ()  # region- and tier-dependent guardrail limits: synth prints these
    # The synth date (infra/synth_date.py): the lifecycle states above were decided on it, and the grants built from
    # the customization catalog leave out what is past its end of life on it (infra/constructs/customization.py).
    today: date = field(default_factory=utc_today)

    @property
    def translation_model(self) -> ResolvedModel | None:
        """The chat model that translates Korean image prompts, when that is on."""
        if not self.config.models.image.translate_prompts:
            return None
        return next(m for m in self.chat_models if m.requested_id == self.config.models.chat.default)

    @property
    def text_models(self) -> tuple[ResolvedModel, ...]:
        """Every text model a function may invoke (chat models plus the RAG model)."""
        seen = {m.requested_id: m for m in (*self.chat_models, self.rag_model)}
        return tuple(seen.values())


class _Problems:
    """Collects every problem so one synth reports them all."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, key: str, message: object) -> None:
        self.lines.append(f"  {key}: {message}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise ConfigError("invalid configuration:\n" + "\n".join(self.lines))


def _chat(problems: _Problems, key: str, model_id: str, region: str, today: date) -> ResolvedModel | None:
    try:
        return resolve_chat_model(model_id, region, today)
    except CatalogError as err:
        problems.add(key, err)
        return None


def _legacy_warnings(chat: list[ResolvedModel | None], images: list[ImageModelInfo], today: date) -> tuple[str, ...]:
    warnings = []
    for model in {m.foundation_model_id: m for m in chat if m}.values():
        info = CHAT_MODELS[model.foundation_model_id]
        if info.lifecycle.status(today) == "LEGACY":
            warnings.append(legacy_warning(model.requested_id, info.name, info.lifecycle, current_models(CHAT_MODELS, today)))
    for image in images:
        if image.lifecycle.status(today) == "LEGACY":
            warnings.append(legacy_warning(image.model_id, image.name, image.lifecycle, current_models(IMAGE_MODELS, today)))
    return tuple(warnings)


def resolve(config: AppConfig, region: str, today: date | None = None) -> Deployment:
    """Resolve every model id and the guardrail profile in `region`, or raise one ConfigError listing all problems.

    `today` decides lifecycle states (default: today's UTC date): past end of life is an error, Legacy a warning.
    """
    today = today or utc_today()
    problems = _Problems()
    models = config.models
    chat = [_chat(problems, f"models.chat.allowed[{i}]", model_id, region, today) for i, model_id in enumerate(models.chat.allowed)]
    rag = _chat(problems, "models.rag", models.rag, region, today)
    embedding = None
    try:
        embedding = embedding_model(models.embedding.model_id)
    except CatalogError as err:
        problems.add("models.embedding.model_id", err)
    if embedding is not None and models.embedding.dimensions not in embedding.dimensions:
        sizes = ", ".join(map(str, embedding.dimensions))
        problems.add(
            "models.embedding.dimensions", f"{embedding.name} produces vectors of {sizes} dimensions, not {models.embedding.dimensions}"
        )
    image_region = models.image.region or region
    images = []
    for i, model_id in enumerate(models.image.allowed):
        try:
            images.append(resolve_image_model(model_id, image_region, today))
        except CatalogError as err:
            hint = "" if models.image.region else " (set models.image.region to call the image model in another region)"
            problems.add(f"models.image.allowed[{i}]", f"{err}{hint}")
    profile = None
    if config.guardrail.tier == "STANDARD":
        try:
            profile = guardrail_profile(region)
        except GuardrailRegionError as err:
            problems.add("guardrail.tier", err)
    filters = config.guardrail.content_filters
    image_filters = image_filter_plan(region, tuple(t for t in CONTENT_FILTER_TYPES if getattr(filters, t).images))
    if image_filters.error:
        problems.add("guardrail.content_filters", image_filters.error)
    guardrail_warnings = image_filters.warnings + ((grounding_warning(),) if config.guardrail.grounding is not None else ())
    for key, message in timeout_problems(config.functions):
        problems.add(key, message)
    problems.raise_if_any()
    assert rag is not None
    assert embedding is not None
    warnings = _legacy_warnings([*chat, rag], images, today)
    return Deployment(
        config,
        region,
        tuple(m for m in chat if m),
        rag,
        embedding,
        tuple(images),
        image_region,
        profile,
        warnings,
        image_filter_types=image_filters.types,
        guardrail_warnings=guardrail_warnings,
        today=today,
    )


def _range(value: Any) -> list[float] | None:
    return None if value is None else [value.low, value.high]


def _chat_model_entry(model: ResolvedModel) -> dict[str, Any]:
    info = CHAT_MODELS[model.foundation_model_id]
    return {
        "id": model.requested_id,
        "name": info.name,
        "family": info.family,
        "max_output_tokens": info.max_output_tokens,
        "params": {"temperature": _range(info.temperature), "top_p": _range(info.top_p), "top_k": _range(info.top_k)},
        "temperature_with_top_p": info.temperature_with_top_p,
        "max_stop_sequences": info.max_stop_sequences,
        "output_tokens_per_second": info.output_tokens_per_second,
        "price": _price(info.model_id, info.price_input_per_million, info.price_output_per_million),
        "reasoning": None if info.reasoning is None else asdict(info.reasoning),
        "caching": _caching(info.model_id),
        "files": _files(info.model_id),  # which attached files the model reads (infra/catalog/attachments.py)
    }


def _caching(foundation_model_id: str) -> dict[str, Any] | None:
    """Where and how the model takes Converse cache points (infra/catalog/prompt_caching.py); None: it never gets one."""
    facts = prompt_caching(foundation_model_id)
    if facts is None:
        return None
    return {"min_tokens": facts.min_tokens, "max_points": facts.max_points, "ttls": list(facts.ttls), "fields": list(facts.fields)}


def _files(foundation_model_id: str) -> dict[str, bool]:
    support = content_support(foundation_model_id)
    return {"images": support.images, "documents": support.documents, "citations": support.citations}


def _price(foundation_model_id: str, input_price: float, output_price: float) -> dict[str, float]:
    """Per 1M tokens: input, output and the model's own prompt-cache rates (infra/catalog/usage_prices.py)."""
    cache = cache_prices(foundation_model_id, input_price)
    return {
        "input_per_million": input_price,
        "output_per_million": output_price,
        "cache_read_per_million": cache.read_per_million,
        "cache_write_per_million": cache.write_5m_per_million,
        "cache_write_1h_per_million": cache.write_1h_per_million,
    }


def _image_model_entry(model: ImageModelInfo) -> dict[str, Any]:
    return {
        "id": model.model_id,
        "name": model.name,
        "family": model.family,
        "tasks": list(model.tasks),
        "price_per_image": model.price_per_image,
        # Dates, not a status: the function works the status out on the day it is asked.
        "legacy_since": model.lifecycle.legacy_since,
        "end_of_life": model.lifecycle.end_of_life,
    }


def runtime_config_document(deployment: Deployment) -> dict[str, Any]:
    """What the functions need from the configuration (no resource names: those are env vars)."""
    config = deployment.config
    return {
        "chat_models": [_chat_model_entry(m) for m in deployment.chat_models],
        "default_chat_model": config.models.chat.default,
        "rag_model": _chat_model_entry(deployment.rag_model),
        "image_models": [_image_model_entry(m) for m in deployment.image_models],
        "default_image_model": config.models.image.default,
        "image_region": deployment.image_region,
        "image_prompt_translation_model": config.models.chat.default if config.models.image.translate_prompts else None,
        "image_retention_days": config.retention.image_retention_days,
        "memory": config.memory.model_dump(),
        "limits": config.limits.model_dump(),
        "bedrock_timeouts": bedrock_timeouts(config.functions),
        "cors_origins": list(config.api.cors_origins),
        "documents_prefix": config.knowledge_base.inclusion_prefix,
        "retrieval": {"min_score": config.knowledge_base.min_score},
        # Budgets (issue 14): the zone of day and month boundaries, default and group limits, the deployment's ceiling.
        "budgets": config.budgets.model_dump(),
        # Files in chat: per-turn count, the window's resend budget, the upload expiry (lambdas/chat/attachments.py), which
        # routes ask for document citations (lambdas/chat/doc_citations.py).
        "attachments": config.attachments.model_dump(),
        # Metering (lambdas/common/usage/): the prices of what is not a chat model's token or an image (on each model).
        "prices": {
            "guardrail_per_1000_units": dict(GUARDRAIL_PRICES_PER_1000),
            "embedding": {"model_id": deployment.embedding.model_id, "input_per_million": deployment.embedding.price_input_per_million},
        },
        # ConverseStream's guardrailConfig.streamProcessingMode (config guardrail.stream_processing_mode).
        "guardrail_stream_mode": config.guardrail.stream_processing_mode,
        # Converse prompt caching (config prompt_caching; lambdas/common/prompt_cache.py).
        "prompt_caching": config.prompt_caching.model_dump(),
        # The customization catalog (infra/catalog/customizable.json) and the Region it runs in: the customize function.
        "customization": customizable.runtime_entry(deployment.region),
        "guardrail": {
            "blocked_input_message": config.guardrail.blocked_input_message,
            "blocked_output_message": config.guardrail.blocked_output_message,
            # ApplyGuardrail on retrieved passages and attached documents' text (lambdas/common/read_checks.py).
            "read_checks": config.guardrail.read_checks.model_dump(),
            # Attached images go to the guardrail (guardContent) only where this region's guardrail filters images.
            "images_guarded": bool(deployment.image_filter_types),
            # What the rag function needs to ask for grounding only where the deployed tier reads the question.
            "grounding": None
            if config.guardrail.grounding is None
            else {
                "tier": GROUNDING_TIER,
                "languages": list(GROUNDING_LANGUAGES[GROUNDING_TIER] or []),
                "scripts": None if GROUNDING_SCRIPTS[GROUNDING_TIER] is None else list(GROUNDING_SCRIPTS[GROUNDING_TIER] or []),
            },
        },
    }
