"""GET/PUT/DELETE /admin/budgets: the config's budgets, admins' overrides, and the deployment's ceiling today.

An override is one BUDGET item (pk BUDGET, sk USER#<sub> or GROUP#<name>); PUT replaces it whole, DELETE removes
it (404 when there is none, so a mistyped id is noticed). The functions that enforce budgets read overrides with a
per-container cache of at most a minute (lambdas/common/usage/budgets.py): a change applies without a redeploy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from common.errors import NotFoundError
from common.runtime_config import BudgetLimits, Budgets
from common.usage import periods
from common.usage.budgets import group_key, to_micro_usd, user_key
from common.usage.ledger import ACCOUNT
from usage.counters import Counters, usd
from usage.models import BudgetUpdate
from usage.store import UsageStore

Scope = Literal["user", "group"]
_PREFIX: dict[Scope, str] = {"user": "USER#", "group": "GROUP#"}


def _sort_key(scope: Scope, name: str) -> str:
    return user_key(name) if scope == "user" else group_key(name)


def _override_view(item: dict[str, Any]) -> dict[str, Any] | None:
    sk = str(item.get("sk", ""))
    scope: Scope
    if sk.startswith(_PREFIX["user"]):
        scope = "user"
    elif sk.startswith(_PREFIX["group"]):
        scope = "group"
    else:
        return None
    return {
        "scope": scope,
        "id": sk[len(_PREFIX[scope]) :],
        "tokens_per_day": item.get("tokens_per_day"),
        "usd_per_month": None if item.get("usd_per_month") is None else float(item["usd_per_month"]),
        "unlimited": bool(item.get("unlimited", False)),
        "updated_by": str(item.get("updated_by", "")),
        "updated_at": str(item.get("updated_at", "")),
    }


def _configured(limits: BudgetLimits) -> dict[str, Any]:
    return limits.model_dump()


def _ceiling(budgets: Budgets, store: UsageStore, now: datetime) -> dict[str, Any] | None:
    if budgets.daily_ceiling_usd is None:
        return None
    today = periods.current("day", now, ZoneInfo(budgets.time_zone))
    row = store.get_many([(ACCOUNT, today.key)]).get((ACCOUNT, today.key))
    limit, used = to_micro_usd(budgets.daily_ceiling_usd) or 0, Counters.from_item(row).committed_micro_usd
    return {
        "budget": "daily_ceiling_usd",
        "unit": "usd",
        "limit": usd(limit),
        "used": usd(used),
        "remaining": usd(max(0, limit - used)),
        "resets_at": periods.iso(today.resets_at),
    }


def view(budgets: Budgets, store: UsageStore, now: datetime) -> dict[str, Any]:
    overrides = [v for v in (_override_view(item) for item in store.overrides()) if v is not None]
    return {
        "time_zone": budgets.time_zone,
        "default": _configured(budgets.default),
        "groups": {name: _configured(limits) for name, limits in sorted(budgets.groups.items())},
        "daily_ceiling": _ceiling(budgets, store, now),
        "overrides": sorted(overrides, key=lambda o: (o["scope"], o["id"])),
    }


def put(scope: Scope, name: str, update: BudgetUpdate, admin_sub: str, now: datetime, store: UsageStore) -> dict[str, Any]:
    """Store the override (replacing any earlier one); limits left out are not stored (absent = inherit)."""
    item: dict[str, Any] = {
        "sk": _sort_key(scope, name),
        "unlimited": update.unlimited,
        "updated_by": admin_sub,
        "updated_at": now.isoformat(timespec="seconds"),
    }
    if update.tokens_per_day is not None:
        item["tokens_per_day"] = update.tokens_per_day
    if update.usd_per_month is not None:
        item["usd_per_month"] = update.usd_per_month
    store.put_override(item)
    return {
        "scope": scope,
        "id": name,
        "tokens_per_day": update.tokens_per_day,
        "usd_per_month": update.usd_per_month,
        "unlimited": update.unlimited,
        "updated_by": admin_sub,
        "updated_at": item["updated_at"],
    }


def delete(scope: Scope, name: str, store: UsageStore) -> None:
    if not store.delete_override(_sort_key(scope, name)):
        raise NotFoundError(f"no budget override for {scope} {name!r}")
