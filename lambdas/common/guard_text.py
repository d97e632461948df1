"""ApplyGuardrail on text that reaches a model outside a guarded Converse message: a user's system
prompt, an image prompt and its English translation.

Masked text is used only when it can be matched to what was sent. Bedrock: "If guardrail intervened
where the content is only masked, the exact content is returned with masking applied", but nothing
promises one output per text block, and the page's own masking example answers a different count
(https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-independent-api.html). Then the
function fails closed (GuardrailMismatchError, 502): no model call with unmasked text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from common.bedrock import bedrock_errors, call_bedrock
from common.errors import GuardrailMismatchError
from common.guardrail import Action, GuardrailOutcome, outcome_from_apply


@dataclass(frozen=True)
class GuardedTexts:
    outcome: GuardrailOutcome
    texts: tuple[str, ...]  # as sent, or masked when the outcome is ANONYMIZED
    usage: dict[str, Any] = field(default_factory=dict)  # the call's GuardrailUsage (metered: common/usage/)


def guard_texts(
    runtime: Any, guardrail_id: str, guardrail_version: str, texts: Sequence[str], source: Literal["INPUT", "OUTPUT"] = "INPUT"
) -> GuardedTexts:
    """The guardrail's verdict on `texts` (one text block each), with the masked texts in the same order."""
    content = [{"text": {"text": text}} for text in texts]
    with bedrock_errors():
        response = call_bedrock(
            runtime.apply_guardrail, guardrailIdentifier=guardrail_id, guardrailVersion=guardrail_version, source=source, content=content
        )
    outcome = outcome_from_apply(response)
    usage = dict(response.get("usage") or {})
    if outcome.action != "ANONYMIZED":
        return GuardedTexts(outcome, tuple(texts), usage)
    outputs = [str(o.get("text", "")) for o in response.get("outputs") or []]
    if len(outputs) != len(texts):
        raise GuardrailMismatchError(
            f"The guardrail masked sensitive information but answered {len(outputs)} masked text(s) for the "
            f"{len(texts)} sent, so the masked text cannot be matched to what was sent. Nothing was generated "
            "with the unmasked text. Retry; if it persists, remove the personal information and try again.",
            details={"sent": len(texts), "outputs": len(outputs)},
        )
    return GuardedTexts(outcome, tuple(outputs), usage)


def combined(earlier: GuardrailOutcome, later: GuardrailOutcome) -> GuardrailOutcome:
    """One outcome for two guardrail passes over one request (e.g. a system prompt, then the message)."""
    if not earlier.intervened or not later.intervened:
        return later if later.intervened else earlier
    action: Action = next(a for a in ("BLOCKED", "ANONYMIZED", "NONE") if a in (earlier.action, later.action))
    policies = tuple(sorted({*earlier.policies, *later.policies}))
    return GuardrailOutcome(True, action, earlier.input_blocked or later.input_blocked, policies, later.message or earlier.message)
