"""A caller's budgets: the configuration's defaults per Cognito group, then the overrides admins set.

Config `budgets.groups` gives a group's budget (a limit it leaves out is the `budgets.default` one); a caller in
several listed groups gets the most generous of each limit (`unlimited` lifts both); a caller in none gets
`budgets.default`. Overrides are items of the usage table (`BUDGET` / `GROUP#<name>` or `USER#<sub>`, written by
PUT /admin/budgets/...): a group override replaces that group's limits (a group with an override counts as listed),
then the user's override replaces the result, limit by limit (an absent limit inherits; `unlimited` lifts both).
The usage function (lambdas/usage/) resolves GET /usage's budgets with the same resolve_limits.
The caller's override items are read with one BatchGetItem and kept per container for CACHE_SECONDS, so a change
reaches every function within a minute, without a redeploy.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from common.auth import Caller
from common.observability import logger
from common.runtime_config import BudgetLimits, Budgets

CACHE_SECONDS = 60.0
CACHE_ENTRIES = 1_024
BUDGET_PK = "BUDGET"


@dataclass(frozen=True)
class Limits:
    """What a caller may spend: tokens per day and micro-USD per month (None: no limit)."""

    tokens_per_day: int | None
    micro_usd_per_month: int | None

    @property
    def unlimited(self) -> bool:
        return self.tokens_per_day is None and self.micro_usd_per_month is None


def to_micro_usd(usd: float | None) -> int | None:
    """USD (at most 6 decimals: config and PUT bodies are validated so) as integer micro-USD, exactly."""
    return None if usd is None else int(Decimal(str(usd)) * 1_000_000)


def user_key(sub: str) -> str:
    return f"USER#{sub}"


def group_key(name: str) -> str:
    return f"GROUP#{name}"


def _merged(base: BudgetLimits, override: BudgetLimits) -> BudgetLimits:
    if override.unlimited:
        return override
    return BudgetLimits(
        tokens_per_day=base.tokens_per_day if override.tokens_per_day is None else override.tokens_per_day,
        usd_per_month=base.usd_per_month if override.usd_per_month is None else override.usd_per_month,
        unlimited=base.unlimited and override.tokens_per_day is None and override.usd_per_month is None,
    )


def _most_generous(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else max(v for v in values if v is not None)


def resolve_limits(budgets: Budgets, caller: Caller, overrides: dict[str, BudgetLimits]) -> Limits:
    """The caller's limits from the configuration and the override items (`GROUP#<name>`, `USER#<sub>` keys)."""
    groups = {}
    for name in sorted(caller.groups):
        configured = budgets.groups.get(name)
        override = overrides.get(group_key(name))
        if configured is None and override is None:
            continue
        base = budgets.default if configured is None else _merged(budgets.default, configured)
        groups[name] = base if override is None else _merged(base, override)
    chosen = list(groups.values()) or [budgets.default]
    tokens = _most_generous([None if g.unlimited else g.tokens_per_day for g in chosen])
    usd = _most_generous([None if g.unlimited else to_micro_usd(g.usd_per_month) for g in chosen])
    user = overrides.get(user_key(caller.sub))
    if user is not None:
        if user.unlimited:
            return Limits(None, None)
        tokens = tokens if user.tokens_per_day is None else user.tokens_per_day
        usd = usd if user.usd_per_month is None else to_micro_usd(user.usd_per_month)
    return Limits(tokens, usd)


def override_limits(fields: Mapping[str, Any]) -> BudgetLimits:
    """An override item's limits from its plain attribute values (numbers as int, float or Decimal)."""
    tokens, usd = fields.get("tokens_per_day"), fields.get("usd_per_month")
    return BudgetLimits(
        tokens_per_day=None if tokens is None else int(tokens),
        usd_per_month=None if usd is None else float(usd),
        unlimited=bool(fields.get("unlimited", False)),
    )


def _override(item: dict[str, Any]) -> BudgetLimits:
    """The same from a low-level item (DynamoDB's typed JSON)."""
    plain: dict[str, Any] = {name: Decimal(item[name]["N"]) for name in ("tokens_per_day", "usd_per_month") if "N" in item.get(name, {})}
    plain["unlimited"] = item.get("unlimited", {}).get("BOOL", False)
    return override_limits(plain)


class BudgetBook:
    """Reads a caller's override items (cached) and resolves the caller's limits."""

    def __init__(self, client: Any, table: str, budgets: Budgets, *, monotonic: Any = time.monotonic) -> None:
        self._db, self._table, self._budgets = client, table, budgets
        self._monotonic = monotonic
        self._cache: OrderedDict[tuple[str, frozenset[str]], tuple[float, dict[str, BudgetLimits]]] = OrderedDict()
        self._lock = threading.Lock()

    def limits_for(self, caller: Caller) -> Limits:
        return resolve_limits(self._budgets, caller, self._overrides(caller))

    def _overrides(self, caller: Caller) -> dict[str, BudgetLimits]:
        key = (caller.sub, caller.groups)
        now = self._monotonic()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and now - cached[0] < CACHE_SECONDS:
                return cached[1]
        found = self._read(caller)
        if found is None:
            return {}
        with self._lock:
            self._cache[key] = (now, found)
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return found

    def _read(self, caller: Caller) -> dict[str, BudgetLimits] | None:
        """One BatchGetItem (its 100-key limit: a caller's own item and up to 99 of its groups). A read that fails
        leaves the configured budgets in force for this request (logged); the next request reads again (None)."""
        sort_keys = [user_key(caller.sub), *(group_key(g) for g in sorted(caller.groups))][:100]
        keys = [{"pk": {"S": BUDGET_PK}, "sk": {"S": sk}} for sk in sort_keys]
        found: dict[str, BudgetLimits] = {}
        try:
            request: dict[str, Any] = {self._table: {"Keys": keys}}
            for _ in range(3):  # UnprocessedKeys: BatchGetItem may answer part of the keys
                response = self._db.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self._table, []):
                    found[item["sk"]["S"]] = _override(item)
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
        except ClientError as err:
            logger.warning("budget overrides could not be read; the configured budgets apply", extra={"error": str(err)})
            return None
        return found
