"""Which text each guardrail policy reads in a Converse or ApplyGuardrail request (the qualifier rule).

Converse (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-converse-api.html):
- with guardContent blocks, the input policies (content filters, prompt attack, denied topics, word
  filters, PII and regexes) assess only guardContent text; all unmarked content is skipped;
- without guardContent, they assess every message's text (the system prompt is not assessed).
Qualifiers (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-contextual-grounding-check.html,
https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_GuardrailConverseTextBlock.html):
text qualified only `grounding_source` and/or `query` feeds the contextual grounding check alone; the
other policies read text qualified `guard_content` (one block may carry several qualifiers) or carrying
none. ApplyGuardrail follows the same rule over its text blocks.
"""

from __future__ import annotations

from typing import Any

from local.bedrock_sim.model import text_of

POLICED = "guard_content"


def policed(qualifiers: list[str] | None) -> bool:
    """Whether the input policies read a guarded text block with these qualifiers."""
    return not qualifiers or POLICED in qualifiers


def _guard_blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [block["guardContent"]["text"] for block in message["content"] if "text" in block.get("guardContent", {})]


def guarded_texts(messages: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """(message index, text) the input policies assess in a Converse request."""
    if any(_guard_blocks(m) for m in messages):
        return [(i, b["text"]) for i, m in enumerate(messages) for b in _guard_blocks(m) if policed(b.get("qualifiers"))]
    return [(i, text_of(m["content"])) for i, m in enumerate(messages)]


def qualified(messages: list[dict[str, Any]], qualifier: str) -> list[str]:
    """The guardContent text carrying `qualifier` (grounding_source, query)."""
    return [b["text"] for m in messages for b in _guard_blocks(m) if qualifier in (b.get("qualifiers") or [])]


def apply_blocks(content: list[dict[str, Any]]) -> tuple[list[str], list[str], str]:
    """ApplyGuardrail's text blocks: (text the policies assess, grounding sources, query)."""
    blocks = [block["text"] for block in content if "text" in block]
    assessed = [b["text"] for b in blocks if policed(b.get("qualifiers"))]
    sources = [b["text"] for b in blocks if "grounding_source" in (b.get("qualifiers") or [])]
    query = "\n".join(b["text"] for b in blocks if "query" in (b.get("qualifiers") or []))
    return assessed, sources, query
