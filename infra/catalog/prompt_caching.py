"""Prompt caching per chat model (Converse `cachePoint` blocks), with where each fact was read.

What AWS documents (https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html [official; the English
page and its ko_kr/ja_jp copies]):
* A cache checkpoint marks the end of a prompt prefix to cache; "cache checkpoints have a minimum and maximum number
  of tokens, depending on the specific model" and a checkpoint counts only once the prefix meets it: "the first cache
  checkpoint can be defined after 1,024 tokens and the second cache checkpoint can be defined after 2,048 tokens"
  (Claude 3.7 Sonnet's example). "If you try to add a cache checkpoint before meeting the minimum number of tokens
  required, your inference will still succeed, but your prefix will not be cached."
* The cache "has a Time To Live (TTL), which resets with each successful cache hit"; most models have a 5-minute TTL,
  "Claude Opus 4.5, Claude Haiku 4.5 and Claude Sonnet 4.5" also an extended 1-hour one.
* Tokens read from the cache are charged at a reduced rate, tokens written to it may cost more than input tokens, and
  "any tokens not read from or written to cache, are charged at the standard input token rate".
* The block: `{"cachePoint": {"type": "default", "ttl"?: "5m" | "1h"}}` in `system`, a message's `content` or
  `toolConfig.tools` (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CachePointBlock.html).

Per-model minimums, the maximum of 4 checkpoints a request and the fields each model takes them in: the AWS table
("Supported models, Regions, and limits") could not be read whole; its rows for Claude 3.7 Sonnet (1,024, 4, system /
messages / tools), Claude 3.5 Haiku (2,048) and Nova Micro / Lite / Pro (1,000, 4, system / messages; "a maximum of
32k tokens for prompt caching") are [second-hand: a copy of the AWS table in Portkey's Bedrock prompt-caching guide].
The rows for the models of this catalog are [second-hand] (LiteLLM's and orq.ai's per-model tables, issue reports of
live calls). Where those sources differ the larger minimum is kept: a checkpoint below the real minimum is harmless on
AWS (not cached, no error), so a larger figure can only forgo a saving, never fail a call. A model whose support could
not be read at all is left out (no cache point is ever sent to it): sending one to a model without prompt caching is
refused ("You invoked an unsupported model or your request did not allow prompt caching", an AccessDeniedException
[second-hand: strands-agents/sdk-python#1807, tested live with Llama; BerriAI/litellm#39210]).
"""

from __future__ import annotations

from dataclasses import dataclass

TABLE = "https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html"


@dataclass(frozen=True)
class PromptCaching:
    min_tokens: int  # per checkpoint: checkpoint n counts once the prefix holds n x min_tokens
    max_points: int  # cache checkpoints in one request, system, messages and tools together
    ttls: tuple[str, ...]  # the CachePointBlock ttl values the model takes ("5m": the default)
    fields: tuple[str, ...]  # where the model takes a cache point: system, messages, tools
    source: str


CLAUDE_FIELDS = ("system", "messages", "tools")
NOVA_FIELDS = ("system", "messages")
HOUR = ("5m", "1h")
FIVE = ("5m",)
_HOUR_OFFICIAL = f"1h TTL [official: {TABLE} names Opus 4.5, Haiku 4.5, Sonnet 4.5]"
_HOUR_REPORTED = "1h TTL [second-hand: live reports on Sonnet 4.6, Opus 4.6, Opus 4.7 (anomalyco/opencode#23106)]"
_UNKNOWN_MIN = "minimum not found for this model: the largest Claude minimum on Bedrock (4,096) is kept"

PROMPT_CACHING: dict[str, PromptCaching] = {
    "anthropic.claude-haiku-5-5": PromptCaching(4_096, 4, FIVE, CLAUDE_FIELDS, f"[second-hand] {_UNKNOWN_MIN}; 5m only (1h not confirmed)"),
    "anthropic.claude-opus-5-5": PromptCaching(4_096, 4, FIVE, CLAUDE_FIELDS, f"[second-hand] {_UNKNOWN_MIN}; 5m only (1h not confirmed)"),
    "anthropic.claude-opus-4-7": PromptCaching(
        4_096, 4, HOUR, CLAUDE_FIELDS, f"4,096 [second-hand: LiteLLM's Bedrock table]; {_HOUR_REPORTED}"
    ),
    "anthropic.claude-opus-4-6-v1": PromptCaching(
        4_096, 4, HOUR, CLAUDE_FIELDS, f"4,096 [second-hand: LiteLLM's Bedrock table, orq.ai]; {_HOUR_REPORTED}"
    ),
    "anthropic.claude-sonnet-4-6": PromptCaching(
        2_048, 4, HOUR, CLAUDE_FIELDS, f"2,048 [second-hand: orq.ai; LiteLLM says 1,024: the larger kept]; {_HOUR_REPORTED}"
    ),
    "anthropic.claude-sonnet-4-5-20250929-v1:0": PromptCaching(
        1_024, 4, HOUR, CLAUDE_FIELDS, f"1,024 [second-hand: LiteLLM's Bedrock table, orq.ai]; {_HOUR_OFFICIAL}"
    ),
    "anthropic.claude-haiku-4-5-20251001-v1:0": PromptCaching(
        4_096, 4, HOUR, CLAUDE_FIELDS, f"4,096 [second-hand: LiteLLM's Bedrock table, orq.ai]; {_HOUR_OFFICIAL}"
    ),
    "amazon.nova-lite-v1:0": PromptCaching(
        1_000, 4, FIVE, NOVA_FIELDS, f"1,000, 4, system/messages [second-hand copy of {TABLE}'s table]; GA [official, same page]"
    ),
    "amazon.nova-pro-v1:0": PromptCaching(
        1_000, 4, FIVE, NOVA_FIELDS, f"1,000, 4, system/messages [second-hand copy of {TABLE}'s table]; GA [official, same page]"
    ),
    # amazon.nova-2-lite-v1:0: not on the pages read, so no cache point is sent to it.
}


def prompt_caching(foundation_model_id: str) -> PromptCaching | None:
    """The model's prompt-caching facts, or None when this product sends it no cache point."""
    return PROMPT_CACHING.get(foundation_model_id)
