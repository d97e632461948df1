"""Facts about the Bedrock models this product knows, and how a model id resolves in a region.

The catalog is product knowledge (families, parameter rules, reasoning, limits, prices, where each
model is served, lifecycle dates); configuration only chooses from it. The facts are data, in one
file: `models.json` (chat, image and embedding models, the inference-profile Region tables and each
provider's common notes), read and checked strictly by `models.py` into the records of `model_info.py`;
the resolution rules are `resolve.py`. Each model carries `sources`: the page every fact was read
from, marked [official] (an AWS or Anthropic page) or [second-hand] (issue reports, third-party
code): facts checked in 2026-11 through stored copies of those pages. Ids that could not
be confirmed on an AWS page are left out (docs/configuration.md lists them).

Lifecycle policy (Bedrock's states: Active, Legacy, End-of-Life): a model past its end-of-life
date is refused at synth with the models to use instead; a Legacy model (legacy date reached, or
an end-of-life date announced) still deploys, with a synth warning naming current alternatives,
and `GET /models` reports its status and dates. A card's "EOL no sooner than" is recorded
(`Lifecycle.eol_not_before`) but never acted on; the service's own dates (ListFoundationModels,
`make doctor`) win over the catalog's.

Output speed (`output_tokens_per_second`): AWS publishes no output speed for any Bedrock model, so
each figure is a conservative assumption of this product (a floor, well under speeds commonly
reported for on-demand use), not a fact. It only sizes the `max_tokens` ceiling: what a model can
write within the function's Bedrock read timeout (infra/timeouts.py). Thinking tokens count against
the same ceiling. Raise a figure only after measuring the model in your own account and region.
"""

from __future__ import annotations

from infra.catalog.model_info import (
    ACTIVE,
    ChatModelInfo,
    Effort,
    EmbeddingModelInfo,
    Family,
    ImageModelInfo,
    Lifecycle,
    Range,
    Reasoning,
    Status,
)
from infra.catalog.models import EMBEDDING_MODELS, GLOBAL_SOURCES, IMAGE_MODELS, CatalogDataError
from infra.catalog.resolve import (
    CHAT_MODELS,
    PROFILE_PREFIXES,
    CatalogError,
    ResolvedModel,
    chat_model_info,
    current_models,
    embedding_model,
    legacy_warning,
    resolve_chat_model,
    resolve_image_model,
    split_profile,
)

__all__ = [
    "ACTIVE",
    "CHAT_MODELS",
    "EMBEDDING_MODELS",
    "GLOBAL_SOURCES",
    "IMAGE_MODELS",
    "PROFILE_PREFIXES",
    "CatalogDataError",
    "CatalogError",
    "ChatModelInfo",
    "Effort",
    "EmbeddingModelInfo",
    "Family",
    "ImageModelInfo",
    "Lifecycle",
    "Range",
    "Reasoning",
    "ResolvedModel",
    "Status",
    "chat_model_info",
    "current_models",
    "embedding_model",
    "legacy_warning",
    "resolve_chat_model",
    "resolve_image_model",
    "split_profile",
]
