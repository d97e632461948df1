"""The `budgets` section of the configuration: default budgets per Cognito group, an optional daily spend
ceiling for the whole deployment, and the time zone that decides where a day and a month begin.

Validated at synth like the rest of the configuration (infra/config.py): the zone must exist in the IANA
database (`zoneinfo`; the functions carry the PyPI `tzdata` package in their core layer, so the zone they
check at cold start is the one checked here), numbers are >= 0 and below sane maxima.
"""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator, model_validator

from infra.config_base import STRICT

MAX_TOKENS_PER_DAY = 1_000_000_000
MAX_USD_PER_MONTH = 1_000_000
MAX_CEILING_USD_PER_DAY = 1_000_000
# Cognito group names: 1-128 characters, no whitespace
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html).
GROUP_NAME = re.compile(r"^[^\s]{1,128}$")


class _Model(BaseModel):
    model_config = STRICT


class BudgetLimits(_Model):
    """A budget: tokens per day and USD per month (absent: inherit; see docs/configuration.md#budgets)."""

    tokens_per_day: Annotated[int, Field(ge=0, le=MAX_TOKENS_PER_DAY)] | None = None
    usd_per_month: Annotated[float, Field(ge=0, le=MAX_USD_PER_MONTH, allow_inf_nan=False)] | None = None
    unlimited: bool = False

    @model_validator(mode="after")
    def _unlimited_alone(self) -> BudgetLimits:
        if self.unlimited and (self.tokens_per_day is not None or self.usd_per_month is not None):
            raise ValueError("unlimited: true takes no tokens_per_day or usd_per_month")
        return self


def check_time_zone(name: str) -> str:
    """`name` if it is an IANA zone `zoneinfo` can load, else ValueError naming examples."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone; use a name such as Asia/Seoul, UTC or America/New_York") from None
    return name


class Budgets(_Model):
    time_zone: str = "Asia/Seoul"
    default: BudgetLimits = BudgetLimits(tokens_per_day=200_000, usd_per_month=20)
    groups: dict[str, BudgetLimits] = {"admin": BudgetLimits(unlimited=True)}
    daily_ceiling_usd: Annotated[float, Field(gt=0, le=MAX_CEILING_USD_PER_DAY, allow_inf_nan=False)] | None = None

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_time_zone(value)

    @field_validator("groups")
    @classmethod
    def _group_names(cls, groups: dict[str, BudgetLimits]) -> dict[str, BudgetLimits]:
        bad = [name for name in groups if not GROUP_NAME.match(name)]
        if bad:
            raise ValueError(f"group name(s) {', '.join(map(repr, bad))}: a Cognito group name is 1-128 characters without spaces")
        return groups
