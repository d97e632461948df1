"""The AWS quotas that bind this stack first as traffic grows (docs/scaling.md), as data the doctor can read.

Each entry names the quota as Service Quotas lists it, what it limits here, and the AWS page it comes
from. Quota codes are given only where AWS publishes a stable one (Lambda, API Gateway, Knowledge
Bases, Guardrails). Bedrock model quotas are matched by name instead: their codes differ between
models and their names between generations ("Cross-Region InvokeModel tokens per minute for ${model}" in
the docs, "Cross-region model inference tokens per minute for Anthropic Claude Haiku 4.5" in accounts), so
`model_quota_patterns` matches both wordings, case-insensitively, for the kind of call the configuration
makes (in-region, geographic profile, global profile).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra.catalog import CHAT_MODELS, ResolvedModel
from infra.deployment import Deployment

BEDROCK_QUOTAS = "https://docs.aws.amazon.com/bedrock/latest/userguide/quotas-runtime.html"
BEDROCK_TABLE = "https://docs.aws.amazon.com/general/latest/gr/bedrock.html#limits_bedrock"
LAMBDA_CONCURRENCY = "https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html"
API_GATEWAY_QUOTAS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html"
DYNAMODB_PARTITIONS = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TroubleshootingThrottlingOnDemand.html"
S3_VECTORS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-best-practices.html"


@dataclass(frozen=True)
class Quota:
    service_code: str  # Service Quotas service code
    name: str  # as Service Quotas lists it (match case-insensitively)
    limits: str  # what it limits in this stack
    source: str
    code: str | None = None  # only where AWS publishes a stable code

    def matches(self, listed_name: str) -> bool:
        """True for this quota as an account lists it; a "(Knowledge Bases) "-style prefix may come and go."""
        return _bare(listed_name) == _bare(self.name)


def _bare(name: str) -> str:
    return re.sub(r"^\([^)]*\)\s*", "", name.strip()).casefold()


ACCOUNT_QUOTAS: tuple[Quota, ...] = (
    Quota(
        "lambda", "Concurrent executions", "functions running at once (chat, rag, image, ingest together)", LAMBDA_CONCURRENCY, "L-B99A9384"
    ),
    Quota(
        "apigateway", "Throttle rate", "requests per second across every API of the account in the region", API_GATEWAY_QUOTAS, "L-8A5B8E43"
    ),
    Quota("bedrock", "Retrieve requests per second", "POST /rag/query (one Retrieve each)", BEDROCK_TABLE),
    Quota(
        "bedrock",
        "(Knowledge Bases) Concurrent ingestion jobs per data source",
        "document ingestion (one job at a time)",
        BEDROCK_TABLE,
        "L-D38407FA",
    ),
    Quota(
        "bedrock",
        "(Guardrails) On-demand ApplyGuardrail Content filter policy text units per second",
        "guardrail checks of chat, RAG and image prompts",
        BEDROCK_TABLE,
        "L-01F3CD81",
    ),
    Quota(
        "bedrock",
        "(Guardrails) On-demand ApplyGuardrail Denied topic policy text units per second",
        "the same checks, when guardrail.denied_topics is not empty",
        BEDROCK_TABLE,
        "L-124DCF3D",
    ),
    Quota(
        "bedrock",
        "(Guardrails) On-demand ApplyGuardrail Sensitive information filter policy text units per second",
        "the same checks, with PII entities or regexes",
        BEDROCK_TABLE,
        "L-CFCAAB0E",
    ),
    Quota(
        "bedrock",
        "(Guardrails) On-demand ApplyGuardrail contextual grounding policy text units per second",
        "grounding checks of RAG answers (guardrail.grounding)",
        BEDROCK_TABLE,
        "L-086556D1",
    ),
    Quota(
        "bedrock",
        "(Guardrails) On-demand ApplyGuardrail requests per second",
        "the image function's two ApplyGuardrail calls; RAG: one per retrieved passage (guardrail.read_checks, up to 5 at once)",
        BEDROCK_TABLE,
        "L-9072D6F0",
    ),
)

_KIND = {None: "on-demand", "global": "global cross-region"}


def quota_model_name(model_id: str) -> str:
    """The model's name as Bedrock's quota names spell it ("Anthropic Claude Haiku 4.5", "Amazon Nova Lite")."""
    info = CHAT_MODELS[model_id]
    return f"Anthropic {info.name}" if info.family == "anthropic" and not info.name.startswith("Anthropic") else info.name


def model_quota_patterns(model: ResolvedModel) -> dict[str, re.Pattern[str]]:
    """Regexes for the model's tokens- and requests-per-minute quotas, for the kind of call configured.

    A geographic profile (us., eu., apac., ...) draws on "Cross-region ..."; a global profile on "Global
    cross-region ..."; a bare id on "On-demand ...". Long-context variants ("... 1M Context Length") are other quotas.
    """
    kind = _KIND.get(model.profile_prefix, "cross-region")
    name = re.escape(quota_model_name(model.foundation_model_id))
    return {
        unit: re.compile(rf"^{re.escape(kind)} (?:model inference|invokemodel) {unit} per minute for {name}(?: v1)?$", re.IGNORECASE)
        for unit in ("tokens", "requests")
    }


def model_quotas(deployment: Deployment) -> dict[str, dict[str, re.Pattern[str]]]:
    """Per configured text model (chat, RAG, translation): its Bedrock per-minute quota patterns."""
    return {model.requested_id: model_quota_patterns(model) for model in deployment.text_models}
