"""`make cost` (e): what prompt caching does to a chat turn's model cost, from the catalog's prices and caching facts.

A turn of the default chat model with a SYSTEM_TOKENS-token system prompt and the same window as (b)'s chat turn: once
uncached, then as caching leaves it: turn 1 writes the system prompt (at the write rate), a later turn reads it (at the
read rate) while the rest of the window and the message cost the input rate (a full window is not cached: its oldest
turn leaves it every turn, lambdas/common/prompt_cache.py). Below the model's minimum no cache point is sent.
"""

from __future__ import annotations

from typing import Any

SYSTEM_TOKENS = 5_000
OUTPUT_TOKENS = 300


def caching_lines(config: Any) -> list[str]:
    from infra.catalog import CHAT_MODELS, split_profile
    from infra.catalog.prompt_caching import prompt_caching
    from infra.catalog.usage_prices import cache_prices

    model = CHAT_MODELS[split_profile(config.models.chat.default)[1]]
    out = [f"(e) prompt caching: a {model.name} turn with a {SYSTEM_TOKENS:,}-token system prompt"]
    facts = prompt_caching(model.model_id)
    if not config.prompt_caching.enabled:
        return [*out, "  off (config prompt_caching.enabled): every turn pays the input rate for the system prompt"]
    if facts is None:
        return [*out, f"  {model.name} takes no cache point (infra/catalog/prompt_caching.py): no saving"]
    if facts.min_tokens > SYSTEM_TOKENS:
        return [*out, f"  below the model's minimum of {facts.min_tokens:,} tokens a checkpoint: not cached"]
    cache = cache_prices(model.model_id, model.price_input_per_million)
    hour = config.prompt_caching.ttl == "1h" and "1h" in facts.ttls
    write = cache.write_1h_per_million if hour else cache.write_5m_per_million
    rest = config.memory.window_turns * (100 + 300) + 100  # (b)'s window and message
    output = OUTPUT_TOKENS * model.price_output_per_million / 1e6
    uncached = (SYSTEM_TOKENS + rest) * model.price_input_per_million / 1e6 + output
    first = SYSTEM_TOKENS * write / 1e6 + rest * model.price_input_per_million / 1e6 + output
    later = SYSTEM_TOKENS * cache.read_per_million / 1e6 + rest * model.price_input_per_million / 1e6 + output
    return [
        *out,
        f"  uncached ${uncached:.6f} a turn; cached: turn 1 ${first:.6f} ({first / uncached:.2f}x: the write), "
        f"later turns within the {'1-hour' if hour else '5-minute'} TTL ${later:.6f} ({later / uncached:.2f}x)",
        f"  rates per 1M tokens: input ${model.price_input_per_million}, cache write ${write}, cache read "
        f"${cache.read_per_million} ({cache.source}); minimum {facts.min_tokens:,} tokens a checkpoint ({facts.source})",
    ]
