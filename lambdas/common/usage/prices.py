"""What a paid call cost, in integer micro-USD, from what Bedrock reported and the runtime config's prices.

Converse / ConverseStream report `usage` {inputTokens, outputTokens, cacheReadInputTokens?, cacheWriteInputTokens?,
cacheDetails?} (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html); the cost is
priced from the parts, never from totalTokens (its relation to cache tokens is not documented). cacheDetails splits
cache writes by TTL (1h writes cost more); without it every write is priced at the 5-minute rate.
Guardrails report GuardrailUsage per assessment: ApplyGuardrail in its `usage`, Converse in the trace's
`invocationMetrics.usage` (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_GuardrailUsage.html),
priced per policy per 1,000 units (infra/catalog/usage_prices.py).
Nothing is reported for Stability images (the body is seeds, finish_reasons and images), for Retrieve's query
embedding, or for ingestion: images are counted from the answer and priced at the catalog's price per image, the
query embedding is estimated from its characters; those Metered are `estimated`. Ingestion is not metered (no user).
Amounts are rounded up to the micro-dollar, per call: metering may count a fraction of a micro-dollar more, never less.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from common.runtime_config import ChatModelSpec, ImageModelSpec, UsagePrices

GUARDRAIL = "guardrail"  # the model_id guardrail checks are counted under
_ONE_HOUR = "1h"


@dataclass(frozen=True)
class Metered:
    model_id: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    images: int = 0
    guardrail_text_units: int = 0
    micro_usd: int = 0
    estimated: bool = False
    cache_saved_micro_usd: int = 0  # what the same tokens would have cost uncached, minus micro_usd (< 0: writes cost more)

    @property
    def tokens(self) -> int:
        """What a tokens-per-day budget counts: every model token, read or written, cached or not."""
        return self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens

    def __add__(self, other: Metered) -> Metered:
        return replace(
            self,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_read_tokens=self.cache_read_tokens + other.cache_read_tokens,
            cache_write_tokens=self.cache_write_tokens + other.cache_write_tokens,
            images=self.images + other.images,
            guardrail_text_units=self.guardrail_text_units + other.guardrail_text_units,
            micro_usd=self.micro_usd + other.micro_usd,
            estimated=self.estimated or other.estimated,
            cache_saved_micro_usd=self.cache_saved_micro_usd + other.cache_saved_micro_usd,
        )


def by_model(metered: Iterable[Metered]) -> list[Metered]:
    """One Metered per model, in the order each model first appears."""
    combined: dict[str, Metered] = {}
    for item in metered:
        combined[item.model_id] = combined[item.model_id] + item if item.model_id in combined else item
    return list(combined.values())


def micro_usd(quantity: int | float, usd_per_million: float) -> Decimal:
    """`quantity` units at `usd_per_million` USD per 1M units, in micro-USD (exact: no float rounding)."""
    return Decimal(quantity) * Decimal(str(usd_per_million))


def _rounded_up(amount: Decimal) -> int:
    return math.ceil(amount)


def converse_cost(model: ChatModelSpec, usage: dict[str, Any], *, inference_billed: bool = True) -> Metered:
    """A Converse (or ConverseStream) call's model cost. `inference_billed=False`: the guardrail blocked the input, and
    "There are no charges for foundation model inference calls" then (guardrails-how.html): no token is counted."""
    if not inference_billed:
        return Metered(model.id)
    price = model.price
    tokens_in = int(usage.get("inputTokens", 0))
    tokens_out = int(usage.get("outputTokens", 0))
    read = int(usage.get("cacheReadInputTokens", 0) or 0)
    written = int(usage.get("cacheWriteInputTokens", 0) or 0)
    hour = sum(int(d.get("inputTokens", 0)) for d in usage.get("cacheDetails") or [] if d.get("ttl") == _ONE_HOUR)
    hour = min(hour, written)
    cost = (
        micro_usd(tokens_in, price.input_per_million)
        + micro_usd(tokens_out, price.output_per_million)
        + micro_usd(read, _or(price.cache_read_per_million, price.input_per_million))
        + micro_usd(written - hour, _or(price.cache_write_per_million, price.input_per_million))
        + micro_usd(hour, _or(price.cache_write_1h_per_million, price.input_per_million))
    )
    # The saving prompt caching made: the same tokens all at the input rate, minus what was charged.
    uncached = micro_usd(tokens_in + read + written, price.input_per_million) + micro_usd(tokens_out, price.output_per_million)
    saved = _rounded_up(uncached) - _rounded_up(cost) if read or written else 0
    return Metered(model.id, tokens_in, tokens_out, read, written, micro_usd=_rounded_up(cost), cache_saved_micro_usd=saved)


def _or(value: float | None, fallback: float) -> float:
    return fallback if value is None else value


def guardrail_cost(usages: Iterable[dict[str, Any]], prices: UsagePrices) -> Metered:
    """Guardrail checks' cost: every policy's units at its price per 1,000 (image units per 1,000 images)."""
    table = prices.guardrail_per_1000_units
    cost, text_units = Decimal(0), 0
    for usage in usages:
        for field, units in usage.items():
            if not isinstance(units, int | float) or isinstance(units, bool):
                continue  # automatedReasoningPolicies and any other non-count field
            cost += Decimal(int(units)) * Decimal(str(table.get(field, 0.0))) * 1000
            if field != "contentPolicyImageUnits" and str(field).endswith("Units"):
                text_units += int(units)  # summed over policies, as each policy is charged
    return Metered(GUARDRAIL, guardrail_text_units=text_units, micro_usd=_rounded_up(cost))


def trace_usages(response: dict[str, Any]) -> list[dict[str, Any]]:
    """Every GuardrailUsage in a Converse answer's trace (input assessments and each output assessment)."""
    trace = (response.get("trace") or {}).get("guardrail") or {}
    assessments = list((trace.get("inputAssessment") or {}).values())
    assessments += [a for group in (trace.get("outputAssessments") or {}).values() for a in group]
    return [a["invocationMetrics"]["usage"] for a in assessments if (a.get("invocationMetrics") or {}).get("usage")]


def image_cost(model: ImageModelSpec, count: int) -> Metered:
    """Images at the catalog's price per image: estimated, since the model reports no usage."""
    cost = micro_usd(count, model.price_per_image) * 1_000_000
    return Metered(model.id, images=count, micro_usd=_rounded_up(cost), estimated=True)


def embedding_cost(prices: UsagePrices, query: str) -> Metered | None:
    """Retrieve's query embedding: Retrieve reports no usage, so its tokens are estimated as the query's characters
    (common/usage/estimate.py). None when the configuration names no embedding price."""
    size = len(query)
    if prices.embedding is None or size == 0:
        return None
    cost = micro_usd(size, prices.embedding.input_per_million)
    return Metered(prices.embedding.model_id, input_tokens=size, micro_usd=_rounded_up(cost), estimated=True)
