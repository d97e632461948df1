"""The deployed guardrail's policy, enforced locally with deterministic detectors.

Covered like Bedrock: denied words, the managed profanity list (a small built-in list),
PII entities (pattern detectors for the common types), the configured regexes (Korean formats
included), and a prompt-attack heuristic on input. Not covered locally: the ML content
filters (hate, insults, ...) and denied topics, which need Bedrock's classifiers.
Assessments have Bedrock's shape (botocore's GuardrailAssessment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from infra.config import Guardrail as GuardrailPolicy
from infra.guardrail_policy import GROUNDING_TIER, grounding_reads

Source = Literal["INPUT", "OUTPUT"]

PROFANITY = ("fuck", "shit", "bitch", "asshole", "bastard", "씨발", "시발", "개새끼", "병신", "좆")

# Detectors for PII entity types (a pragmatic subset; others are not detected offline).
PII_PATTERNS: dict[str, re.Pattern[str]] = {
    "EMAIL": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    "PHONE": re.compile(r"(?<!\d)(?:\+?\d{1,3}[ -]?)?(?:\(\d{2,4}\)|\d{2,4})[ -]\d{3,4}[ -]\d{4}(?!\d)"),
    "CREDIT_DEBIT_CARD_NUMBER": re.compile(r"(?<!\d)(?:\d{4}[ -]?){3}\d{1,4}(?!\d)"),
    "US_SOCIAL_SECURITY_NUMBER": re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)"),
    "IP_ADDRESS": re.compile(r"(?<!\d)(?:\d{1,3}\.){3}\d{1,3}(?!\d)"),
    "AWS_ACCESS_KEY": re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
    "URL": re.compile(r"https?://[^\s]+"),
}

PROMPT_ATTACKS = re.compile(
    r"ignore (?:all |any )?(?:previous|prior|above) (?:instructions|prompts?)|disregard (?:the |your )?(?:system|previous)"
    r"|you are now (?:DAN|in developer mode)|jailbreak|reveal (?:your|the) (?:system )?prompt"
    r"|이전 (?:지시|명령|지침)(?:을|를)? (?:모두 )?무시|시스템 프롬프트를 (?:보여|알려|출력)",
    re.IGNORECASE,
)


def _luhn_ok(digits: str) -> bool:
    numbers = [int(d) for d in digits if d.isdigit()]
    if not 13 <= len(numbers) <= 19:
        return False
    total = 0
    for i, n in enumerate(reversed(numbers)):
        if i % 2:
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        total += n
    return total % 10 == 0


@dataclass
class _Finding:
    start: int
    end: int
    replacement: str | None  # None: blocks
    record: dict[str, Any]
    kind: str


@dataclass
class Outcome:
    """One guardrail pass over one text."""

    intervened: bool
    blocked: bool
    text: str  # the text with anonymizations applied (or the blocked message)
    assessment: dict[str, Any] = field(default_factory=dict)


class GuardrailEngine:
    def __init__(self, policy: GuardrailPolicy, *, grounding_tier: str = GROUNDING_TIER) -> None:
        self.policy = policy
        self.grounding_tier = grounding_tier  # what a deployed guardrail grounds on (CloudFormation: CLASSIC)
        self._words = [(w, re.compile(re.escape(w), re.IGNORECASE)) for w in policy.denied_words]
        self._profanity = re.compile("|".join(map(re.escape, PROFANITY)), re.IGNORECASE) if policy.managed_profanity else None
        self._regexes = [(r, re.compile(r.pattern)) for r in policy.regexes]

    def check(self, text: str, source: Source, *, sources: list[str] | None = None, query: str = "") -> Outcome:
        findings: list[_Finding] = []
        filters: list[dict[str, Any]] = []
        # Grounding needs its three parts: a grounding source, a query and the content to guard (the answer).
        grounding = self._grounding(text, sources, query) if source == "OUTPUT" and sources and query else []
        if source == "INPUT" and self.policy.content_filters.PROMPT_ATTACK.input != "NONE" and PROMPT_ATTACKS.search(text):
            strength = self.policy.content_filters.PROMPT_ATTACK.input
            filters.append(
                {"type": "PROMPT_ATTACK", "confidence": "HIGH", "filterStrength": strength, "action": "BLOCKED", "detected": True}
            )
        custom, managed = self._word_findings(text)
        pii, regexes = self._pii_findings(text, findings)
        findings += custom + managed
        assessment: dict[str, Any] = {}
        if filters:
            assessment["contentPolicy"] = {"filters": filters}
        if custom or managed:
            assessment["wordPolicy"] = {"customWords": [f.record for f in custom], "managedWordLists": [f.record for f in managed]}
        if pii or regexes:
            assessment["sensitiveInformationPolicy"] = {"piiEntities": [f.record for f in pii], "regexes": [f.record for f in regexes]}
        if grounding:
            assessment["contextualGroundingPolicy"] = {"filters": grounding}
        ungrounded = any(g["action"] == "BLOCKED" for g in grounding)
        blocked = bool(filters) or ungrounded or any(f.replacement is None for f in findings)
        intervened = bool(filters or findings or ungrounded)
        assessment["invocationMetrics"] = {
            "guardrailProcessingLatency": 1,
            "usage": _usage(text),
            "guardrailCoverage": {"textCharacters": {"guarded": len(text), "total": len(text)}},
        }
        if blocked:
            message = self.policy.blocked_input_message if source == "INPUT" else self.policy.blocked_output_message
            return Outcome(True, True, message, assessment)
        return Outcome(intervened, False, _apply(text, findings), assessment)

    def _grounding(self, text: str, sources: list[str], query: str) -> list[dict[str, Any]]:
        """Heuristic contextual grounding: the share of the answer's terms found in the sources, and
        whether the answer shares any term with the question (0.9) or none (0.1). A question or answer
        the tier does not read scores 0 on both: "guardrails are ineffective with languages that aren't
        supported" (guardrails-supported-languages), modelled pessimistically."""
        from local.bedrock_sim.documents import terms

        policy = self.policy.grounding
        if policy is None:
            return []
        reply = re.sub(r"^\[offline model [^\]]*\]|\[\d+\]", " ", text)
        answer = set(terms(reply))
        known = set(terms(" ".join(sources)))
        grounded = round(len(answer & known) / len(answer), 2) if answer else 1.0
        relevant = 0.9 if answer & set(terms(query)) else 0.1
        if not (grounding_reads(query, self.grounding_tier) and grounding_reads(reply, self.grounding_tier)):
            grounded = relevant = 0.0
        return [
            {
                "type": "GROUNDING",
                "threshold": policy.grounding_threshold,
                "score": grounded,
                "action": "BLOCKED" if grounded < policy.grounding_threshold else "NONE",
                "detected": grounded < policy.grounding_threshold,
            },
            {
                "type": "RELEVANCE",
                "threshold": policy.relevance_threshold,
                "score": relevant,
                "action": "BLOCKED" if relevant < policy.relevance_threshold else "NONE",
                "detected": relevant < policy.relevance_threshold,
            },
        ]

    def _word_findings(self, text: str) -> tuple[list[_Finding], list[_Finding]]:
        custom = [
            _Finding(m.start(), m.end(), None, {"match": word, "action": "BLOCKED", "detected": True}, "word")
            for word, pattern in self._words
            for m in pattern.finditer(text)
        ]
        managed = []
        if self._profanity:
            managed = [
                _Finding(
                    m.start(), m.end(), None, {"match": m.group(0), "type": "PROFANITY", "action": "BLOCKED", "detected": True}, "word"
                )
                for m in self._profanity.finditer(text)
            ]
        return custom, managed

    def _pii_findings(self, text: str, taken: list[_Finding]) -> tuple[list[_Finding], list[_Finding]]:
        spans: list[_Finding] = []
        regexes: list[_Finding] = []
        for rule, pattern in self._regexes:  # configured regexes first: they are the more specific
            for m in pattern.finditer(text):
                action = "BLOCKED" if rule.action == "BLOCK" else "ANONYMIZED"
                record = {"name": rule.name, "match": m.group(0), "regex": rule.pattern, "action": action, "detected": True}
                finding = _Finding(m.start(), m.end(), None if rule.action == "BLOCK" else "{" + rule.name + "}", record, "regex")
                if not _overlaps(finding, spans):
                    spans.append(finding)
                    regexes.append(finding)
        entities: list[_Finding] = []
        for kind, action in self.policy.pii_entities.items():
            detector = PII_PATTERNS.get(kind)
            if action == "NONE" or detector is None:
                continue
            for m in detector.finditer(text):
                if kind == "CREDIT_DEBIT_CARD_NUMBER" and not _luhn_ok(m.group(0)):
                    continue
                result = "BLOCKED" if action == "BLOCK" else "ANONYMIZED"
                record = {"match": m.group(0), "type": kind, "action": result, "detected": True}
                finding = _Finding(m.start(), m.end(), None if action == "BLOCK" else "{" + kind + "}", record, "pii")
                if not _overlaps(finding, spans):
                    spans.append(finding)
                    entities.append(finding)
        taken.extend(spans)
        return entities, regexes


def _overlaps(finding: _Finding, others: list[_Finding]) -> bool:
    return any(finding.start < o.end and o.start < finding.end for o in others)


def _apply(text: str, findings: list[_Finding]) -> str:
    for finding in sorted((f for f in findings if f.replacement), key=lambda f: f.start, reverse=True):
        text = text[: finding.start] + str(finding.replacement) + text[finding.end :]
    return text


def _usage(text: str) -> dict[str, int]:
    units = max(1, -(-len(text) // 1000))  # one text unit per 1,000 characters
    return {
        "topicPolicyUnits": units,
        "contentPolicyUnits": units,
        "wordPolicyUnits": units,
        "sensitiveInformationPolicyUnits": units,
        "sensitiveInformationPolicyFreeUnits": 0,
        "contextualGroundingPolicyUnits": 0,
    }
