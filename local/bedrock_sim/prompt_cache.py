"""Prompt caching of the offline Bedrock: Converse / ConverseStream `cachePoint` blocks checked and accounted as Bedrock does.

Rules (docs/local-bedrock.md#prompt-caching lists each with its source):
* A cache point on a model without prompt caching (infra/catalog/prompt_caching.py has no entry): AccessDeniedException
  "You invoked an unsupported model or your request did not allow prompt caching." [second-hand: live calls reported in
  strands-agents/sdk-python#1807 and BerriAI/litellm#39210].
* In a field the model does not take them in (Nova: no `tools`), more than the model's maximum (4), a `ttl` the model
  does not offer, a longer TTL after a shorter one (tools → system → messages), or right after a reasoning block:
  ValidationException [second-hand messages; the maximum of 4 from a copy of the AWS table].
* Checkpoint n counts only once the prefix holds n x the model's minimum; below it the call succeeds uncached
  (https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html).
* A prefix is remembered per (model, hash of everything before the point, cache points left out) for its TTL (5 minutes,
  or the point's `ttl`), which "resets with each successful cache hit" (same page).
* Usage (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html): cacheReadInputTokens =
  the longest remembered prefix at one of the request's counted points; cacheWriteInputTokens = from there to the last
  counted point; cacheDetails splits the writes by TTL (1h before 5m); inputTokens = the rest ("any tokens not read from
  or written to cache, are charged at the standard input token rate"); totalTokens adds them all (not documented).
Only prefixes at the request's own points are looked up (no look-back to earlier block boundaries: not documented).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from infra.catalog.prompt_caching import PromptCaching, prompt_caching
from local.bedrock_sim.content_blocks import image_of, raw
from local.bedrock_sim.file_tokens import block_tokens
from local.bedrock_sim.model import tokens
from local.bedrock_sim.protocol import SimError

if TYPE_CHECKING:
    from local.bedrock_sim.server import BedrockSimulator

TTL_SECONDS = {"5m": 300.0, "1h": 3600.0}
AFTER_REASONING = "Cache point cannot be inserted after reasoning block. Please remove the invalid cache point and try again."
UNSUPPORTED = "You invoked an unsupported model or your request did not allow prompt caching."


@dataclass(frozen=True)
class Point:
    field: str  # tools, system or messages
    prefix_tokens: int
    digest: str
    ttl: str


@dataclass
class CacheUsage:
    """What a request read from and wrote to the cache; `points` False: it had no cache point (no cache fields reported)."""

    total: int
    read: int = 0
    written: int = 0
    details: list[dict[str, Any]] = field(default_factory=list)
    points: bool = False

    def usage(self, output_tokens: int) -> dict[str, Any]:
        uncached = self.total - self.read - self.written
        usage: dict[str, Any] = {"inputTokens": uncached, "outputTokens": output_tokens}
        usage["totalTokens"] = uncached + output_tokens + self.read + self.written
        if self.points:
            usage["cacheReadInputTokens"] = self.read
            usage["cacheWriteInputTokens"] = self.written
            if self.details:
                usage["cacheDetails"] = self.details
        return usage


class PromptCache:
    """The remembered prefixes of one simulator; `clock` (seconds) can be replaced to age them in tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._entries: dict[tuple[str, str], tuple[float, float]] = {}  # (model, digest) -> (expires at, ttl seconds)
        self._lock = threading.Lock()

    def account(self, model_id: str, points: list[Point], total: int, rules: PromptCaching | None) -> CacheUsage:
        """Read the longest remembered counted prefix, write the counted ones after it (each point's TTL)."""
        if not points or rules is None:
            return CacheUsage(total, points=bool(points))
        counted = [p for n, p in enumerate(points, start=1) if p.prefix_tokens >= n * rules.min_tokens]
        now = self.clock()
        with self._lock:
            hit = -1
            for i, p in enumerate(counted):
                entry = self._entries.get((model_id, p.digest))
                if entry is not None and entry[0] > now:
                    hit = i
            read = counted[hit].prefix_tokens if hit >= 0 else 0
            for p in counted[: hit + 1]:
                entry = self._entries.get((model_id, p.digest))
                if entry is not None and entry[0] > now:
                    self._entries[(model_id, p.digest)] = (now + entry[1], entry[1])  # the TTL resets on a hit
            details: dict[str, int] = {}
            start = read
            for p in counted[hit + 1 :]:
                seconds = TTL_SECONDS[p.ttl]
                self._entries[(model_id, p.digest)] = (now + seconds, seconds)
                details[p.ttl] = details.get(p.ttl, 0) + p.prefix_tokens - start
                start = p.prefix_tokens
        written = start - read
        shown = [{"ttl": ttl, "inputTokens": details[ttl]} for ttl in ("1h", "5m") if details.get(ttl)]
        return CacheUsage(total, read, written, shown, points=True)


_CACHES: weakref.WeakKeyDictionary[Any, PromptCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def cache_of(sim: BedrockSimulator) -> PromptCache:
    """The simulator's prompt cache (made on first use)."""
    with _CACHES_LOCK:
        if sim not in _CACHES:
            _CACHES[sim] = PromptCache()
        return _CACHES[sim]


def prompt_points(foundation_model_id: str, params: dict[str, Any]) -> tuple[list[Point], int, PromptCaching | None]:
    """The request's cache points (checked as Bedrock checks them), the prompt's tokens, and the model's rules."""
    rules = prompt_caching(foundation_model_id)
    hasher = hashlib.sha256(foundation_model_id.encode())
    points: list[Point] = []
    total = 0
    tools = (params.get("toolConfig") or {}).get("tools") or []
    parts: list[tuple[str, str, str, list[dict[str, Any]]]] = [
        ("tools", "toolConfig.tools", "tools", tools),
        ("system", "system", "system", params.get("system") or []),
    ]
    parts += [("messages", f"messages.{i}.content", m["role"], m["content"]) for i, m in enumerate(params.get("messages") or [])]
    for field_name, path, label, blocks in parts:
        hasher.update(label.encode() + b"\0")
        for j, block in enumerate(blocks):
            if "cachePoint" in block:
                _check_point(rules, field_name, f"{path}.{j}", blocks[j - 1] if j else None)
                ttl = block["cachePoint"].get("ttl") or "5m"
                points.append(Point(field_name, total, hasher.copy().hexdigest(), ttl))
                continue
            text = json.dumps(block, sort_keys=True, ensure_ascii=False, default=str)
            hasher.update(text.encode())
            total += _block_tokens(block, foundation_model_id)
    if points:
        _check_request(rules, points)
    return points, total, rules


def _block_tokens(block: dict[str, Any], model_id: str) -> int:
    if "text" in block:
        return tokens(block["text"])
    guarded = (block.get("guardContent") or {}).get("text")
    if guarded is not None:
        return tokens(guarded["text"])
    file = image_of(block) or block.get("document")
    if file is not None and "bytes" in file.get("source", {}):  # an attached file: its documented count (file_tokens.py)
        return block_tokens(model_id, block, raw(file["source"]["bytes"]) or b"")
    return tokens(json.dumps(block, ensure_ascii=False, default=str))


def _check_point(rules: PromptCaching | None, field_name: str, path: str, before: dict[str, Any] | None) -> None:
    if rules is None:
        raise SimError("AccessDeniedException", UNSUPPORTED, 403)
    if field_name not in rules.fields:
        raise SimError("ValidationException", f"The model does not support a cache point in {field_name} ({path}).")
    if before is not None and "reasoningContent" in before:
        raise SimError("ValidationException", AFTER_REASONING)


def _check_request(rules: PromptCaching | None, points: list[Point]) -> None:
    assert rules is not None  # _check_point refused every point of a model without rules
    if len(points) > rules.max_points:
        raise SimError(
            "ValidationException",
            f"The model returned the following errors: A maximum of {rules.max_points} blocks with cache_control may be provided. "
            f"Found {len(points)}.",
        )
    for p in points:
        if p.ttl not in rules.ttls:
            raise SimError("ValidationException", f"The model does not support the cache point TTL {p.ttl}.")
    for earlier, later in pairwise(points):
        if TTL_SECONDS[later.ttl] > TTL_SECONDS[earlier.ttl]:
            raise SimError(
                "ValidationException",
                "The model returned the following errors: a ttl='1h' cache point cannot come after a ttl='5m' cache point.",
            )
