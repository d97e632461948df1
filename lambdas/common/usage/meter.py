"""Metering as the functions use it: one Metering per container, one Meter per request.

    meter = metering.start(caller, estimate)   # 429 before any paid call when a budget has no room
    ... paid calls; meter.add(converse_cost(...)), meter.add(guardrail_cost(...)) ...
    meter.settle()   # or chat: the turn's transaction carries meter.settle_items(), then meter.committed()
    # on failure: meter.abandon(): what was consumed is settled, or the reservation released

A Meter settles at most once; `abandon` after a settle does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from common.auth import Caller
from common.clock import Clock
from common.runtime_config import RuntimeConfig, UsagePrices
from common.usage.budgets import BudgetBook, Limits, to_micro_usd
from common.usage.estimate import Estimate
from common.usage.ledger import Ledger, Now, Reservation, TransactItem
from common.usage.prices import Metered


class Meter:
    def __init__(self, ledger: Ledger | None, reservation: Reservation | None, limits: Limits | None = None) -> None:
        self._ledger, self.reservation, self._limits = ledger, reservation, limits
        self.consumed: list[Metered] = []
        self._done = False

    def add(self, *metered: Metered | None) -> None:
        self.consumed.extend(m for m in metered if m is not None)

    def extend(self, more: Estimate) -> None:
        """Reserve `more` on the same rows (429 when it does not fit: the caller abandons the request)."""
        if self._ledger is not None and self.reservation is not None and self._limits is not None and not self._done:
            self.reservation = self._ledger.extend(self.reservation, self._limits, more.micro_usd, more.tokens)

    def settle_items(self) -> list[TransactItem]:
        """The settle, for a transaction the caller writes (then `committed()`, or `commit_failed()`)."""
        if self._ledger is None or self.reservation is None or self._done:
            return []
        return self._ledger.settle_items(self.reservation, self.consumed)

    def committed(self) -> None:
        if self._ledger is not None and self.reservation is not None and not self._done:
            self._done = True
            self._ledger.settled(self.reservation, self.consumed)

    def settle(self) -> None:
        if self._ledger is not None and self.reservation is not None and not self._done:
            self._done = True
            self._ledger.settle(self.reservation, self.consumed)

    def abandon(self) -> None:
        """The request failed: settle what its paid calls consumed, or give the reservation back."""
        if self._ledger is None or self.reservation is None or self._done:
            return
        self._done = True
        if self.consumed:
            self._ledger.settle(self.reservation, self.consumed)
        else:
            self._ledger.release(self.reservation)

    @contextmanager
    def charging(self) -> Iterator[Meter]:
        """Abandon (settle what was consumed, or release) if the block fails; the caller settles on success."""
        try:
            yield self
        except BaseException:
            self.abandon()
            raise


UNMETERED = Meter(None, None)


@dataclass(frozen=True)
class Metering:
    ledger: Ledger
    budgets: BudgetBook
    prices: UsagePrices

    def start(self, caller: Caller, estimate: Estimate) -> Meter:
        limits = self.budgets.limits_for(caller)
        return Meter(self.ledger, self.ledger.reserve(caller, limits, estimate.micro_usd, estimate.tokens), limits)


def metering(config: RuntimeConfig, table: str, client: Any, clock: Now | None = None) -> Metering:
    """The container's Metering on `table` (the USAGE_TABLE setting) with the runtime config's budgets and prices."""
    budgets = config.budgets
    ceiling = to_micro_usd(budgets.daily_ceiling_usd)
    ledger = Ledger(client, table, clock or Clock(), budgets.time_zone, ceiling)
    return Metering(ledger, BudgetBook(client, table, budgets), config.prices)
