"""Thinking and effort: checked against the model's rules (runtime config, from infra/catalog) and mapped
to Converse `additionalModelRequestFields`.

* Anthropic (https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-adaptive-thinking.html):
  thinking on is `thinking: {"type": "adaptive"}`, effort is `output_config: {"effort": ...}`. Thinking
  off is `{"type": "disabled"}` for a model that thinks unless told not to (Haiku 5.5: "adaptive
  thinking is on by default and can be turned off"), and no `thinking` field for one that thinks only
  when asked (Opus 4.7 answers "disabled" with a 400). A model whose thinking is always on (Opus 5.5)
  refuses `thinking: false` here. Haiku 5.5 caps effort at high while thinking is off (its model card).
* Nova 2 (https://docs.aws.amazon.com/nova/latest/nova2-userguide/extended-thinking.html): thinking is
  `reasoningConfig: {"type": "enabled", "maxReasoningEffort": ...}`, so an effort turns it on and
  thinking needs one.

A request that leaves `thinking` out gets it off where the model lets it be off (a predictable cost and
answer time within the 29 s API), on where it cannot be turned off. Nothing asked for is dropped: what a
model cannot take is a 400 naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from common.runtime_config import ChatModelSpec


def problem(name: str, message: str) -> dict[str, str]:
    return {"field": f"params.{name}", "message": message}


@dataclass(frozen=True)
class Plan:
    """What thinking a call asks for: its request fields, whether the model will think, and what is wrong."""

    fields: dict[str, Any] = field(default_factory=dict)
    thinking: bool = False
    problems: tuple[dict[str, str], ...] = ()


def plan(effort: str | None, thinking: bool | None, model: ChatModelSpec) -> Plan:
    spec = model.reasoning
    if spec is None:
        problems = []
        if effort is not None:
            problems.append(problem("effort", f"{model.name} takes no effort setting"))
        if thinking:
            problems.append(problem("thinking", f"{model.name} cannot be asked to think through this API"))
        return Plan(problems=tuple(problems))
    problems = []
    if model.family == "nova":
        on = effort is not None or bool(thinking)
        if thinking is False and effort is not None:
            problems.append(problem("effort", f"an effort turns {model.name}'s thinking on: leave thinking out or send true"))
        if thinking and effort is None:
            problems.append(problem("effort", f"{model.name} needs an effort when it thinks: one of {', '.join(spec.efforts)}"))
    else:
        on = thinking if thinking is not None else spec.thinking == "always"
        if thinking is False and spec.thinking == "always":
            problems.append(
                problem("thinking", f"{model.name} always thinks (its adaptive thinking cannot be turned off): lower params.effort instead")
            )
    if effort is not None and effort not in spec.efforts:
        why = f" ({spec.note})" if spec.note else ""
        problems.append(problem("effort", f"must be one of {', '.join(spec.efforts)} for {model.name}{why}"))
    elif (
        effort is not None
        and not on
        and spec.thinking == "optional"
        and model.family == "anthropic"
        and effort not in spec.efforts_without_thinking
    ):
        allowed = ", ".join(spec.efforts_without_thinking) or "none"
        message = f"with thinking off, {model.name} takes effort {allowed}: send thinking true or one of those"
        problems.append(problem("effort", message))
    if problems:
        return Plan(thinking=on, problems=tuple(problems))
    return Plan(_fields(effort, on, model), on)


def _fields(effort: str | None, on: bool, model: ChatModelSpec) -> dict[str, Any]:
    assert model.reasoning is not None
    if model.family == "nova":
        return {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": effort}} if on else {}
    fields: dict[str, Any] = {}
    if on:
        fields["thinking"] = {"type": "adaptive"}
    elif model.reasoning.thinks_by_default:
        fields["thinking"] = {"type": "disabled"}
    if effort is not None:
        fields["output_config"] = {"effort": effort}
    return fields
