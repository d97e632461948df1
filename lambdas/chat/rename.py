"""PATCH /conversations/{id}: a title the user types, checked by the guardrail like every other text a user sends.

The automatic title comes from the stored first message, which the guardrail already checked (masked PII stays
masked); a typed title gets the same treatment, so nothing a user types is stored unchecked. One ApplyGuardrail
call (source INPUT; https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-independent-api.html),
metered on the caller's budgets like the other guardrail checks. ANONYMIZED: the masked title is stored; BLOCKED:
the title is left as it was and the answer says why. The conversation must be the caller's (404 before any paid call).
"""

from __future__ import annotations

from typing import Any

from chat.turn_deps import ChatDeps
from common import conversation_titles
from common.auth import Caller
from common.errors import NotFoundError
from common.guard_text import guard_texts
from common.guardrail import GuardrailOutcome
from common.observability import GUARDRAIL_INTERVENTIONS, MetricUnit, metrics
from common.usage.estimate import guardrail_max
from common.usage.meter import UNMETERED
from common.usage.prices import guardrail_cost


def rename(caller: Caller, conversation_id: str, title: str, deps: ChatDeps) -> tuple[dict[str, Any], GuardrailOutcome]:
    """(the summary as stored afterwards, the guardrail's verdict on `title`); `title` is already valid (chat/models.py)."""
    if deps.store.get_summary(caller.sub, conversation_id) is None:
        raise NotFoundError("conversation not found")
    prices = deps.config.prices
    meter = deps.metering.start(caller, guardrail_max([len(title)], prices)) if deps.metering else UNMETERED
    with meter.charging():
        guarded = guard_texts(deps.bedrock, deps.guardrail_id, deps.guardrail_version, [title])
        meter.add(guardrail_cost([guarded.usage], prices))
    meter.settle()
    if guarded.outcome.action == "BLOCKED":
        metrics.add_metric(name=GUARDRAIL_INTERVENTIONS, unit=MetricUnit.Count, value=1)
        summary = deps.store.get_summary(caller.sub, conversation_id)
    else:
        summary = conversation_titles.rename(deps.store, caller.sub, conversation_id, guarded.texts[0])
    if summary is None:  # deleted meanwhile
        raise NotFoundError("conversation not found")
    return summary, guarded.outcome
