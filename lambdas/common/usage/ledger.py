"""The usage ledger: reserve a request's maximum before its paid calls, settle to what they cost after.

Rows (infra/constructs/usage.py): a user's day `USER#<sub>`/`DAY#<date>` and month `USER#<sub>`/`MONTH#<yyyy-mm>`
(the day's and month's local dates in the configured zone: common/usage/periods.py), and with a daily ceiling
the deployment's day `ACCOUNT`/`DAY#<date>`. Money is integer micro-USD.

Reserve: ONE TransactWriteItems, an Update per row, `ADD committed_* :max` under the condition
`attribute_not_exists(committed_*) OR committed_* <= :limit_minus_max`: DynamoDB conditions have no arithmetic
(the ConditionExpression grammar lists functions, comparators and AND/OR/NOT only), so the client subtracts. DynamoDB
applies each transaction atomically, so concurrent requests of one user can never reserve past the limit together:
what is committed never exceeds it, and settling only moves a reservation down to the actual. A failed condition
returns the row as it was (`ReturnValuesOnConditionCheckFailure: ALL_OLD`, no read capacity consumed) in the
TransactionCanceledException's CancellationReasons: the 429 names what was used without another read.
ClientRequestToken makes botocore's own retries of a transaction idempotent ("multiple identical calls have the same
effect as one single call", valid for 10 minutes:
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html); a transaction cancelled
for a conflict wrote nothing and is tried again here with a new token.
Settle: Updates that move `committed_*` by (actual - reserved) and add the counters, per model too. Chat folds them
into the turn's own transaction (common/conversations.py); other calls write them as their own transaction.

Failures never block or double-charge a request: a reservation that cannot be written because storage fails (not
because of a budget) lets the request go on unreserved (`UsageWriteFailed`); a settle that fails is logged with what
was metered (`UsageWriteFailed`) and the reservation stays counted: over-counting, never under.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from botocore.exceptions import BotoCoreError, ClientError

from common.auth import Caller
from common.observability import logger
from common.usage import metrics
from common.usage.budgets import Limits
from common.usage.periods import Period, day_of, month_of
from common.usage.prices import Metered, by_model
from common.usage.refusal import Breach, refusal

ACCOUNT = "ACCOUNT"
COMMITTED_USD = "committed_micro_usd"
COMMITTED_TOKENS = "committed_tokens"
_ATTEMPTS = 6
TransactItem = dict[str, Any]


class Now(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class Reservation:
    sub: str
    day: Period
    month: Period
    micro_usd: int  # what the rows hold for this request (0 when nothing was written)
    tokens: int
    account: bool  # the deployment's day row is part of it (a ceiling is configured)
    written: bool


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def _s(value: str) -> dict[str, str]:
    return {"S": value}


class Ledger:
    def __init__(self, client: Any, table: str, clock: Now, time_zone: str, ceiling_micro_usd: int | None) -> None:
        self._db, self._table, self._clock = client, table, clock
        self.zone = ZoneInfo(time_zone)
        self.ceiling = ceiling_micro_usd

    # --- reserve --------------------------------------------------------------------------------

    def reserve(self, caller: Caller, limits: Limits, max_micro_usd: int, max_tokens: int) -> Reservation:
        """Hold `max_micro_usd` and `max_tokens` on the caller's day and month (and the deployment's day), or raise
        BudgetExceededError (429) when a limit has no room for them. Storage failures: an unwritten Reservation."""
        now = self._clock.now()
        day, month = day_of(now, self.zone), month_of(now, self.zone)
        held = self._transact(caller.sub, day, month, limits, max_micro_usd, max_tokens, now)
        return Reservation(caller.sub, day, month, max_micro_usd if held else 0, max_tokens if held else 0, self.ceiling is not None, held)

    def extend(self, reservation: Reservation, limits: Limits, more_micro_usd: int, more_tokens: int) -> Reservation:
        """Hold more on the same rows (a cost known only after an earlier paid call: RAG's passages), or raise
        BudgetExceededError. A reservation that was never written stays unwritten (the request goes on unreserved)."""
        if not reservation.written or (more_micro_usd <= 0 and more_tokens <= 0):
            return reservation
        now = self._clock.now()
        if not self._transact(reservation.sub, reservation.day, reservation.month, limits, more_micro_usd, more_tokens, now):
            return reservation
        return replace(reservation, micro_usd=reservation.micro_usd + more_micro_usd, tokens=reservation.tokens + more_tokens)

    def _transact(self, sub: str, day: Period, month: Period, limits: Limits, max_micro_usd: int, max_tokens: int, now: datetime) -> bool:
        """One conditional transaction holding the amounts; True when written, False on a storage failure."""
        user = f"USER#{sub}"
        checks = [
            self._hold(user, day, sub, max_micro_usd, max_tokens, COMMITTED_TOKENS, limits.tokens_per_day, max_tokens),
            self._hold(user, month, sub, max_micro_usd, max_tokens, COMMITTED_USD, limits.micro_usd_per_month, max_micro_usd),
        ]
        if self.ceiling is not None:
            checks.append(self._hold(ACCOUNT, day, None, max_micro_usd, None, COMMITTED_USD, self.ceiling, max_micro_usd))
        for attempt in range(_ATTEMPTS):
            try:
                self._db.transact_write_items(TransactItems=checks, ClientRequestToken=secrets.token_hex(16))
                return True
            except ClientError as err:
                reasons = err.response.get("CancellationReasons") or []
                breaches = self._breaches(reasons, limits, day, month)
                if breaches:
                    raise refusal(breaches, max_micro_usd, max_tokens, now) from None
                if any(r.get("Code") == "TransactionConflict" for r in reasons) and attempt < _ATTEMPTS - 1:
                    time.sleep(0.02 * (2**attempt) * (0.5 + secrets.randbelow(100) / 100))
                    continue
                self._unwritten("reserve", err)
            except BotoCoreError as err:
                self._unwritten("reserve", err)
            break
        return False

    def _hold(
        self, pk: str, period: Period, sub: str | None, usd: int, tokens: int | None, limited: str, limit: int | None, needed: int
    ) -> TransactItem:
        names = {"#u": COMMITTED_USD, "#e": "expires_at"}
        values: dict[str, Any] = {":u": _n(usd), ":e": _n(period.expires_at)}
        update = "ADD #u :u"
        if tokens is not None:
            names["#t"] = COMMITTED_TOKENS
            values[":t"] = _n(tokens)
            update += ", #t :t"
        update += " SET #e = :e"
        if sub is not None:  # a user's row is listed per period (the by_period index)
            names.update({"#p": "period", "#w": "user"})
            values.update({":p": _s(period.key), ":w": _s(sub)})
            update += ", #p = :p, #w = :w"
        item: dict[str, Any] = {
            "TableName": self._table,
            "Key": {"pk": _s(pk), "sk": _s(period.key)},
            "UpdateExpression": update,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if limit is not None:
            names["#c"] = limited
            values[":room"] = _n(limit - needed)
            # No room even on an empty row: the comparison alone (false on a missing attribute) refuses it.
            item["ConditionExpression"] = "#c <= :room" if limit < needed else "attribute_not_exists(#c) OR #c <= :room"
            item["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Update": item}

    def _breaches(self, reasons: Sequence[dict[str, Any]], limits: Limits, day: Period, month: Period) -> list[Breach]:
        found = []
        budgets = [
            ("tokens_per_day", limits.tokens_per_day, day, COMMITTED_TOKENS),
            ("usd_per_month", limits.micro_usd_per_month, month, COMMITTED_USD),
            ("daily_ceiling_usd", self.ceiling, day, COMMITTED_USD),
        ]
        for reason, (budget, limit, period, attribute) in zip(reasons, budgets, strict=False):
            if reason.get("Code") == "ConditionalCheckFailed" and limit is not None:
                used = int((reason.get("Item") or {}).get(attribute, {}).get("N", "0"))
                found.append(Breach(budget, limit, used, period))
        return found

    # --- settle ---------------------------------------------------------------------------------

    def settle_items(self, reservation: Reservation, metered: Sequence[Metered], *, request: bool = True) -> list[TransactItem]:
        """The Updates that move the reservation to what `metered` cost and add it to the counters."""
        models = by_model(metered)
        total = sum(models, Metered(""))
        estimated = sum(m.micro_usd for m in metered if m.estimated)
        usd, tokens = total.micro_usd - reservation.micro_usd, total.tokens - reservation.tokens
        user = f"USER#{reservation.sub}"
        items = [
            self._counters(user, period, reservation.sub, usd, tokens, total, estimated, models, request)
            for period in (reservation.day, reservation.month)
        ]
        if reservation.account:
            items.append(self._counters(ACCOUNT, reservation.day, None, usd, None, total, estimated, [], False))
        return items

    def _counters(
        self,
        pk: str,
        period: Period,
        sub: str | None,
        usd: int,
        tokens: int | None,
        total: Metered,
        estimated: int,
        models: list[Metered],
        request: bool,
    ) -> TransactItem:
        # estimated_micro_usd: the part of the cost the service did not report (images, the query embedding, a stream
        # stopped before its final event): common/usage/prices.py.
        adds: dict[str, int] = {COMMITTED_USD: usd, "cost_micro_usd": total.micro_usd, "estimated_micro_usd": estimated}
        if tokens is not None:
            adds[COMMITTED_TOKENS] = tokens
            adds.update(
                input_tokens=total.input_tokens,
                output_tokens=total.output_tokens,
                cache_read_tokens=total.cache_read_tokens,
                cache_write_tokens=total.cache_write_tokens,
                cache_saved_micro_usd=total.cache_saved_micro_usd,
                images=total.images,
                guardrail_text_units=total.guardrail_text_units,
                requests=int(request),
            )
        for m in models:
            adds.update(
                {
                    f"model#{m.model_id}#cost_micro_usd": m.micro_usd,
                    f"model#{m.model_id}#input_tokens": m.input_tokens,
                    f"model#{m.model_id}#output_tokens": m.output_tokens,
                    f"model#{m.model_id}#images": m.images,
                }
            )
        kept = [(name, value) for name, value in adds.items() if value or name in (COMMITTED_USD, COMMITTED_TOKENS)]
        names = {f"#a{i}": name for i, (name, _) in enumerate(kept)}
        values: dict[str, Any] = {f":a{i}": _n(value) for i, (_, value) in enumerate(kept)}
        names["#e"], values[":e"] = "expires_at", _n(period.expires_at)
        update = "ADD " + ", ".join(f"#a{i} :a{i}" for i in range(len(kept))) + " SET #e = :e"
        if sub is not None:
            names.update({"#p": "period", "#w": "user"})
            values.update({":p": _s(period.key), ":w": _s(sub)})
            update += ", #p = :p, #w = :w"
        key = {"pk": _s(pk), "sk": _s(period.key)}
        return {
            "Update": {
                "TableName": self._table,
                "Key": key,
                "UpdateExpression": update,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

    def settle(self, reservation: Reservation, metered: Sequence[Metered], *, request: bool = True) -> bool:
        """The settle as its own transaction (one token: botocore's retries of it are idempotent). False when it
        failed: logged with the figures, and the reservation stays counted."""
        try:
            self._db.transact_write_items(
                TransactItems=self.settle_items(reservation, metered, request=request), ClientRequestToken=secrets.token_hex(16)
            )
        except (ClientError, BotoCoreError) as err:
            self.settle_failed(reservation, metered, err)
            return False
        self.settled(reservation, metered)
        return True

    def release(self, reservation: Reservation) -> bool:
        """A request whose paid call failed before any cost: its reservation is given back (no request counted)."""
        if not reservation.written:
            return True
        return self.settle(reservation, [], request=False)

    def settled(self, reservation: Reservation, metered: Sequence[Metered]) -> None:
        """After a settle committed: the cost metric per model, and the deployment's spend today (with a ceiling)."""
        metrics.costs(by_model(metered))
        if reservation.account:
            try:
                row = self._db.get_item(
                    TableName=self._table,
                    Key={"pk": _s(ACCOUNT), "sk": _s(reservation.day.key)},
                    ProjectionExpression="#c",
                    ExpressionAttributeNames={"#c": COMMITTED_USD},
                )
                metrics.daily_spend(int(row.get("Item", {}).get(COMMITTED_USD, {}).get("N", "0")))
            except (ClientError, BotoCoreError) as err:
                logger.warning("the deployment's spend today could not be read", extra={"error": str(err)})

    def settle_failed(self, reservation: Reservation, metered: Sequence[Metered], err: Exception) -> None:
        figures = [m.__dict__ for m in by_model(metered)]
        logger.error(
            "usage could not be settled; the reservation stays counted",
            extra={
                "sub": reservation.sub,
                "day": reservation.day.key,
                "reserved_micro_usd": reservation.micro_usd,
                "metered": figures,
                "error": str(err),
            },
        )
        metrics.write_failed()

    def _unwritten(self, what: str, err: Exception) -> None:
        logger.error(f"usage {what} could not be written; the request goes on unreserved", extra={"error": str(err)})
        metrics.write_failed()
