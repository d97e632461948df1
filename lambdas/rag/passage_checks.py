"""Retrieved passages through the guardrail before the model reads them (config guardrail.read_checks).

A document in the knowledge base can carry instructions meant for the model (indirect prompt injection). Converse's
guardrail never assesses the passages as input here: the question goes as guard content, so "all unmarked content is
skipped" (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-converse-api.html), and passages qualified
`grounding_source` feed the grounding check alone. So each passage that passed the relevance cut gets its own
ApplyGuardrail call as INPUT (common/read_checks.py: why INPUT, why one call per passage). A passage on which a counted
policy intervened is withheld (action WITHHOLD) or sent and reported (FLAG); the answer names each one
(`withheld` / `flagged`: the document, its URI and the reason). The calls are metered like every guardrail check: their
most is reserved before them, what they reported is added after (common/usage/).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from common.observability import logger
from common.read_checks import TextVerdict, check_texts
from common.usage.estimate import guardrail_max
from common.usage.meter import Meter
from common.usage.prices import guardrail_cost


@dataclass(frozen=True)
class Screened:
    kept: list[Any]  # the passages the model reads, in retrieval order
    withheld: tuple[dict[str, Any], ...] = ()
    flagged: tuple[dict[str, Any], ...] = ()
    checked: bool = False  # False: read_checks is off, no passage was checked

    def event(self) -> dict[str, Any] | None:
        """The stream's `withheld` event data, or None when nothing was withheld or flagged."""
        if not self.withheld and not self.flagged:
            return None
        return {"withheld": list(self.withheld), "flagged": list(self.flagged)}


NOTHING_SCREENED = Screened([])


def source_of(passage: Any) -> dict[str, Any]:
    """The document a LangChain passage came from: its s3 URI, file name and (PDF) page."""
    uri = str((passage.metadata.get("location") or {}).get("s3Location", {}).get("uri", ""))
    source: dict[str, Any] = {"document": unquote(uri.rsplit("/", 1)[-1]), "uri": uri}
    page = (passage.metadata.get("source_metadata") or {}).get("x-amz-bedrock-kb-document-page-number")
    if page is not None:
        source["page"] = int(page)
    return source


def _entry(passage: Any, verdict: TextVerdict) -> dict[str, Any]:
    return {**source_of(passage), "reason": verdict.reasons[0], "reasons": list(verdict.reasons), "policies": list(verdict.policies)}


def screen(passages: list[Any], deps: Any, meter: Meter) -> Screened:
    """`passages` checked by the guardrail (`deps`: rag.query.RagDeps), split into those the model reads and those it
    does not; with read_checks off, or no passage, no call is made."""
    checks = deps.config.guardrail.read_checks
    if not checks.enabled or not passages:
        return Screened(list(passages))
    prices = deps.config.prices
    texts = [p.page_content for p in passages]
    meter.extend(guardrail_max([len(t) for t in texts], prices))  # 429 before the calls when no budget has room
    verdicts = check_texts(deps.bedrock, deps.guardrail_id, deps.guardrail_version, texts, checks.policies)
    meter.add(guardrail_cost([v.usage for v in verdicts], prices))
    hits = [(p, v) for p, v in zip(passages, verdicts, strict=True) if v.withheld]
    entries = tuple(_entry(p, v) for p, v in hits)
    if hits:
        logger.info("passages the guardrail intervened on", extra={"read_checks_action": checks.action, "passages": list(entries)})
    if checks.action == "FLAG":
        return Screened(list(passages), flagged=entries, checked=True)
    withheld_ids = {id(p) for p, _ in hits}
    return Screened([p for p in passages if id(p) not in withheld_ids], withheld=entries, checked=True)
