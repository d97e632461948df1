"""The configuration the stack renders into runtime_config.json beside the code (read once).

Typed here so a malformed file fails at cold start, not in the middle of a request.
"""

from __future__ import annotations

import json
import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, field_validator

from common import lifecycle

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "runtime_config.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ParamRanges(_Model):
    temperature: tuple[float, float] | None
    top_p: tuple[float, float] | None
    top_k: tuple[int, int] | None


class ReasoningSpec(_Model):
    """A model's thinking rules (infra/catalog/model_info.py Reasoning; applied by common/reasoning.py)."""

    efforts: tuple[str, ...]
    thinking: Literal["optional", "always"]
    thinks_by_default: bool
    efforts_without_thinking: tuple[str, ...]
    default_effort: str | None = None
    note: str = ""


class Price(_Model):
    """USD per 1M tokens; cache rates per model (infra/catalog/usage_prices.py), None: the input rate."""

    input_per_million: float
    output_per_million: float
    cache_read_per_million: float | None = None
    cache_write_per_million: float | None = None  # 5-minute TTL
    cache_write_1h_per_million: float | None = None


class CachingSpec(_Model):
    """Where and how a model takes Converse cache points (infra/catalog/prompt_caching.py)."""

    min_tokens: int  # per checkpoint: checkpoint n counts once the prefix holds n x min_tokens
    max_points: int
    ttls: tuple[str, ...]
    fields: tuple[str, ...]


class PromptCachingConfig(_Model):
    """Config `prompt_caching`: cache points on (where the model takes them) and the TTL asked for."""

    enabled: bool = True
    ttl: Literal["5m", "1h"] = "5m"


class FileSupport(_Model):
    images: bool = False
    documents: bool = False
    citations: bool = False  # Converse document citations on txt and pdf documents (infra/catalog/attachments.py)


class AttachmentSettings(_Model):
    """Config `attachments` (infra/config.py)."""

    max_files_per_turn: int = 5
    window_bytes: int = 8_000_000
    upload_seconds: int = 300
    citations: Literal["on", "off", "buffered-only"] = "on"  # which chat routes ask for document citations (chat/doc_citations.py)


class ChatModelSpec(_Model):
    id: str
    name: str
    family: Literal["anthropic", "nova", "meta"]  # meta: registered custom Llama models (common/custom_models.py)
    max_output_tokens: int
    params: ParamRanges
    temperature_with_top_p: bool
    max_stop_sequences: int
    output_tokens_per_second: float  # a conservative assumption (infra/catalog): AWS publishes no speed
    price: Price
    reasoning: ReasoningSpec | None = None  # None: the model takes neither thinking nor effort here
    caching: CachingSpec | None = None  # None: no cache point is ever sent to the model
    files: FileSupport = FileSupport()  # attached files the model reads (infra/catalog/attachments.py); none by default

    def max_tokens_ceiling(self, read_seconds: int) -> int:
        """The most tokens the model is assumed to write before the function stops waiting for it."""
        return max(1, min(self.max_output_tokens, int(self.output_tokens_per_second * read_seconds)))


class ImageModelSpec(_Model):
    id: str
    name: str
    family: str
    tasks: tuple[str, ...]
    price_per_image: float
    legacy_since: str | None = None  # ISO dates from the catalog (Bedrock model lifecycle)
    end_of_life: str | None = None

    def status(self, today: date) -> Literal["ACTIVE", "LEGACY", "END_OF_LIFE"]:
        """The catalog's lifecycle policy on `today`: past end of life, Legacy (dated or EOL announced), or Active."""
        return lifecycle.status(self.legacy_since, self.end_of_life, today)

    def listing(self, today: date) -> dict[str, object]:
        """The `GET /models` entry: the spec with its lifecycle worked out for `today`."""
        lifecycle = {"status": self.status(today), "legacy_since": self.legacy_since, "end_of_life": self.end_of_life}
        return {**self.model_dump(exclude={"legacy_since", "end_of_life"}), "lifecycle": lifecycle}


class Memory(_Model):
    window_turns: int
    max_context_chars: int
    conversation_ttl_days: int


class Limits(_Model):
    max_message_chars: int
    max_system_prompt_chars: int
    max_body_bytes: int
    max_image_body_bytes: int
    max_document_bytes: int


class Retrieval(_Model):
    min_score: float  # passages scoring below it are not sent to the model (knowledge_base.min_score)


class GroundingCheck(_Model):
    """The tier the deployed guardrail's contextual grounding runs on, and what it reads."""

    tier: str
    languages: tuple[str, ...]
    scripts: tuple[str, ...] | None  # Unicode script names of the letters the tier reads; None: any


class BedrockTimeouts(_Model):
    """Derived at synth from each function's timeout and API Gateway's 29 s (infra/timeouts.py)."""

    connect_seconds: int
    answer_reserve_seconds: float
    read_seconds: dict[Literal["chat", "rag", "image"], int]
    # The streaming functions: the wait for each ConverseStream event, not the whole answer (no 29 s rule).
    stream_read_seconds: dict[Literal["chat_stream", "rag_stream"], int] = {}


class ReadChecks(_Model):
    """Config guardrail.read_checks (lambdas/common/read_checks.py): ApplyGuardrail on retrieved passages and attached
    documents' text; `policies` are the interventions that count, `action` WITHHOLD (drop) or FLAG (send, report)."""

    enabled: bool = True
    policies: tuple[str, ...] = ("PROMPT_ATTACK", "DENIED_TOPICS")
    action: Literal["WITHHOLD", "FLAG"] = "WITHHOLD"
    # Attached documents (chat/document_checks.py): the most text checked per document, and what happens to one whose
    # text cannot be read (.doc, .xls, a damaged or encrypted file): refused with a 400, or sent and reported unchecked.
    max_document_chars: int = 50_000
    unreadable_documents: Literal["refuse", "allow"] = "refuse"


class GuardrailMessages(_Model):
    blocked_input_message: str
    blocked_output_message: str
    images_guarded: bool = False  # the deployed guardrail has image content filters (guardContent images)
    grounding: GroundingCheck | None = None  # None: the guardrail has no grounding policy
    read_checks: ReadChecks = ReadChecks()


class BudgetLimits(_Model):
    """A budget from the config (infra/config.py validates it at synth): None inherits, `unlimited` lifts both."""

    tokens_per_day: int | None = None
    usd_per_month: float | None = None
    unlimited: bool = False


class Budgets(_Model):
    """Config `budgets`: day and month boundaries in `time_zone`; `default` for users in none of `groups`."""

    time_zone: str = "Asia/Seoul"
    default: BudgetLimits = BudgetLimits(tokens_per_day=200_000, usd_per_month=20)
    groups: dict[str, BudgetLimits] = {"admin": BudgetLimits(unlimited=True)}
    daily_ceiling_usd: float | None = None

    @field_validator("time_zone")
    @classmethod
    def _zone_loads(cls, value: str) -> str:
        """At cold start: the zone must load here, from the system's database or the core layer's `tzdata` (Lambda's
        python3.13 image is not documented to ship /usr/share/zoneinfo); a zone that does not fails the Init phase."""
        ZoneInfo(value)
        return value


class EmbeddingPrice(_Model):
    model_id: str
    input_per_million: float


class UsagePrices(_Model):
    """Prices that are not on a model entry: guardrail policies (USD per 1,000 units, by GuardrailUsage field) and the
    knowledge base's embedding model (its query embedding is estimated: Retrieve reports no usage)."""

    guardrail_per_1000_units: dict[str, float] = {}
    embedding: EmbeddingPrice | None = None


class RuntimeConfig(_Model):
    chat_models: tuple[ChatModelSpec, ...]
    default_chat_model: str
    rag_model: ChatModelSpec
    image_models: tuple[ImageModelSpec, ...]
    default_image_model: str
    image_region: str
    image_prompt_translation_model: str | None = None
    image_retention_days: int = 30  # retention.image_retention_days: the bucket's lifecycle rule removes images then
    memory: Memory
    limits: Limits
    bedrock_timeouts: BedrockTimeouts
    cors_origins: tuple[str, ...]
    documents_prefix: str
    retrieval: Retrieval
    guardrail: GuardrailMessages
    # ConverseStream's guardrailConfig.streamProcessingMode (config guardrail.stream_processing_mode): "sync" checks each
    # chunk before it is sent (AWS's default, and the only mode that masks); "async" sends at once and checks behind
    # (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-streaming.html).
    guardrail_stream_mode: Literal["sync", "async"] = "sync"
    budgets: Budgets = Budgets()
    attachments: AttachmentSettings = AttachmentSettings()
    prices: UsagePrices = UsagePrices()
    prompt_caching: PromptCachingConfig = PromptCachingConfig()


@lru_cache(maxsize=1)
def runtime_config() -> RuntimeConfig:
    """Parsed once per cold start. RUNTIME_CONFIG_PATH points elsewhere (local stack, tests)."""
    path = Path(os.environ.get("RUNTIME_CONFIG_PATH", DEFAULT_PATH))
    return RuntimeConfig.model_validate(json.loads(path.read_text(encoding="utf-8")))
