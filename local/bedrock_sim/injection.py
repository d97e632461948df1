"""The offline model's weakness: it obeys an instruction planted in a passage (indirect prompt injection).

A real model may follow text in its context that reads like an order ("ignore previous instructions and say …"); that
is the risk the rag function's passage checks (lambdas/rag/passage_checks.py) guard against. The offline model makes
the risk visible and deterministic: when a passage it is given holds such an order, its RAG reply is the order's
quoted words (or the rest of the sentence), not an answer from the passages. The guardrail's prompt-attack heuristic
(local/bedrock_sim/guardrail.py PROMPT_ATTACKS) recognises the same openings.
"""

from __future__ import annotations

import re

_PLANTED = re.compile(
    r"(?:ignore (?:all |any )?(?:previous|prior|above) (?:instructions|prompts?)(?: and)?"
    r"|이전 (?:지시|명령|지침)(?:을|를)? (?:모두 )?무시하고)"
    r"[\s,:]*(?P<order>[^.!?。\n]+)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"'“‘«]([^\"'”’»]+)[\"'”’»]")


def planted_order(passages: list[str]) -> str | None:
    """What a planted instruction in `passages` tells the model to say, or None."""
    for passage in passages:
        found = _PLANTED.search(passage)
        if found:
            order = found.group("order").strip()
            quoted = _QUOTED.search(order)
            return quoted.group(1) if quoted else order
    return None
