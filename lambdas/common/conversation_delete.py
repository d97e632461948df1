"""Deleting a conversation: its summary, then every message, from one partition of the conversations table.

The summary goes first: a turn's transaction requires the summary to exist (common/conversations.py append_turn),
so once it is gone no turn can commit, and the Query that follows (strongly consistent) sees every turn that
committed before. What it finds is deleted in BatchWriteItem requests of at most 25 (the API's limit:
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html), and what DynamoDB leaves
unprocessed is sent again with a growing pause; nothing can be left behind after the answer, or the answer is a 503.
"""

from __future__ import annotations

import time
from typing import Any

from common.errors import UpstreamUnavailableError

BATCH = 25
_ROUNDS = 6


def delete_conversation(db: Any, table: str, pk: str, *, summary_key: str) -> int:
    """Delete the partition `pk`: the count of items deleted, 0 when there was none. ClientErrors propagate."""
    summary = db.delete_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": summary_key}}, ReturnValues="ALL_OLD")
    deleted = 1 if summary.get("Attributes") else 0
    keys = _keys(db, table, pk)
    for i in range(0, len(keys), BATCH):
        _delete_batch(db, table, keys[i : i + BATCH])
    return deleted + len(keys)


def _keys(db: Any, table: str, pk: str) -> list[dict[str, Any]]:
    keys: list[dict[str, Any]] = []
    params: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
        "ProjectionExpression": "pk, sk",
        "ConsistentRead": True,
    }
    while True:
        response = db.query(**params)
        keys += response.get("Items", [])
        if not response.get("LastEvaluatedKey"):
            return keys
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _delete_batch(db: Any, table: str, keys: list[dict[str, Any]]) -> None:
    pending = [{"DeleteRequest": {"Key": k}} for k in keys]
    for attempt in range(_ROUNDS):
        result = db.batch_write_item(RequestItems={table: pending})
        pending = result.get("UnprocessedItems", {}).get(table, [])
        if not pending:
            return
        time.sleep(0.05 * (2**attempt))
    raise UpstreamUnavailableError("conversation storage is busy; part of the conversation remains, retry the delete")
