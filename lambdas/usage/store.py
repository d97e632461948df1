"""Reads of the usage table and writes of budget overrides (key design: infra/constructs/usage.py).

  a user's day / month   pk = USER#<sub>  sk = DAY#<YYYY-MM-DD> / MONTH#<YYYY-MM>  (period, user: the by_period index)
  the deployment's day   pk = ACCOUNT     sk = DAY#<YYYY-MM-DD>
  a budget override      pk = BUDGET      sk = USER#<sub> / GROUP#<name>

The function writes only BUDGET items; its role may not write any other (IAM dynamodb:LeadingKeys, infra/grants.py).
A storage error that outlived the client's retries is a 429 (throttled) or 503, never a 5xx from the function.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError

from common.dynamo_items import plain, typed
from common.errors import UpstreamUnavailableError
from common.storage import storage_failure
from common.usage.budgets import BUDGET_PK

INDEX = "by_period"
BATCH_KEYS = 100  # BatchGetItem's limit per request
_UNPROCESSED_ROUNDS = 5


def user_pk(sub: str) -> str:
    return f"USER#{sub}"


@contextmanager
def _storage() -> Iterator[None]:
    try:
        yield
    except ClientError as err:
        raise storage_failure(err, "usage storage") from err


class UsageStore:
    def __init__(self, client: Any, table: str) -> None:
        self._db, self._table = client, table

    def get_many(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        """Items by (pk, sk), absent ones left out: BatchGetItem, 100 keys a request, unprocessed keys asked again."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), BATCH_KEYS):
            request = {self._table: {"Keys": [typed({"pk": pk, "sk": sk}) for pk, sk in unique[start : start + BATCH_KEYS]]}}
            for _ in range(_UNPROCESSED_ROUNDS):
                with _storage():
                    response = self._db.batch_get_item(RequestItems=request)
                for raw in response.get("Responses", {}).get(self._table, []):
                    item = plain(raw)
                    found[(item["pk"], item["sk"])] = item
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
            else:
                raise UpstreamUnavailableError("usage storage is busy; retry")
        return found

    def _query_all(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            with _storage():
                response = self._db.query(TableName=self._table, **params)
            items.extend(plain(i) for i in response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if not last:
                return items
            params = {**params, "ExclusiveStartKey": last}

    def period_rows(self, period_key: str) -> list[dict[str, Any]]:
        """Every user's row of one day or month (the by_period index; each Query page is at most 1 MB)."""
        return self._query_all(
            {
                "IndexName": INDEX,
                "KeyConditionExpression": "#period = :period",
                "ExpressionAttributeNames": {"#period": "period"},
                "ExpressionAttributeValues": {":period": {"S": period_key}},
            }
        )

    def overrides(self) -> list[dict[str, Any]]:
        """Every budget override (one partition, strongly consistent: an admin sees the write just made)."""
        return self._query_all(
            {
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": {":pk": {"S": BUDGET_PK}},
                "ConsistentRead": True,
            }
        )

    def put_override(self, item: dict[str, Any]) -> None:
        with _storage():
            self._db.put_item(TableName=self._table, Item=typed({"pk": BUDGET_PK, **item}))

    def delete_override(self, sk: str) -> bool:
        """True when there was an override to delete."""
        with _storage():
            response = self._db.delete_item(TableName=self._table, Key=typed({"pk": BUDGET_PK, "sk": sk}), ReturnValues="ALL_OLD")
        return bool(response.get("Attributes"))
