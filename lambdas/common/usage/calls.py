"""Each kind of paid call, as an upper bound before it (Estimate) and as what it cost after (Metered)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from common.runtime_config import ChatModelSpec, UsagePrices
from common.usage.estimate import PAID_TEXT_POLICIES, Estimate, converse_max, guardrail_max, output_chars, text_units
from common.usage.prices import GUARDRAIL, Metered, converse_cost, guardrail_cost, trace_usages


def guarded_converse_max(model: ChatModelSpec, tokens_in: int, max_tokens: int, guarded: Sequence[int], prices: UsagePrices) -> Estimate:
    """A Converse call with the guardrail: the model, the guarded input texts (characters) and the answer's check."""
    return converse_max(model, tokens_in, max_tokens) + guardrail_max([*guarded, output_chars(max_tokens)], prices)


def converse_metered(
    model: ChatModelSpec, usage: dict[str, Any], response: dict[str, Any], prices: UsagePrices, *, input_blocked: bool
) -> list[Metered]:
    """What Bedrock reported for a Converse/ConverseStream call: its usage and the guardrail usage in its trace. A
    blocked input costs the guardrail's evaluation only (guardrails-how.html, "How charges are calculated")."""
    return [converse_cost(model, usage, inference_billed=not input_blocked), guardrail_cost(trace_usages(response), prices)]


def apply_metered(response: dict[str, Any], prices: UsagePrices) -> Metered:
    """ApplyGuardrail: its `usage` is always present (ApplyGuardrailResponse)."""
    return guardrail_cost([response.get("usage") or {}], prices)


def interrupted_metered(model: ChatModelSpec, tokens_in: int, shown: str, guarded: Sequence[int], prices: UsagePrices) -> list[Metered]:
    """A stream stopped before its final `metadata` event: Bedrock's usage never came, so the input is the bound that
    was reserved and the output the produced text's characters (common/usage/estimate.py); the guardrail's units are
    ceil(characters / 1,000) of what it read on each paid policy. Flagged `estimated`."""
    produced = len(shown)
    model_cost = converse_cost(model, {"inputTokens": tokens_in, "outputTokens": produced})
    checked = guardrail_max([*guarded, len(shown)], prices)
    units = sum(text_units(n) for n in [*guarded, len(shown)]) * len(PAID_TEXT_POLICIES)
    guard = Metered(GUARDRAIL, guardrail_text_units=units, micro_usd=checked.micro_usd, estimated=True)
    return [replace(model_cost, estimated=True), guard]
