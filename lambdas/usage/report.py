"""GET /usage: the caller's own day and month, by model, and what remains of each budget.

One BatchGetItem reads everything: the caller's day and month rows and the budget overrides that can apply
(the caller's USER item and a GROUP item per group). The keys are built from the verified `sub` alone, so no
request can name another user's rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from common.auth import Caller
from common.runtime_config import Budgets
from common.usage import periods
from common.usage.budgets import BUDGET_PK, Limits, group_key, override_limits, resolve_limits, user_key
from usage.counters import Counters, usd
from usage.store import UsageStore, user_pk


def _period_view(period: periods.Period, counters: Counters) -> dict[str, Any]:
    return {
        "period": period.label,
        "starts_at": periods.iso(period.starts_at),
        "resets_at": periods.iso(period.resets_at),
        **counters.view(),
    }


def remaining(limits: Limits, day: Counters, month: Counters, today: periods.Period, this_month: periods.Period) -> list[dict[str, Any]]:
    """Each budget that has a limit: the limit, what is used (settled + reserved), what remains, when it resets."""
    states: list[dict[str, Any]] = []
    if limits.tokens_per_day is not None:
        used = day.committed_tokens
        states.append(
            {
                "budget": "tokens_per_day",
                "unit": "tokens",
                "limit": limits.tokens_per_day,
                "used": used,
                "remaining": max(0, limits.tokens_per_day - used),
                "resets_at": periods.iso(today.resets_at),
            }
        )
    if limits.micro_usd_per_month is not None:
        limit, used = limits.micro_usd_per_month, month.committed_micro_usd
        states.append(
            {
                "budget": "usd_per_month",
                "unit": "usd",
                "limit": usd(limit),
                "used": usd(used),
                "remaining": usd(max(0, limit - used)),
                "resets_at": periods.iso(this_month.resets_at),
            }
        )
    return states


def my_usage(caller: Caller, store: UsageStore, budgets: Budgets, now: datetime) -> dict[str, Any]:
    zone = ZoneInfo(budgets.time_zone)
    today, this_month = periods.current("day", now, zone), periods.current("month", now, zone)
    pk = user_pk(caller.sub)
    override_keys = [user_key(caller.sub), *(group_key(g) for g in sorted(caller.groups))]
    found = store.get_many([(pk, today.key), (pk, this_month.key), *((BUDGET_PK, sk) for sk in override_keys)])
    day, month = Counters.from_item(found.get((pk, today.key))), Counters.from_item(found.get((pk, this_month.key)))
    limits = resolve_limits(budgets, caller, {sk: override_limits(item) for (p, sk), item in found.items() if p == BUDGET_PK})
    return {
        "time_zone": budgets.time_zone,
        "now": periods.iso(now.astimezone(zone)),
        "day": _period_view(today, day),
        "month": _period_view(this_month, month),
        "unlimited": limits.unlimited,
        "budgets": remaining(limits, day, month, today, this_month),
    }
