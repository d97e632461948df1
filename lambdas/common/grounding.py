"""Whether to ask the guardrail's contextual grounding check for a question.

A deployed guardrail grounds on the tier CloudFormation leaves it (CLASSIC: English, French, Spanish;
see infra/guardrail_policy.py and docs/configuration.md#contextual-grounding), and "guardrails are
ineffective with languages that aren't supported"
(https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-supported-languages.html).
Without a language detector the function checks the script: every letter of the question must be in
one of the tier's scripts (CLASSIC: Latin).
"""

from __future__ import annotations

import unicodedata

from common.runtime_config import GroundingCheck


def reads(text: str, scripts: tuple[str, ...] | None) -> bool:
    """Whether a tier reading `scripts` (None: any) reads `text`: it has letters, all in those scripts."""
    if scripts is None:
        return True
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(unicodedata.name(ch, "").startswith(scripts) for ch in letters)


def checks_grounding(grounding: GroundingCheck | None, question: str) -> bool:
    """Ask for grounding only when the guardrail has the policy and its tier reads the question."""
    return grounding is not None and reads(question, grounding.scripts)
