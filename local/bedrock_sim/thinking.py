"""What each offline text model accepts in `additionalModelRequestFields` and `inferenceConfig`, from the
catalog's facts, and the reasoning it answers with when it thinks. Sources and the texts we modelled
ourselves: docs/local-bedrock.md ("Model parameters and thinking").
"""

from __future__ import annotations

from typing import Any

from infra.catalog import ChatModelInfo
from local.bedrock_sim.protocol import SimError

SIGNATURE = "offline-simulator-signature"
NOVA_REDACTED = "[REDACTED]"  # "reasoning content is redacted in the output and displays as [REDACTED]" (Nova 2)
ANTHROPIC_KEYS = frozenset({"top_k", "thinking", "output_config"})
NOVA_KEYS = frozenset({"inferenceConfig", "reasoningConfig"})
NOVA_INVALID = "Malformed input request: the provided reasoning config value is invalid, please reformat your input and try again."


def _refuse(message: str) -> SimError:
    return SimError("ValidationException", f"The model returned the following errors: {message}")


def _extraneous(key: str) -> SimError:
    return SimError("ValidationException", f"Malformed input request: extraneous key [{key}] is not permitted.")


def check(info: ChatModelInfo, config: dict[str, Any], extra: dict[str, Any]) -> bool:
    """Reject what the model rejects; True when it will think before it answers."""
    if info.family == "anthropic":
        return _check_anthropic(info, config, extra)
    return _check_nova(info, config, extra)


def _check_anthropic(info: ChatModelInfo, config: dict[str, Any], extra: dict[str, Any]) -> bool:
    unknown = sorted(set(extra) - ANTHROPIC_KEYS)
    if unknown:
        raise _extraneous(unknown[0])
    for key, name, allowed in (("temperature", "temperature", info.temperature), ("topP", "top_p", info.top_p)):
        if key in config and allowed is None:
            raise _refuse(f"{name} is deprecated for this model.")
    if "top_k" in extra and info.top_k is None:
        raise _refuse("top_k is deprecated for this model.")
    thinks = _check_thinking(info, extra.get("thinking"))
    _check_effort(info, extra.get("output_config"), thinks)
    if thinks:
        if "temperature" in config and config["temperature"] != 1:
            raise _refuse("`temperature` may only be set to 1 when thinking is enabled or in adaptive mode.")
        if "topP" in config and not 0.95 <= config["topP"] <= 1:
            raise _refuse("`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.")
        if "top_k" in extra:
            raise _refuse("`top_k` must be unset when thinking is enabled.")
    return thinks


def _check_thinking(info: ChatModelInfo, thinking: Any) -> bool:
    reasoning = info.reasoning
    if thinking is None:
        return reasoning is not None and reasoning.thinks_by_default
    kind = thinking.get("type") if isinstance(thinking, dict) else None
    accepted = reasoning.thinking_types if reasoning is not None else ("disabled", "enabled")
    if reasoning is None and kind not in accepted:
        raise _refuse(f"thinking: Input tag '{kind}' found using 'type' does not match any of the expected tags: 'disabled', 'enabled'")
    if kind not in accepted:
        raise _refuse(
            f'"thinking.type.{kind}" is not supported for this model. Use "thinking.type.adaptive" and '
            '"output_config.effort" to control thinking behavior.'
        )
    if kind == "enabled" and not (isinstance(thinking.get("budget_tokens"), int) and thinking["budget_tokens"] >= 1024):
        raise _refuse("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024")
    return kind != "disabled"


def _check_effort(info: ChatModelInfo, output_config: Any, thinks: bool) -> None:
    if output_config is None:
        return
    reasoning = info.reasoning
    keys = sorted(output_config) if isinstance(output_config, dict) else ["effort"]
    if reasoning is None or keys != ["effort"]:
        raise _refuse(f"output_config.{next((k for k in keys if k != 'effort'), 'effort')}: Extra inputs are not permitted")
    effort = output_config["effort"]
    levels = reasoning.model_efforts()
    if effort not in levels:
        raise _refuse(f"output_config.effort: Input should be {', '.join(repr(level) for level in levels[:-1])} or {levels[-1]!r}")
    if not thinks and effort not in reasoning.efforts_without_thinking:
        raise _refuse(
            f'"output_config.effort" "{effort}" requires thinking: use "thinking.type.adaptive" or an effort up to '
            f'"{reasoning.efforts_without_thinking[-1]}".'
        )


def _check_nova(info: ChatModelInfo, config: dict[str, Any], extra: dict[str, Any]) -> bool:
    unknown = sorted(set(extra) - NOVA_KEYS)
    if unknown:
        raise _extraneous(unknown[0])
    nested = extra.get("inferenceConfig", {})
    unknown = sorted(k for k in nested if k != "topK")
    if unknown:
        raise _extraneous(f"inferenceConfig.{unknown[0]}")
    if "reasoningConfig" not in extra:
        return False
    reasoning, wanted = info.reasoning, extra["reasoningConfig"]
    if reasoning is None or not isinstance(wanted, dict) or wanted.get("type") not in reasoning.thinking_types:
        raise SimError("ValidationException", NOVA_INVALID)
    if wanted["type"] == "disabled":
        return False
    if wanted.get("maxReasoningEffort") not in reasoning.model_efforts():
        raise SimError("ValidationException", NOVA_INVALID)
    if wanted["maxReasoningEffort"] == "high" and {"maxTokens", "temperature", "topP"} & set(config):
        raise SimError(
            "ValidationException",
            "Malformed input request: maxTokens, temperature and topP must be unset when "
            "maxReasoningEffort is high, please reformat your input and try again.",
        )
    return True


def reasoning_text(info: ChatModelInfo, last_message: str) -> dict[str, Any]:
    """The reasoningContent block a thinking model answers with before its text (botocore: ReasoningContentBlock)."""
    if info.family == "nova":
        return {"reasoningText": {"text": NOVA_REDACTED}}
    return {"reasoningText": {"text": f"[offline reasoning] Considering «{last_message[:40]}» before answering.", "signature": SIGNATURE}}
