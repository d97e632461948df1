"""Typed, validated configuration of the stack.

The configuration comes from `cdk.json` context: the base document under
`genai:config`, the named profile's overrides under `genai:profiles.<name>`, and
optionally a JSON file named with `-c config=path.json`, merged in that order.
Every error names the key path and what is allowed there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from infra.budgets import Budgets
from infra.config_base import STRICT
from infra.config_base import ConfigError as ConfigError
from infra.config_guardrail import Guardrail as Guardrail
from infra.config_knowledge import Chunking as Chunking
from infra.config_knowledge import KnowledgeBase as KnowledgeBase

RemovalPolicyName = Literal["DESTROY", "RETAIN"]
CitationsSetting = Literal["on", "off", "buffered-only"]
STACK_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


# --- models -------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = STRICT


class ChatModels(_Model):
    allowed: Annotated[list[str], Field(min_length=1)]
    default: str

    @model_validator(mode="after")
    def _default_is_allowed(self) -> ChatModels:
        if self.default not in self.allowed:
            raise ValueError(f"default {self.default!r} must be one of allowed: {', '.join(self.allowed)}")
        return self


class ImageModels(_Model):
    allowed: Annotated[list[str], Field(min_length=1)]
    default: str
    region: str | None = None  # None: the deploy region
    # Image models expect English: Korean (any Hangul) prompts are translated by the default chat model first.
    translate_prompts: bool = True

    @model_validator(mode="after")
    def _default_is_allowed(self) -> ImageModels:
        if self.default not in self.allowed:
            raise ValueError(f"default {self.default!r} must be one of allowed: {', '.join(self.allowed)}")
        return self


class EmbeddingModel(_Model):
    model_id: str
    dimensions: int


class Models(_Model):
    chat: ChatModels
    rag: str
    embedding: EmbeddingModel
    image: ImageModels


# --- chat memory, limits, api -------------------------------------------------------------


class Memory(_Model):
    window_turns: Annotated[int, Field(ge=1, le=100)]
    max_context_chars: Annotated[int, Field(ge=1_000, le=800_000)]
    conversation_ttl_days: Annotated[int, Field(ge=1, le=3650)]


class PromptCaching(_Model):
    """Converse prompt caching (lambdas/common/prompt_cache.py): cache points where the chosen model takes them
    (infra/catalog/prompt_caching.py). `ttl` "1h" applies only to models that offer it; the others get "5m"."""

    enabled: bool = True
    ttl: Literal["5m", "1h"] = "5m"


class Limits(_Model):
    max_message_chars: Annotated[int, Field(ge=1, le=100_000)]
    max_system_prompt_chars: Annotated[int, Field(ge=0, le=100_000)]
    max_body_bytes: Annotated[int, Field(ge=1_024, le=6_000_000)]
    max_image_body_bytes: Annotated[int, Field(ge=1_024, le=6_000_000)]
    max_document_bytes: Annotated[int, Field(ge=1, le=50 * 1024 * 1024)]


class Attachments(_Model):
    """Files attached to chat turns (lambdas/chat/attachments.py; docs/api.md "Files in chat")."""

    max_files_per_turn: Annotated[int, Field(ge=1, le=25)] = 5  # Converse: ≤ 20 images and ≤ 5 documents per message
    window_bytes: Annotated[int, Field(ge=0, le=50_000_000)] = 8_000_000  # earlier turns' files resent up to this; 0: never
    upload_seconds: Annotated[int, Field(ge=60, le=3_600)] = 300  # how long a presigned POST stays valid
    # Document citations (lambdas/chat/doc_citations.py): "on" on POST /chat and /chat/stream, "buffered-only" on POST /chat
    # only (ConverseStream with citations and a guardrail was reported failing: boto/boto3#4597), "off" never.
    citations: CitationsSetting = "on"


class Api(_Model):
    stage_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,64}$")]
    throttle_rate: Annotated[float, Field(gt=0, le=10_000)]
    throttle_burst: Annotated[int, Field(ge=1, le=5_000)]
    cors_origins: list[str]

    @field_validator("cors_origins")
    @classmethod
    def _origins_are_urls(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if origin != "*" and not re.match(r"^https?://[^/\s]+$", origin):
                raise ValueError(f"{origin!r} is not an origin: use scheme://host[:port] with no path, or '*'")
        return origins


# --- retention, features, profile knobs ---------------------------------------------------


class Retention(_Model):
    image_retention_days: Annotated[int, Field(ge=1, le=3650)]
    log_retention_days: Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]
    removal_policy: RemovalPolicyName
    deletion_protection: bool


class Waf(_Model):
    enabled: bool
    rate_limit_per_5_min: Annotated[int, Field(ge=10, le=2_000_000_000)] = 1000


class Features(_Model):
    waf: Waf
    # Observability that bills while idle (docs/cost.md): on by default; off for a zero-idle deployment.
    alarms: bool = True
    dashboard: bool = True
    alarm_email: str | None = None
    snapstart: bool
    self_sign_up: bool
    mfa: Literal["OFF", "OPTIONAL", "REQUIRED"]

    @field_validator("alarm_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @model_validator(mode="after")
    def _email_needs_alarms(self) -> Features:
        if self.alarm_email is not None and not self.alarms:
            raise ValueError("alarm_email is set but alarms is false: with no alarms nothing would be e-mailed; set one or the other")
        return self


class FunctionSizing(_Model):
    memory_mb: Annotated[int, Field(ge=128, le=10_240)]
    timeout_seconds: Annotated[int, Field(ge=1, le=900)]


class Functions(_Model):
    chat: FunctionSizing
    rag: FunctionSizing
    image: FunctionSizing
    ingest: FunctionSizing
    # The streaming functions (POST /chat/stream, /rag/query/stream): a stream may last 15 minutes, so they are not
    # bound by the 29 s rule below, only by Lambda's 900 s maximum (FunctionSizing).
    chat_stream: FunctionSizing = FunctionSizing(memory_mb=512, timeout_seconds=900)
    rag_stream: FunctionSizing = FunctionSizing(memory_mb=1024, timeout_seconds=900)
    # Model customization (issue 15): dataset checks and Bedrock control-plane calls behind the 29 s API.
    customize: FunctionSizing = FunctionSizing(memory_mb=512, timeout_seconds=29)
    usage: FunctionSizing = FunctionSizing(memory_mb=512, timeout_seconds=29)  # GET /usage, /admin/usage, budgets

    @model_validator(mode="after")
    def _api_functions_fit_gateway(self) -> Functions:
        for name in ("chat", "rag", "image", "customize", "usage"):
            if getattr(self, name).timeout_seconds > 29:
                raise ValueError(f"{name}.timeout_seconds must be <= 29: API Gateway ends the request at 29 s")
        return self


class AppConfig(_Model):
    """The whole configuration, after merging base, profile and overrides."""

    profile: str
    stack_name: str
    region: str | None = None
    account: str | None = None
    models: Models
    memory: Memory
    limits: Limits
    api: Api
    guardrail: Guardrail
    knowledge_base: KnowledgeBase
    retention: Retention
    features: Features
    functions: Functions
    budgets: Budgets = Budgets()  # infra/budgets.py
    prompt_caching: PromptCaching = PromptCaching()
    attachments: Attachments = Attachments()  # files in chat
    tags: dict[str, str] = {}

    @field_validator("stack_name")
    @classmethod
    def _stack_name(cls, value: str) -> str:
        if not STACK_NAME_RE.match(value):
            raise ValueError("must start with a letter and hold only letters, digits and hyphens (max 128)")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is not None and not REGION_RE.match(value):
            raise ValueError(f"{value!r} is not an AWS region name such as us-east-1")
        return value

    @field_validator("account")
    @classmethod
    def _account(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{12}", value):
            raise ValueError("must be a 12-digit AWS account id")
        return value


# --- loading -----------------------------------------------------------------------------


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge `override` into a copy of `base`; dicts merge, everything else replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _format_errors(err: ValidationError) -> str:
    lines = []
    for item in err.errors():
        key = ".".join(str(part) for part in item["loc"] if not str(part).startswith("function-after"))
        message = item["msg"].removeprefix("Value error, ")
        shown = "" if item["type"] in ("missing",) else f" (got {item.get('input')!r})"
        if len(shown) > 120:
            shown = ""
        lines.append(f"  {key or '<root>'}: {message}{shown}")
    return "invalid configuration:\n" + "\n".join(lines)


def parse_config(document: dict[str, Any]) -> AppConfig:
    """Validate a merged configuration document; raise ConfigError naming each bad key."""
    try:
        return AppConfig.model_validate(document)
    except ValidationError as err:
        raise ConfigError(_format_errors(err)) from None


def load_config(context: dict[str, Any]) -> AppConfig:
    """Build the configuration from CDK context values (cdk.json plus `-c key=value`)."""
    base = context.get("genai:config")
    profiles = context.get("genai:profiles", {})
    if not isinstance(base, dict):
        raise ConfigError("cdk.json context 'genai:config' is missing or not an object")
    profile = str(context.get("profile", "dev"))
    if profile not in profiles:
        raise ConfigError(f"profile: {profile!r} is not defined; allowed: {', '.join(sorted(profiles))}")
    document = deep_merge(base, profiles[profile])
    document["profile"] = profile
    config_file = context.get("config")
    if config_file:
        path = Path(str(config_file))
        try:
            document = deep_merge(document, json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as err:
            raise ConfigError(f"config: cannot read {path}: {err}") from None
    for key in ("stack_name", "region", "account"):
        if context.get(key):
            document[key] = str(context[key])
    return parse_config(document)
