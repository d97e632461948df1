"""What a knowledge-base answer may cost and what it cost (common/usage/).

Reserved in two steps, both before the paid call they cover: before Retrieve, the query embedding, the model call
without passages (window, question, system prompt, maxTokens) and the guardrail on the question and the answer;
after Retrieve, once the passages are known, their characters as input tokens (and, when grounding is checked, as the
grounding source the guardrail reads). Metered: Retrieve's query embedding is estimated (Retrieve reports no usage);
the model call and its guardrail are what Converse reported.
"""

from __future__ import annotations

from typing import Any

from common.runtime_config import ChatModelSpec, UsagePrices
from common.usage.calls import guarded_converse_max
from common.usage.estimate import Estimate, converse_max, embedding_max, guardrail_max, input_bound

SYSTEM_BLOCKS = 1


def before_retrieval(
    model: ChatModelSpec, options: dict[str, Any], question: str, history: list[dict[str, str]], system: str, prices: UsagePrices
) -> Estimate:
    texts = [m["content"] for m in history] + [question, system]
    tokens_in = input_bound(texts, len(history) + 1 + SYSTEM_BLOCKS)
    max_tokens = int(options["inferenceConfig"]["maxTokens"])
    return embedding_max(question, prices) + guarded_converse_max(model, tokens_in, max_tokens, [len(question)], prices)


def passages_cost(model: ChatModelSpec, passages: list[str], *, grounded: bool, prices: UsagePrices) -> Estimate:
    """The passages sent with the question: input tokens (one per character, with their [n] numbering), and the
    grounding check reading them as its source."""
    numbered = "\n\n".join(f"[{i}] {text}" for i, text in enumerate(passages, start=1))
    estimate = converse_max(model, len(numbered), 0)
    return estimate + guardrail_max([len(numbered)], prices) if grounded else estimate


def bedrock_usage(usage_metadata: dict[str, Any] | None) -> dict[str, Any]:
    """Converse's TokenUsage back from LangChain's usage_metadata, which adds the cache tokens into input_tokens and
    keeps them in input_token_details (langchain_aws bedrock_converse `_extract_usage_metadata`)."""
    if not usage_metadata:
        return {}
    details = usage_metadata.get("input_token_details") or {}
    read = int(details.get("cache_read") or 0)
    hour, five = int(details.get("ephemeral_1h_input_tokens") or 0), int(details.get("ephemeral_5m_input_tokens") or 0)
    written = int(details.get("cache_creation") or 0) or hour + five
    usage: dict[str, Any] = {
        "inputTokens": int(usage_metadata.get("input_tokens", 0)) - read - written,
        "outputTokens": int(usage_metadata.get("output_tokens", 0)),
        "cacheReadInputTokens": read,
        "cacheWriteInputTokens": written,
    }
    if hour or five:
        usage["cacheDetails"] = [{"ttl": "1h", "inputTokens": hour}, {"ttl": "5m", "inputTokens": five}]
    return usage
