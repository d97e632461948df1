"""Converse cache points for a chat request: where the chosen model takes them, only past its documented minimum.

AWS (https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html): a cache checkpoint marks the end of
a prompt prefix to cache; checkpoint n counts only once the prefix holds n x the model's minimum ("the first cache
checkpoint can be defined after 1,024 tokens and the second cache checkpoint can be defined after 2,048 tokens"); one
placed before that still succeeds but caches nothing. The block is `{"cachePoint": {"type": "default", "ttl"?}}`
(https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CachePointBlock.html; `ttl` omitted: 5 minutes).
The model's minimum, maximum, fields and TTLs come from the catalog (infra/catalog/prompt_caching.py).

Where this product puts them (at most three, never over the model's maximum):
1. after the system prompt (stable for the whole conversation);
2. after the previous turn's window, where point 3 stood last turn: the same prefix, so it is read from the cache;
3. after this turn's window (everything before the new message): written now, read by the next turn.
Points 2 and 3 are sent only while the window still grows (`window_full`): once it holds `memory.window_turns` turns,
or the next turn is likely to overflow `memory.max_context_chars`, its oldest turn leaves it on the next turn, the
prefix changes and a write would never be read (point 1 still is).

Token estimate (the tokenizers are not published): one token per LATIN_CHARS characters of non-CJK text, the usual
average of English, and per CJK_CHARS characters of CJK text, where a Hangul syllable is one token or more (counted
low). The count decides only whether a point is worth sending: a point whose real prefix falls short of the minimum
"will still succeed, but your prefix will not be cached" (the page above), so misjudging it costs nothing and can
never fail a call; what must never be exceeded, the maximum number of points, does not depend on the estimate.
"""

from __future__ import annotations

from typing import Any

from common.runtime_config import CachingSpec, ChatModelSpec, Memory, PromptCachingConfig
from common.text import text_blocks

LATIN_CHARS = 4
CJK_CHARS = 2
MOST_POINTS = 3  # system, the previous window, this window


def low_tokens(text: str) -> int:
    """About how many tokens `text` is (see the module's note: Latin at the average, CJK counted low)."""
    cjk = sum(1 for ch in text if ord(ch) >= 0x1100)
    return (len(text) - cjk) // LATIN_CHARS + cjk // CJK_CHARS


def window_full(history: list[dict[str, str]], message: str, memory: Memory) -> bool:
    """Whether the next turn's window is likely to drop this one's oldest turn: it holds `window_turns` turns, or this
    window, this message, a reply as long as the last one and a next message as long as this one overflow the budget."""
    if len(history) // 2 >= memory.window_turns:
        return True
    last_reply = len(history[-1]["content"]) if history else 0
    used = sum(len(m["content"]) for m in history)
    return used + 2 * len(message) + last_reply > memory.max_context_chars


def point(ttl: str) -> dict[str, Any]:
    """A cache point block; the 5-minute default is sent without `ttl`."""
    return {"cachePoint": {"type": "default", **({"ttl": ttl} if ttl != "5m" else {})}}


def with_cache_points(call: dict[str, Any], model: ChatModelSpec, settings: PromptCachingConfig, *, window_full: bool) -> dict[str, Any]:
    """`call` (a Converse request whose last message is the new user message) with its cache points, or unchanged when
    the model takes none, caching is off, or no prefix passes the minimum."""
    caching = model.caching
    if caching is None or not settings.enabled:
        return call
    ttl = settings.ttl if settings.ttl in caching.ttls else "5m"
    limit = min(caching.max_points, MOST_POINTS)
    placed = 0
    prefix = 0
    system = list(call.get("system") or [])
    if system and "system" in caching.fields:
        prefix += sum(low_tokens(block.get("text", "")) for block in system)
        if _passes(prefix, placed, caching):
            system.append(point(ttl))
            placed += 1
    messages = [dict(m) for m in call["messages"]]
    history = len(messages) - 1
    if "messages" in caching.fields and not window_full and history > 0:
        ends = sorted({i for i in (history - 3, history - 1) if i >= 0})  # the previous window's last message, this one's
        counted = 0
        for end in ends:
            prefix += sum(low_tokens(text_blocks(m["content"])) for m in messages[counted : end + 1])
            counted = end + 1
            if placed < limit and _passes(prefix, placed, caching):
                messages[end] = {**messages[end], "content": [*messages[end]["content"], point(ttl)]}
                placed += 1
    if placed == 0:
        return call
    result = {**call, "messages": messages}
    if system:
        result["system"] = system
    return result


def _passes(prefix: int, placed: int, caching: CachingSpec) -> bool:
    return prefix >= (placed + 1) * caching.min_tokens
