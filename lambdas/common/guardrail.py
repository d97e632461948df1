"""What the guardrail did to a request, in the shape every response carries.

{"intervened": bool, "action": "NONE" | "ANONYMIZED" | "BLOCKED", "policies": [...], "message": str | None}
Also masks the user's input for storage from the trace's PII and regex matches, so anonymized
text stays anonymized at rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from common.text import reply_text

Action = Literal["NONE", "ANONYMIZED", "BLOCKED"]


@dataclass(frozen=True)
class GuardrailOutcome:
    intervened: bool
    action: Action
    input_blocked: bool
    policies: tuple[str, ...]
    message: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"intervened": self.intervened, "action": self.action, "policies": list(self.policies), "message": self.message}


NOT_APPLIED = GuardrailOutcome(False, "NONE", False, (), None)


def _findings(assessment: dict[str, Any]) -> list[tuple[str, str]]:
    """(policy label, action) for every finding in one GuardrailAssessment."""
    found: list[tuple[str, str]] = []
    for topic in assessment.get("topicPolicy", {}).get("topics", []):
        found.append((f"topic:{topic.get('name')}", topic.get("action", "NONE")))
    for item in assessment.get("contentPolicy", {}).get("filters", []):
        found.append((f"content:{item.get('type')}", item.get("action", "NONE")))
    words = assessment.get("wordPolicy", {})
    found += [("word:custom", w.get("action", "NONE")) for w in words.get("customWords", [])]
    found += [(f"word:{w.get('type', 'managed')}", w.get("action", "NONE")) for w in words.get("managedWordLists", [])]
    sensitive = assessment.get("sensitiveInformationPolicy", {})
    found += [(f"pii:{p.get('type')}", p.get("action", "NONE")) for p in sensitive.get("piiEntities", [])]
    found += [(f"regex:{r.get('name')}", r.get("action", "NONE")) for r in sensitive.get("regexes", [])]
    for item in assessment.get("contextualGroundingPolicy", {}).get("filters", []):
        found.append((f"grounding:{item.get('type')}", item.get("action", "NONE")))
    return found


def findings(assessment: dict[str, Any]) -> list[tuple[str, str]]:
    """(policy label, action) for every finding in one GuardrailAssessment (common/read_checks.py reads them)."""
    return _findings(assessment)


def _input_assessments(trace: dict[str, Any]) -> list[dict[str, Any]]:
    return list((trace.get("inputAssessment") or {}).values())


def _output_assessments(trace: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for group in (trace.get("outputAssessments") or {}).values() for a in group]


def outcome_from_converse(response: dict[str, Any]) -> GuardrailOutcome:
    trace = (response.get("trace") or {}).get("guardrail") or {}
    inputs = [f for a in _input_assessments(trace) for f in _findings(a)]
    outputs = [f for a in _output_assessments(trace) for f in _findings(a)]
    acted = [(label, action) for label, action in inputs + outputs if action != "NONE"]
    intervened = response.get("stopReason") == "guardrail_intervened" or bool(acted)
    if not intervened:
        return NOT_APPLIED
    input_blocked = any(action == "BLOCKED" for _, action in inputs)
    blocked = input_blocked or any(action == "BLOCKED" for _, action in outputs)
    action: Action = "BLOCKED" if blocked else ("ANONYMIZED" if acted else "NONE")
    if response.get("stopReason") == "guardrail_intervened" and not acted:
        action = "BLOCKED"  # intervened without a trace (trace disabled): the reply is the blocked message
        blocked = True
    text = reply_text(response)
    return GuardrailOutcome(True, action, input_blocked, tuple(sorted({label for label, _ in acted})), text if blocked else None)


def outcome_from_apply(response: dict[str, Any]) -> GuardrailOutcome:
    """For ApplyGuardrail answers (used on prompts and images)."""
    findings = [f for a in response.get("assessments", []) for f in _findings(a)]
    acted = [(label, action) for label, action in findings if action != "NONE"]
    if response.get("action") != "GUARDRAIL_INTERVENED":
        return NOT_APPLIED
    blocked = any(action == "BLOCKED" for _, action in acted) or not acted
    outputs = response.get("outputs") or []
    message = outputs[0].get("text") if blocked and outputs else None
    return GuardrailOutcome(True, "BLOCKED" if blocked else "ANONYMIZED", blocked, tuple(sorted({label for label, _ in acted})), message)


def mask_input(text: str, response: dict[str, Any]) -> str:
    """The user's text with every PII/regex match the input assessment anonymized replaced, as Bedrock masks it."""
    trace = (response.get("trace") or {}).get("guardrail") or {}
    return _masked(text, _input_assessments(trace))


def mask_output(text: str, response: dict[str, Any]) -> str:
    """A streamed answer with every match its output assessments anonymized replaced: in synchronous mode Bedrock
    already sent it masked (no match is left to replace); text sent before a check must not be stored unmasked."""
    trace = (response.get("trace") or {}).get("guardrail") or {}
    return _masked(text, _output_assessments(trace))


def _masked(text: str, assessments: list[dict[str, Any]]) -> str:
    masked = text
    for assessment in assessments:
        sensitive = assessment.get("sensitiveInformationPolicy", {})
        for entity in sensitive.get("piiEntities", []):
            if entity.get("action") == "ANONYMIZED" and entity.get("match"):
                masked = masked.replace(entity["match"], "{" + str(entity.get("type")) + "}")
        for regex in sensitive.get("regexes", []):
            if regex.get("action") == "ANONYMIZED" and regex.get("match"):
                masked = masked.replace(regex["match"], "{" + str(regex.get("name")) + "}")
    return masked
