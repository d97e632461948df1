"""The `guardrail` section of the configuration: the one Guardrail's policies (infra/constructs/guardrail.py builds
it; local/bedrock_sim applies the same policy offline) and the read checks on text the model reads."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from infra.config_base import STRICT

Strength = Literal["NONE", "LOW", "MEDIUM", "HIGH"]
PiiAction = Literal["BLOCK", "ANONYMIZE", "NONE"]


class _Model(BaseModel):
    model_config = STRICT


class ContentFilter(_Model):
    input: Strength
    output: Strength
    images: bool = True


class PromptAttackFilter(_Model):
    input: Strength


class ContentFilters(_Model):
    HATE: ContentFilter
    INSULTS: ContentFilter
    SEXUAL: ContentFilter
    VIOLENCE: ContentFilter
    MISCONDUCT: ContentFilter
    PROMPT_ATTACK: PromptAttackFilter


class DeniedTopic(_Model):
    name: Annotated[str, Field(pattern=r"^[0-9a-zA-Z\-_ !?.]{1,100}$")]
    definition: Annotated[str, Field(min_length=1, max_length=1000)]
    examples: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=5)] = []


class PiiRegex(_Model):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    description: Annotated[str, Field(max_length=1000)] = ""
    pattern: Annotated[str, Field(min_length=1, max_length=500)]
    action: Literal["BLOCK", "ANONYMIZE"]

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as err:
            raise ValueError(f"regex does not compile: {err}") from err
        return pattern


class Grounding(_Model):
    grounding_threshold: Annotated[float, Field(ge=0, le=0.99)]
    relevance_threshold: Annotated[float, Field(ge=0, le=0.99)]


ReadCheckPolicy = Literal["PROMPT_ATTACK", "DENIED_TOPICS", "CONTENT_FILTERS", "WORDS", "SENSITIVE_INFORMATION"]


class ReadChecks(_Model):
    """ApplyGuardrail on text the model reads that no user typed: retrieved passages and attached documents' text
    (lambdas/common/read_checks.py). `policies`: the interventions that count; `action`: WITHHOLD drops the passage,
    FLAG sends it anyway and reports it."""

    enabled: bool = True
    policies: Annotated[list[ReadCheckPolicy], Field(min_length=1)] = ["PROMPT_ATTACK", "DENIED_TOPICS"]
    action: Literal["WITHHOLD", "FLAG"] = "WITHHOLD"
    # Attached documents (lambdas/chat/document_checks.py): the most text checked per document (more is a 400, never
    # sent unchecked), and what happens to a document whose text cannot be read (.doc, .xls, damaged, encrypted).
    max_document_chars: Annotated[int, Field(ge=1_000, le=1_000_000)] = 50_000
    unreadable_documents: Literal["refuse", "allow"] = "refuse"


class Guardrail(_Model):
    tier: Literal["STANDARD", "CLASSIC"]
    content_filters: ContentFilters
    denied_topics: Annotated[list[DeniedTopic], Field(max_length=30)]
    denied_words: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=10_000)]
    managed_profanity: bool
    pii_entities: dict[str, PiiAction]
    regexes: Annotated[list[PiiRegex], Field(max_length=10)]
    grounding: Grounding | None
    blocked_input_message: Annotated[str, Field(min_length=1, max_length=500)]
    blocked_output_message: Annotated[str, Field(min_length=1, max_length=500)]
    # ConverseStream's guardrailConfig.streamProcessingMode (API_runtime_GuardrailStreamConfiguration: sync | async).
    stream_processing_mode: Literal["sync", "async"] = "sync"
    read_checks: ReadChecks = ReadChecks()

    @field_validator("pii_entities")
    @classmethod
    def _known_pii(cls, entities: dict[str, str]) -> dict[str, str]:
        from infra.guardrail_policy import PII_ENTITY_TYPES

        unknown = sorted(set(entities) - set(PII_ENTITY_TYPES))
        if unknown:
            raise ValueError(f"unknown PII entity type(s) {', '.join(unknown)}; allowed: {', '.join(PII_ENTITY_TYPES)}")
        return entities

    @model_validator(mode="after")
    def _read_checks_can_fire(self) -> Guardrail:
        checks = self.read_checks
        if checks.enabled and "PROMPT_ATTACK" in checks.policies and self.content_filters.PROMPT_ATTACK.input == "NONE":
            raise ValueError(
                "read_checks.policies counts PROMPT_ATTACK but content_filters.PROMPT_ATTACK.input is NONE: the check "
                "could never withhold a passage for it; raise the filter's strength or drop PROMPT_ATTACK from read_checks.policies"
            )
        return self

    @model_validator(mode="after")
    def _async_cannot_mask(self) -> Guardrail:
        # "Amazon Bedrock Guardrails doesn't support the masking of sensitive information with asynchronous mode"
        # (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-streaming.html).
        if self.stream_processing_mode == "async":
            masked = [name for name, action in self.pii_entities.items() if action == "ANONYMIZE"]
            masked += [f"regex {r.name}" for r in self.regexes if r.action == "ANONYMIZE"]
            if masked:
                raise ValueError(
                    f"stream_processing_mode 'async' cannot be used while the policy anonymizes {', '.join(masked)}: "
                    "Bedrock Guardrails does not mask sensitive information in asynchronous mode "
                    "(guardrails-streaming.html); use 'sync', or set those actions to BLOCK or NONE"
                )
        return self
