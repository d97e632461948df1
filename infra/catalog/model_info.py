"""The shapes of the catalog's facts: one frozen record per model, its lifecycle and its reasoning rules.

The facts themselves are data (infra/catalog/models.json), read into these records by infra/catalog/models.py.
`__pydantic_config__` makes that read strict: an unknown or missing field, or a value of the wrong type, fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import ConfigDict

Family = Literal["anthropic", "nova", "meta", "stability", "amazon-image", "titan-embed", "cohere-embed"]
Status = Literal["ACTIVE", "LEGACY", "END_OF_LIFE"]
Effort = Literal["low", "medium", "high", "xhigh", "max"]
Profiles = dict[str, dict[str, tuple[str, ...]]]  # prefix -> {source region -> destination regions}
STRICT = ConfigDict(extra="forbid", strict=True)


@dataclass(frozen=True)
class Lifecycle:
    """Bedrock lifecycle dates (ISO) and where they were read.

    `legacy_since` and `end_of_life` decide the status; `launched` and `eol_not_before` (the model
    card's "EOL no sooner than") are reported, never acted on: Bedrock announces the real date later.
    """

    __pydantic_config__ = STRICT

    legacy_since: str | None = None
    end_of_life: str | None = None
    source: str = ""
    launched: str | None = None
    eol_not_before: str | None = None

    def status(self, today: date) -> Status:
        if self.end_of_life and today >= date.fromisoformat(self.end_of_life):
            return "END_OF_LIFE"
        if self.end_of_life or (self.legacy_since and today >= date.fromisoformat(self.legacy_since)):
            return "LEGACY"
        return "ACTIVE"


ACTIVE = Lifecycle()


@dataclass(frozen=True)
class Range:
    __pydantic_config__ = STRICT

    low: int | float  # as written in the catalog: an integer range (top_k) stays integers
    high: int | float


UNIT = Range(0.0, 1.0)


@dataclass(frozen=True)
class Reasoning:
    """What a request may ask of a model's thinking, and how it is sent (additionalModelRequestFields).

    Anthropic: `thinking: {"type": "adaptive"}` and `output_config: {"effort": ...}`; thinking off is
    `{"type": "disabled"}` where the model thinks unless told not to, and no `thinking` field where it
    does not think unless asked (those models reject "disabled": Opus 4.7).
    Nova 2: `reasoningConfig: {"type": "enabled", "maxReasoningEffort": ...}`; the effort turns it on.
    """

    __pydantic_config__ = STRICT

    efforts: tuple[Effort, ...]  # the levels a request may name
    thinking: Literal["optional", "always"]  # always: adaptive thinking cannot be turned off
    thinks_by_default: bool  # what the model does when the request has no thinking field
    efforts_without_thinking: tuple[Effort, ...]  # the levels allowed with thinking off; () for Nova (effort is reasoning)
    default_effort: Effort | None = None  # the model's own default, as documented (None: not documented)
    note: str = ""  # why a documented level is not offered, if one is not
    thinking_types: tuple[str, ...] = ("adaptive",)  # the thinking.type values the model accepts (the simulator enforces them)
    documented_efforts: tuple[Effort, ...] = ()  # the levels the model takes when more than `efforts` ((): the same)

    def model_efforts(self) -> tuple[Effort, ...]:
        return self.documented_efforts or self.efforts


@dataclass(frozen=True)
class ChatModelInfo:
    __pydantic_config__ = STRICT

    model_id: str
    name: str
    family: Family
    max_output_tokens: int
    temperature: Range | None  # None: the model rejects the parameter
    top_p: Range | None
    top_k: Range | None
    temperature_with_top_p: bool
    max_stop_sequences: int
    price_input_per_million: float  # on-demand USD, US geography (a us. profile or us-east-1)
    price_output_per_million: float
    in_region: tuple[str, ...]
    profiles: Profiles
    global_profile: bool
    output_tokens_per_second: int | float  # a conservative assumption, see infra/catalog/__init__.py: AWS publishes no speed
    lifecycle: Lifecycle = ACTIVE
    reasoning: Reasoning | None = None
    sources: str = ""  # where each fact above was read, [official] or [second-hand]


@dataclass(frozen=True)
class ImageModelInfo:
    __pydantic_config__ = STRICT

    model_id: str
    name: str
    family: Family
    price_per_image: float
    in_region: tuple[str, ...]
    tasks: tuple[str, ...]
    lifecycle: Lifecycle = ACTIVE


@dataclass(frozen=True)
class EmbeddingModelInfo:
    __pydantic_config__ = STRICT

    model_id: str
    name: str
    family: Family
    dimensions: tuple[int, ...]
    price_input_per_million: float
    notes: str = ""
