"""The budgets that apply to a caller: config defaults per Cognito group, then admins' overrides.

Order (the contract of issue 14; lambdas/common/usage/budgets.py enforces the same):
1. Each of the caller's groups that the config lists (`budgets.groups`) or that has a GROUP override: the config's
   `default`, overlaid with the group's config entry, overlaid with the group's override.
   A caller in no such group gets `default`.
2. The most generous of those groups: per budget, no limit beats any limit, else the larger limit.
3. The caller's own USER override, overlaid last.
Overlaying: `unlimited: true` lifts both limits; a limit that is set replaces; one left out (null) is inherited.
Money is compared in integer micro-USD.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.runtime_config import BudgetLimits, Budgets
from usage.counters import MICRO


@dataclass(frozen=True)
class Limits:
    tokens_per_day: int | None  # None: no limit
    micro_usd_per_month: int | None

    @property
    def unlimited(self) -> bool:
        return self.tokens_per_day is None and self.micro_usd_per_month is None


def micro(usd: float | int | None) -> int | None:
    return None if usd is None else round(usd * MICRO)


def _overlay(base: Limits, layer: BudgetLimits | dict[str, Any] | None) -> Limits:
    if layer is None:
        return base
    fields = layer.model_dump() if isinstance(layer, BudgetLimits) else layer
    if fields.get("unlimited"):
        return Limits(None, None)
    tokens, usd = fields.get("tokens_per_day"), fields.get("usd_per_month")
    return Limits(
        base.tokens_per_day if tokens is None else int(tokens),
        base.micro_usd_per_month if usd is None else micro(usd),
    )


def _most_generous(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else max(v for v in values if v is not None)


def group_key(name: str) -> str:
    return f"GROUP#{name}"


def user_key(sub: str) -> str:
    return f"USER#{sub}"


def resolve(config: Budgets, sub: str, groups: frozenset[str], overrides: dict[str, dict[str, Any]]) -> Limits:
    """`overrides`: BUDGET items by sort key (USER#<sub>, GROUP#<name>); any others are ignored."""
    default = _overlay(Limits(None, None), config.default)
    listed = sorted(g for g in groups if g in config.groups or group_key(g) in overrides)
    per_group = [_overlay(_overlay(default, config.groups.get(g)), overrides.get(group_key(g))) for g in listed] or [default]
    combined = Limits(
        _most_generous([limits.tokens_per_day for limits in per_group]),
        _most_generous([limits.micro_usd_per_month for limits in per_group]),
    )
    return _overlay(combined, overrides.get(user_key(sub)))
