"""Request and response bodies of the usage routes (the published OpenAPI schema comes from these)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from common.errors import ValidationFailedError

# The same maxima the config is validated against at synth (infra/config.py MAX_TOKENS_PER_DAY, MAX_USD_PER_MONTH).
MAX_TOKENS_PER_DAY = 1_000_000_000
MAX_USD_PER_MONTH = 1_000_000
SUB = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"  # a Cognito sub is a UUID
# Cognito group names: 1-128 characters, no whitespace or control characters (the API's pattern is [\p{L}\p{M}\p{S}\p{N}\p{P}]+:
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html).
GROUP_NAME = re.compile(r"[^\s\x00-\x1f\x7f]{1,128}")
ENCODED_GROUP_MAX = 128 * 12  # each character percent-encoded: up to 4 UTF-8 bytes of 3 characters each


def group_name(raw: str) -> str:
    """A group name from its path segment: REST API path parameters arrive percent-encoded (Korean names included)."""
    name = unquote(raw)
    if not GROUP_NAME.fullmatch(name):
        problem = {"field": "path.name", "message": "a Cognito group name: 1-128 characters, no spaces"}
        raise ValidationFailedError("the request is not valid: see details", details=[problem])
    return name


class BudgetUpdate(BaseModel):
    """PUT /admin/budgets/...: a limit left out or null is inherited (group, then config default)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    tokens_per_day: Annotated[int, Field(ge=0, le=MAX_TOKENS_PER_DAY, description="Tokens a day (input, output, cache)")] | None = None
    usd_per_month: Annotated[float, Field(ge=0, le=MAX_USD_PER_MONTH, allow_inf_nan=False, description="US dollars a month")] | None = None
    unlimited: bool = Field(False, description="No limit at all (the limits must then be left out)")

    @field_validator("usd_per_month")
    @classmethod
    def _micro_usd(cls, value: float | None) -> float | None:
        if value is not None and Decimal(repr(value)).as_tuple().exponent < -6:  # type: ignore[operator]
            raise ValueError("at most 6 decimal places (budgets are kept in millionths of a dollar)")
        return value

    @model_validator(mode="after")
    def _says_something(self) -> BudgetUpdate:
        limits = self.tokens_per_day is not None or self.usd_per_month is not None
        if self.unlimited and limits:
            raise ValueError("unlimited: true lifts every limit; leave tokens_per_day and usd_per_month out")
        if not self.unlimited and not limits:
            raise ValueError("set tokens_per_day, usd_per_month or unlimited: an override that changes nothing is a DELETE")
        return self


class BudgetOverride(BaseModel):
    scope: Literal["user", "group"]
    id: str = Field(description="The user's sub or the group's name")
    tokens_per_day: int | None
    usd_per_month: float | None
    unlimited: bool
    updated_by: str
    updated_at: str


class ConfiguredLimits(BaseModel):
    tokens_per_day: int | None
    usd_per_month: float | None
    unlimited: bool


class BudgetState(BaseModel):
    budget: Literal["tokens_per_day", "usd_per_month", "daily_ceiling_usd"]
    unit: Literal["tokens", "usd"]
    limit: int | float = Field(description="Tokens (an integer) or USD")
    used: int | float = Field(description="Settled use plus reservations of calls still running")
    remaining: int | float
    resets_at: str = Field(description="ISO 8601, in the configured time zone")


class BudgetsView(BaseModel):
    time_zone: str
    default: ConfiguredLimits
    groups: dict[str, ConfiguredLimits]
    daily_ceiling: BudgetState | None = Field(description="The deployment's spend today against budgets.daily_ceiling_usd")
    overrides: list[BudgetOverride]


class ModelUsage(BaseModel):
    model_id: str
    cost_micro_usd: int
    cost_usd: float
    input_tokens: int
    output_tokens: int
    images: int


class Counters(BaseModel):
    cost_micro_usd: int
    cost_usd: float
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    cache_saved_micro_usd: int = Field(
        description="What prompt caching saved: the cache reads and writes at the input rate minus what they cost (negative "
        "while writes outweigh reads)"
    )
    total_tokens: int
    images: int
    guardrail_text_units: int
    estimated_micro_usd: int = Field(description="Part of cost_micro_usd no service reported: images, query embeddings, cut streams")
    requests: int
    models: list[ModelUsage]


class PeriodUsage(Counters):
    period: str = Field(description="YYYY-MM-DD or YYYY-MM, in the configured time zone")
    starts_at: str
    resets_at: str


class UsageReport(BaseModel):
    time_zone: str
    now: str
    day: PeriodUsage
    month: PeriodUsage
    unlimited: bool
    budgets: list[BudgetState] = Field(description="Each budget with a limit; empty when unlimited")


class UserUsage(Counters):
    user: str = Field(description="The user's Cognito sub")
    email: str | None
    name: str | None


class PeriodTotals(Counters):
    users: int


class UsageListing(BaseModel):
    period: Literal["day", "month"]
    date: str
    time_zone: str
    sort: Literal["cost", "tokens", "user"]
    order: Literal["asc", "desc"]
    users: list[UserUsage]
    totals: PeriodTotals = Field(description="Every user's usage in the period added up, by model too")
    next_token: str | None
