"""Every DynamoDB request a handler makes, by operation, with the request units DynamoDB would bill for it.

Requests are counted with botocore's event hooks on the default boto3 session (registered before the handler creates
its clients: a client copies the session's hooks when it is made), so every client of every module is seen.
Units, as the DynamoDB Developer Guide states them:
* item size: attribute names plus values (strings in UTF-8 bytes, numbers ~1 byte per two significant digits + 1,
  booleans and nulls 1 byte, lists and maps 3 bytes + 1 per element)
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
* reads: 1 unit per 4 KB strongly consistent, half that eventually consistent; a Query's items are summed then
  rounded up, a BatchGetItem's items are rounded one by one; an item that does not exist still costs the minimum;
  writes: 1 unit per 1 KB, the larger of the item before and after an update, and "transactional write requests
  require 2 write units to perform one write for items up to 1 KB"
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
* a global secondary index adds 1 write per 1 KB of its entry when a write puts, deletes or changes projected
  attributes of an entry, 2 when it changes the entry's key (delete + put)
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Writes .
  Index writes are counted once, not doubled by a transaction: the transactions page doubles "every item in the
  transaction" and says nothing of index entries (an assumption, stated in docs/cost.md).
Write units need each written item's size: after the request (outside the timed call) the recorder reads every item
a transaction updated with its own client, and keeps it as the "before" of the next write. An item written twice in
one request (a turn's reservation, then its settle) is sized as it stands after the turn: the rows only grow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Key = tuple[str, str]  # table, key as sorted JSON-ish text


def value_size(value: dict[str, Any]) -> int:
    (kind, data), *_ = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "N":
        digits = Decimal(data).normalize().as_tuple().digits
        return (len(digits) + 1) // 2 + 1
    if kind == "B":
        return len(data) if isinstance(data, bytes) else len(data) * 3 // 4
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in data)
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(v) + 1 for k, v in data.items())
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: v}) for v in data)
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def _key(table: str, key: dict[str, Any]) -> Key:
    return table, repr(sorted((name, tuple(value.items())) for name, value in key.items()))


@dataclass
class Request:
    label: str
    read_units: float = 0.0
    write_units: float = 0.0
    writes: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (action, table, Key or Item)


class Recorder:
    """Install before the handler makes its clients; `reset()` before a request, `finish(reader)` after it."""

    def __init__(self, usage_tables: tuple[str, ...] = ()) -> None:
        self.requests: list[Request] = []
        self.query_items: list[dict[str, Any]] = []
        self._usage_tables = usage_tables
        self._items: dict[Key, dict[str, Any]] = {}  # each written item as last read
        self._schemas: dict[str, tuple[list[str], list[tuple[str, ...]]]] = {}  # table: key names, each index's key names

    def install(self) -> Recorder:
        import boto3

        if boto3.DEFAULT_SESSION is None:
            boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        boto3.DEFAULT_SESSION.events.register("before-parameter-build.dynamodb", self._before)
        boto3.DEFAULT_SESSION.events.register("after-call.dynamodb", self._after)
        return self

    def uninstall(self) -> None:
        import boto3

        if boto3.DEFAULT_SESSION is not None:
            boto3.DEFAULT_SESSION.events.unregister("before-parameter-build.dynamodb", self._before)
            boto3.DEFAULT_SESSION.events.unregister("after-call.dynamodb", self._after)

    def reset(self) -> None:
        self.requests, self.query_items = [], []

    def _before(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["bench_params"] = params

    def _after(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        params = context.get("bench_params", {})
        operation = model.name
        if operation == "TransactWriteItems":
            self.requests.append(self._transaction(params))
        elif operation == "Query":
            items = parsed.get("Items", [])
            self.query_items = items
            factor = 1.0 if params.get("ConsistentRead") else 0.5
            self.requests.append(Request("Query", read_units=factor * max(1, math.ceil(sum(map(item_size, items)) / 4096))))
        elif operation in ("GetItem", "BatchGetItem"):
            self.requests.append(Request(operation, read_units=_point_reads(operation, params, parsed)))
        else:
            self.requests.append(Request(operation))

    def _transaction(self, params: dict[str, Any]) -> Request:
        writes = []
        for entry in params.get("TransactItems", []):
            (action, body), *_ = entry.items()
            writes.append((action, body["TableName"], body.get("Item") or body["Key"]))
        tables = {table for _, table, _ in writes}
        if not tables <= set(self._usage_tables):
            label = "TransactWriteItems: turn"
        elif any("cost_micro_usd" in e.get("Update", {}).get("ExpressionAttributeNames", {}).values() for e in params["TransactItems"]):
            label = "TransactWriteItems: usage settle"
        else:
            label = "TransactWriteItems: usage reservation"
        return Request(label, writes=writes)

    def finish(self, reader: Any) -> None:
        """Size each transaction's writes (items read with `reader`, a client without these hooks)."""
        written: set[Key] = set()
        for request in self.requests:
            for action, table, body in request.writes:
                request.write_units += self._write_units(reader, action, table, body, written)

    def _write_units(self, reader: Any, action: str, table: str, body: dict[str, Any], written: set[Key]) -> float:
        key_names, indexes = self._schema(reader, table)
        if action == "ConditionCheck":
            return 0.0  # a transactional read of the item: none here
        if action == "Put":
            key = _key(table, {name: body[name] for name in key_names})
            after: dict[str, Any] | None = body
        else:
            key = _key(table, body)
            after = reader.get_item(TableName=table, Key=body, ConsistentRead=True).get("Item") if action == "Update" else None
        before = self._items.get(key)
        again = key in written
        written.add(key)
        if after is None:
            self._items.pop(key, None)
        else:
            self._items[key] = after
        size = max(item_size(before) if before else 0, item_size(after) if after else 0)
        units = 2.0 * max(1, math.ceil(size / 1024))
        for names in indexes:
            units += _index_writes(names, before, after, again) * max(1, math.ceil(size / 1024))
        return units

    def _schema(self, reader: Any, table: str) -> tuple[list[str], list[tuple[str, ...]]]:
        if table not in self._schemas:
            described = reader.describe_table(TableName=table)["Table"]
            self._schemas[table] = (
                [k["AttributeName"] for k in described["KeySchema"]],
                [tuple(k["AttributeName"] for k in index["KeySchema"]) for index in described.get("GlobalSecondaryIndexes", [])],
            )
        return self._schemas[table]

    def item_sizes(self, table: str) -> list[int]:
        """The sizes of the items written to `table`, as last read."""
        return [item_size(item) for (name, _), item in self._items.items() if name == table]

    def by_label(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for request in self.requests:
            row = out.setdefault(request.label, {"requests": 0, "read_units": 0.0, "write_units": 0.0})
            row["requests"] += 1
            row["read_units"] += request.read_units
            row["write_units"] += request.write_units
        return out


def _index_writes(names: tuple[str, ...], before: dict[str, Any] | None, after: dict[str, Any] | None, again: bool) -> int:
    """Index writes for one item write (projection ALL: every attribute change reaches the entry)."""
    was = before is not None and all(n in before for n in names)
    now = after is not None and all(n in after for n in names)
    if not was and not now:
        return 0
    if was != now:
        return 1
    assert before is not None
    assert after is not None
    if any(before[n] != after[n] for n in names):
        return 2
    return 1 if again or before != after else 0


def _point_reads(operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> float:
    if operation == "GetItem":
        factor = 1.0 if params.get("ConsistentRead") else 0.5
        return factor * max(1, math.ceil(item_size(parsed.get("Item") or {}) / 4096))
    units = 0.0
    for table, request in params.get("RequestItems", {}).items():
        factor = 1.0 if request.get("ConsistentRead") else 0.5
        found = parsed.get("Responses", {}).get(table, [])
        missing = max(0, len(request.get("Keys", [])) - len(found))
        units += factor * (sum(max(1, math.ceil(item_size(i) / 4096)) for i in found) + missing)
    return units
