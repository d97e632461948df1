"""Prices the functions meter usage with (lambdas/common/usage/prices.py), beside the per-token prices of
`anthropic.py` / `amazon.py` and the per-image prices of `images.py`.

Guardrails: USD per 1,000 units of each policy. A text unit is up to 1,000 characters ("1,001 characters = 2
text units"), each policy charged separately, and only the policies the guardrail configures
(https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-how.html, "How charges are calculated":
[official] for which policies and calls are charged; "If the guardrail blocks the input prompt, you're charged
for the guardrail evaluation. There are no charges for foundation model inference calls"). The amounts are
[second-hand]: the AWS price table (https://aws.amazon.com/bedrock/pricing/) could not be read; they come from a
summary of the AWS Pricing API for US East (N. Virginia), "Last Updated: October 28, 2025", matched by a 2026-05
summary of the pricing page. Word filters and regular expressions are free; image content filters are priced per
1,000 images.

Prompt caching: USD per 1M tokens read from the cache and written to it (5-minute and 1-hour TTL), per model,
because the multipliers differ between models (Opus 5.5 reads at 0.05x, most Claude models at 0.1x). The
Bedrock user guide gives no multiplier ("you're charged at a reduced rate for tokens read from cache. Depending on
the model, tokens written to cache may be charged at a rate that is higher":
https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html). Claude: Anthropic's per-model rates
[official for Opus 5: 1.25x / 2x / 0.1x on https://platform.claude.com/docs/about-claude/models/whats-new-opus-5;
second-hand release notes for Opus 5.5 and Haiku 5.5] plus the same ~10% US geographic uplift as the catalog's
input price. Nova: reads at 0.25x input, writes at the input rate [second-hand]. A model not listed here is priced
at its input rate for both (never less than it may cost for a write). The chat function sends cache points where the
model takes them (infra/catalog/prompt_caching.py, lambdas/common/prompt_cache.py).
"""

from __future__ import annotations

from dataclasses import dataclass

# USD per 1,000 units, keyed by the GuardrailUsage field that counts them
# (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_GuardrailUsage.html).
GUARDRAIL_PRICES_PER_1000: dict[str, float] = {
    "contentPolicyUnits": 0.15,
    "topicPolicyUnits": 0.15,
    "wordPolicyUnits": 0.0,
    "sensitiveInformationPolicyUnits": 0.10,
    "sensitiveInformationPolicyFreeUnits": 0.0,
    "contextualGroundingPolicyUnits": 0.10,
    "automatedReasoningPolicyUnits": 0.17,
    "contentPolicyImageUnits": 0.75,  # per 1,000 images
}
GUARDRAIL_PRICE_SOURCE = (
    "[second-hand] AWS Pricing API summary, US East (N. Virginia), 2025-10-28, and a 2026-05 summary of "
    "https://aws.amazon.com/bedrock/pricing/ (the official table could not be read); which policies are charged: "
    "https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-how.html [official]"
)
# The text policies a guardrail of this product can be charged for on one text (the estimate before a call).
PAID_TEXT_POLICIES = ("contentPolicyUnits", "topicPolicyUnits", "sensitiveInformationPolicyUnits", "contextualGroundingPolicyUnits")


@dataclass(frozen=True)
class CachePrices:
    read_per_million: float
    write_5m_per_million: float
    write_1h_per_million: float
    source: str


def _claude(input_price: float, read: float = 0.1, source: str = "") -> CachePrices:
    """Anthropic's standard rates (5m write 1.25x, 1h write 2x) on the catalog's US input price."""
    return CachePrices(
        round(input_price * read, 6),
        round(input_price * 1.25, 6),
        round(input_price * 2, 6),
        source or "Anthropic's standard 1.25x / 2x / 0.1x of the input price [official for Claude 5 models]",
    )


CACHE_PRICES: dict[str, CachePrices] = {
    "anthropic.claude-haiku-5-5": _claude(0.11, source="[second-hand] Haiku 5.5: $0.125 / $0.20 writes, $0.01 reads (+10%)"),
    "anthropic.claude-opus-5-5": CachePrices(0.22, 5.50, 8.80, "[second-hand] Opus 5.5: $5 / $8 writes, $0.20 reads (0.05x) (+10%)"),
    "anthropic.claude-opus-4-7": _claude(5.50),
    "anthropic.claude-opus-4-6-v1": _claude(5.50),
    "anthropic.claude-sonnet-4-6": _claude(3.30),
    "anthropic.claude-sonnet-4-5-20250929-v1:0": _claude(3.30),
    "anthropic.claude-haiku-4-5-20251001-v1:0": _claude(1.10),
    "amazon.nova-2-lite-v1:0": CachePrices(0.0825, 0.33, 0.33, "[second-hand] Nova: cached reads at a 75% discount, no write premium"),
    "amazon.nova-lite-v1:0": CachePrices(0.015, 0.06, 0.06, "[second-hand] Nova: cached reads at a 75% discount, no write premium"),
    "amazon.nova-pro-v1:0": CachePrices(0.20, 0.80, 0.80, "[second-hand] Nova: cached reads at a 75% discount, no write premium"),
}


def cache_prices(foundation_model_id: str, input_per_million: float) -> CachePrices:
    """The model's cache prices, or its input price for all three when the catalog has none."""
    return CACHE_PRICES.get(foundation_model_id) or CachePrices(input_per_million, input_per_million, input_per_million, "input rate")
