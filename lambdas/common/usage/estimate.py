"""The most a request can cost, worked out before its first paid call: what a budget reserves.

* Input tokens: at most the characters sent, plus an allowance for the messages' framing. A token of the Claude,
  Nova and Titan tokenizers stands for one character or a run of them, so the characters bound the tokens from above:
  the decision this product builds on (the tokenizers are not published). It is an assumption, not a guarantee: a
  byte-level fallback for a character outside a vocabulary can spend more than one token on it. Metering itself never
  depends on it (a settle records what Bedrock reported); only how far concurrent requests can overshoot a budget does.
  Converse's inputTokens also counts the role and message markers of the model's prompt format: FRAMING_TOKENS plus
  FRAMING_TOKENS_PER_MESSAGE per message (this product's allowance: no AWS page states the overhead).
* Output tokens: at most the request's `maxTokens` (every Converse call of this product sets it; a model's
  thinking counts against it).
* Guardrail text units: each text checked is ceil(characters / 1,000) units per policy ("1,001 characters = 2
  text units", each policy charged separately), priced at every paid text policy (content, denied topics,
  sensitive information, contextual grounding): more than a guardrail that lacks one of them is charged.
  A model's output is checked too: its characters are not bounded by its tokens, so they are assumed to be at most
  OUTPUT_CHARS_PER_TOKEN per token (an assumption, not a bound: an answer checked past it is still metered at what
  the guardrail reports).
* Images: the count asked for at the catalog's price per image, and one image unit each for the image check.
* Prompt caching (common/prompt_cache.py): any input token may be written to the cache, so where the model takes cache
  points every input token is reserved at the dearest of its input and cache-write rates (1-hour writes included where
  the model offers them); a cache read costs less than either.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from common.runtime_config import ChatModelSpec, ImageModelSpec, UsagePrices
from common.usage.prices import micro_usd

OUTPUT_CHARS_PER_TOKEN = 8
FRAMING_TOKENS = 32
FRAMING_TOKENS_PER_MESSAGE = 16
TEXT_UNIT_CHARS = 1_000
PAID_TEXT_POLICIES = ("contentPolicyUnits", "topicPolicyUnits", "sensitiveInformationPolicyUnits", "contextualGroundingPolicyUnits")
IMAGE_UNITS = "contentPolicyImageUnits"


@dataclass(frozen=True)
class Estimate:
    """An upper bound: micro-USD and tokens (what the day's token budget counts)."""

    micro_usd: int = 0
    tokens: int = 0

    def __add__(self, other: Estimate) -> Estimate:
        return Estimate(self.micro_usd + other.micro_usd, self.tokens + other.tokens)


def _up(amount: Decimal) -> int:
    return math.ceil(amount)


def input_bound(texts: Iterable[str], messages: int) -> int:
    """The most input tokens a call sending `texts` in `messages` messages (system blocks included) can count."""
    return sum(len(t) for t in texts) + FRAMING_TOKENS + FRAMING_TOKENS_PER_MESSAGE * messages


def converse_max(model: ChatModelSpec, tokens_in: int, max_tokens: int) -> Estimate:
    """A Converse call of at most `tokens_in` input tokens (input_bound) allowed `max_tokens` output tokens."""
    cost = micro_usd(tokens_in, _input_rate(model)) + micro_usd(max_tokens, model.price.output_per_million)
    return Estimate(_up(cost), tokens_in + max_tokens)


def _input_rate(model: ChatModelSpec) -> float:
    """The input rate, or the dearest cache-write rate where the model takes cache points (see the module's note)."""
    price = model.price
    if model.caching is None:
        return price.input_per_million
    writes = [price.cache_write_per_million] + ([price.cache_write_1h_per_million] if "1h" in model.caching.ttls else [])
    return max([price.input_per_million, *(w for w in writes if w is not None)])


def text_units(characters: int) -> int:
    return max(1, math.ceil(characters / TEXT_UNIT_CHARS)) if characters > 0 else 0


def guardrail_max(texts: Iterable[int], prices: UsagePrices) -> Estimate:
    """Guardrail checks of texts of these lengths (characters), each on every paid text policy."""
    per_unit = sum((Decimal(str(prices.guardrail_per_1000_units.get(p, 0.0))) for p in PAID_TEXT_POLICIES), Decimal(0)) * 1000
    return Estimate(_up(Decimal(sum(text_units(n) for n in texts)) * per_unit))


def output_chars(max_tokens: int) -> int:
    """The characters a model's answer of `max_tokens` tokens is assumed to have at most (for its guardrail check)."""
    return max_tokens * OUTPUT_CHARS_PER_TOKEN


def images_max(model: ImageModelSpec, count: int, prices: UsagePrices, *, checked: bool = True) -> Estimate:
    """`count` pictures, and (when `checked`) the guardrail's image check of each."""
    cost = micro_usd(count, model.price_per_image) * 1_000_000
    if checked:
        cost += Decimal(count) * Decimal(str(prices.guardrail_per_1000_units.get(IMAGE_UNITS, 0.0))) * 1000
    return Estimate(_up(cost))


def embedding_max(text: str, prices: UsagePrices) -> Estimate:
    """Retrieve's query embedding: at most one token per character of the query (prices.embedding_cost meters the same)."""
    if prices.embedding is None:
        return Estimate()
    size = len(text)
    return Estimate(_up(micro_usd(size, prices.embedding.input_per_million)), size)
