"""The guardrail on text the model reads but no user typed: retrieved passages (rag) and text extracted from an
attached document (chat). Such text can carry instructions (indirect prompt injection); each piece is checked with
ApplyGuardrail before it reaches a model, and a piece on which a counted policy intervened is withheld (or flagged).

What the docs decide:
- `source` INPUT. ApplyGuardrail: "When the content to be evaluated is from a user (typically the input prompt to the
  LLM), the source field should be set to INPUT"; OUTPUT is for model responses
  (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-independent-api.html). The prompt-attack filter
  is an input filter: it is defined on "user prompts" (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-prompt-attack.html)
  and a guardrail accepts only NONE as its output strength (infra/constructs/guardrail.py). Sent as OUTPUT, a planted
  instruction would never be assessed for prompt attack; so the text goes as INPUT, without qualifiers (unqualified
  ApplyGuardrail text is content to guard; text qualified only `grounding_source`/`query` would feed the grounding
  check alone: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_GuardrailConverseTextBlock.html).
- One call per piece, run side by side. ApplyGuardrail answers one `action` for the whole call, and neither the API
  reference (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ApplyGuardrail.html) nor the user
  guide ties an entry of `assessments` or `outputs` to a content block (the guide's own masking example answers a
  different count of outputs than blocks). A batched call that intervened could not say which passage to withhold
  without a second round of calls, which would charge the same text twice. Per piece, the verdict is the piece's own.
  The text units are the same either way: a text unit is 1,000 characters of one text, charged per policy (pricing
  material; GuardrailUsage reports the units: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_GuardrailUsage.html).
  No AWS page gives a per-request size limit for ApplyGuardrail's text; the API model sets none.
- Every configured policy of the guardrail runs on each call (a guardrail is applied whole): the `policies` setting
  decides which interventions withhold a piece, not what is evaluated or charged. PII masking of a passage is not a
  reason by default: the answer's own output check masks what the model repeats.
- A failed call fails the request (no model call with text that was not checked).
"""

from __future__ import annotations

import contextvars
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from common.bedrock import bedrock_errors, call_bedrock
from common.guardrail import findings

Policy = Literal["PROMPT_ATTACK", "DENIED_TOPICS", "CONTENT_FILTERS", "WORDS", "SENSITIVE_INFORMATION"]
POLICIES: tuple[Policy, ...] = ("PROMPT_ATTACK", "DENIED_TOPICS", "CONTENT_FILTERS", "WORDS", "SENSITIVE_INFORMATION")
DEFAULT_POLICIES: tuple[Policy, ...] = ("PROMPT_ATTACK", "DENIED_TOPICS")
_BY_KIND: dict[str, Policy] = {"topic": "DENIED_TOPICS", "word": "WORDS", "pii": "SENSITIVE_INFORMATION", "regex": "SENSITIVE_INFORMATION"}
MAX_PARALLEL = 5  # calls in flight at once (a query checks at most 20 passages: RagQuery.number_of_results)


@dataclass(frozen=True)
class TextVerdict:
    """The guardrail's verdict on one piece of text."""

    withheld: bool  # a counted policy intervened
    reasons: tuple[Policy, ...]  # the counted policies that intervened, in POLICIES order
    policies: tuple[str, ...]  # every finding that acted, as labelled in common/guardrail.py (e.g. content:PROMPT_ATTACK)
    usage: dict[str, Any] = field(default_factory=dict)  # the call's GuardrailUsage (metered: common/usage/)


def policy_of(label: str) -> Policy | None:
    """The configurable policy a finding label belongs to (None: grounding, which needs a question and an answer)."""
    kind, _, name = label.partition(":")
    if kind == "content":
        return "PROMPT_ATTACK" if name == "PROMPT_ATTACK" else "CONTENT_FILTERS"
    return _BY_KIND.get(kind)


def verdict(response: dict[str, Any], counted: Collection[str]) -> TextVerdict:
    """The verdict in one ApplyGuardrail answer, counting only the `counted` policies."""
    acted = sorted({label for a in response.get("assessments") or [] for label, action in findings(a) if action != "NONE"})
    usage = dict(response.get("usage") or {})
    if response.get("action") != "GUARDRAIL_INTERVENED":
        return TextVerdict(False, (), tuple(acted), usage)
    hit = {policy_of(label) for label in acted}
    reasons = tuple(p for p in POLICIES if p in hit and p in counted)
    return TextVerdict(bool(reasons), reasons, tuple(acted), usage)


def check_texts(
    runtime: Any, guardrail_id: str, guardrail_version: str, texts: Sequence[str], counted: Collection[str] = DEFAULT_POLICIES
) -> list[TextVerdict]:
    """One verdict per text, in order: each text is its own ApplyGuardrail call (source INPUT), at most MAX_PARALLEL at
    once. A blank text is not sent (ApplyGuardrail has nothing to read) and passes."""

    def one(text: str) -> TextVerdict:
        if not text.strip():
            return TextVerdict(False, (), ())
        with bedrock_errors():
            response = call_bedrock(
                runtime.apply_guardrail,
                guardrailIdentifier=guardrail_id,
                guardrailVersion=guardrail_version,
                source="INPUT",
                content=[{"text": {"text": text}}],
            )
        return verdict(response, counted)

    if len(texts) <= 1:
        return [one(text) for text in texts]
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(texts))) as pool:
        # Each call runs in a copy of this context: the Lambda deadline (common/deadline.py) is a ContextVar.
        futures = [pool.submit(contextvars.copy_context().run, one, text) for text in texts]
        return [f.result() for f in futures]
