"""The most a chat turn can cost, reserved before its first paid call (common/usage/estimate.py says why each part
bounds what Bedrock will report)."""

from __future__ import annotations

from typing import Any

from chat.models import ChatRequest
from common.runtime_config import ChatModelSpec, UsagePrices
from common.usage.calls import guarded_converse_max
from common.usage.estimate import Estimate, guardrail_max, input_bound


def turn_estimate(
    model: ChatModelSpec,
    history: list[dict[str, str]],
    request: ChatRequest,
    system_prompt: str | None,
    options: dict[str, Any],
    prices: UsagePrices,
    *,
    streaming: bool,
) -> tuple[Estimate, int]:
    """(the turn's most, the most input tokens its model call counts). Paid calls: the user's system prompt checked by
    ApplyGuardrail; Converse with the window, the message and the system prompt, its guardrail reading the message
    and the answer; a stream stopped part-way checks the message once more (ApplyGuardrail, to store it masked)."""
    texts = [m["content"] for m in history] + [request.message] + ([system_prompt] if system_prompt else [])
    tokens_in = input_bound(texts, len(history) + 2)
    max_tokens = int(options["inferenceConfig"]["maxTokens"])
    estimate = guarded_converse_max(model, tokens_in, max_tokens, [len(request.message)], prices)
    if request.system_prompt:
        estimate += guardrail_max([len(request.system_prompt)], prices)
    if streaming:
        estimate += guardrail_max([len(request.message)], prices)
    return estimate, tokens_in
