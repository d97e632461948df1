"""moto's DynamoDB, without the two costs that grow with the whole table, for the local stack's moto server.

Profiled on moto 5.2.5 (docs/performance.md, "Local chat turn and table size"), a local chat turn spent its time in:

- `TransactWriteItems`: to undo a cancelled transaction, moto deep-copies every table the transaction names, once
  per item (a turn's three items copy the conversation table three times), then puts the copy back on cancel.
  Here a cancelled transaction puts back only the items it touched, each as it was before (an undo log).
- `Query` on a table's own key: moto lists and sorts every item of the table, then keeps those of the asked
  partition. Here it is handed only that partition's items; its own filtering, ordering, paging and limits run
  unchanged on them, so it answers the same.

Nothing else changes: conditions are evaluated by moto's own code in the same order, a cancelled transaction
leaves every item as it was (all or nothing), and the cancellation reasons are moto's. One difference, toward
DynamoDB: a transaction item naming two operations is refused with nothing written (moto keeps the items before it;
"The actions are completed atomically so that either all of them succeed, or all of them fail",
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html). A table with a stream
keeps moto's own transaction code (its stream records are part of what a cancel must undo). The adapter is
used only on the moto version it was checked against (`CHECKED`): tests/integration/test_local_dynamodb_same.py
runs the same transactions and queries through moto's own code and through this one and compares them.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import moto
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    ResourceNotFoundException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

CHECKED = "5.2.5"  # the moto release whose transact_write_items and Table.query this module was written against
_ORIGINAL: dict[str, Callable[..., Any]] = {
    "transact": DynamoDBBackend.transact_write_items,
    "query": Table.query,
    "all_items": Table.all_items,
}
_PARTITION: ContextVar[tuple[Table, DynamoType] | None] = ContextVar("moto_query_partition", default=None)


class _UndoLog:
    """Every item a transaction writes, as it was before the write: what a cancelled transaction puts back."""

    def __init__(self) -> None:
        self._before: dict[tuple[int, DynamoType, DynamoType | None], tuple[Table, Item | None, bool]] = {}

    def remember(self, table: Table, hash_key: DynamoType, range_key: DynamoType | None) -> None:
        if (id(table), hash_key, range_key) in self._before:
            return
        partition_existed = hash_key in table.items
        current = table.get_item(hash_key, range_key)
        self._before[(id(table), hash_key, range_key)] = (table, copy.deepcopy(current), partition_existed)

    def undo(self) -> None:
        for (_, hash_key, range_key), (table, item, partition_existed) in reversed(self._before.items()):
            if range_key is None:  # a table without a sort key keeps the item itself under the hash key
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item  # type: ignore[assignment]
                continue
            if item is not None:
                table.items[hash_key][range_key] = item
                continue
            partition = table.items.get(hash_key)
            if partition is not None:
                partition.pop(range_key, None)
                if not partition and not partition_existed:
                    del table.items[hash_key]


def _streamed(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> bool:
    """Whether a table the transaction names (by name or ARN) has a stream."""
    for item in transact_items:
        for op in item.values():
            try:
                if isinstance(op, dict) and backend.get_table(op.get("TableName", "")).stream_shard is not None:
                    return True
            except ResourceNotFoundException:
                continue
    return False


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto 5.2.5's transact_write_items (moto/dynamodb/models/__init__.py), step for step, with an undo log in
    place of its copies of whole tables."""
    if _streamed(self, transact_items):
        _ORIGINAL["transact"](self, transact_items)
        return
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    undo = _UndoLog()
    target_items: set[tuple[str, str]] = set()

    def check_unicity(table_name: str, key: dict[str, Any]) -> None:
        item = (str(table_name), str(dict(sorted(key.items()))))
        if item in target_items:
            raise MultipleTransactionsException()
        target_items.add(item)

    errors: list[tuple[str, str, dict[str, Any] | None] | tuple[None, None, None]] = []
    for item in transact_items:
        original_item: dict[str, Any] | None = None
        if len(list(item.keys())) > 1:
            undo.undo()  # moto raises without undoing the items before: DynamoDB rejects the whole request
            raise TransactWriteSingleOpException
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            condition_expression = op.get("ConditionExpression")
            names_, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                attrs = op["Item"]
                table = self.get_table(table_name)
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            check_unicity(table_name, key)
            current = self.get_item(table_name, key)
            if condition_expression is not None and not get_filter_expression(condition_expression, names_, values).expr(current):
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    original_item = current.to_json()["Attributes"]
                raise ConditionalCheckFailed(item=original_item)
            if op_type != "ConditionCheck":
                table = self.get_table(table_name)
                undo.remember(table, *self.get_keys_value(table, key))
            if op_type == "Put":
                self.put_item(
                    table_name,
                    op["Item"],
                    condition_expression=condition_expression,
                    expression_attribute_names=names_,
                    expression_attribute_values=values,
                )
            elif op_type == "Delete":
                self.delete_item(
                    table_name,
                    key,
                    condition_expression=condition_expression,
                    expression_attribute_names=names_,
                    expression_attribute_values=values,
                )
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    condition_expression=condition_expression,
                    expression_attribute_names=names_,
                    expression_attribute_values=values,
                )
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            undo.undo()
            raise
        except ConditionalCheckFailed as err:
            errors.append(("ConditionalCheckFailed", str(err.message), original_item))
        except Exception as err:  # as moto does: any other failure of one item is that item's cancellation reason
            errors.append((type(err).__name__, str(err), original_item))
    if any(code is not None for code, _, _ in errors):
        undo.undo()
        raise TransactionCanceledException(errors)


def query(
    self: Table,
    hash_key: DynamoType | None,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int,
    exclusive_start_key: dict[str, Any],
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    index_name: str | None = None,
    *args: Any,
    **kwargs: Any,
) -> Any:
    """Table.query with only the asked partition as candidates when it reads the table's own key."""
    arguments = (range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward, projection_expressions, index_name)
    if index_name or hash_key is None or self.range_key_attr is None:
        return _ORIGINAL["query"](self, hash_key, *arguments, *args, **kwargs)
    scope = _PARTITION.set((self, hash_key))
    try:
        return _ORIGINAL["query"](self, hash_key, *arguments, *args, **kwargs)
    finally:
        _PARTITION.reset(scope)


def all_items(self: Table) -> list[Item]:
    """Every item of the table (moto's), or, inside `query` above, the asked partition's, in the same order."""
    scope = _PARTITION.get()
    if scope is None or scope[0] is not self:
        return list(_ORIGINAL["all_items"](self))
    partition = self.items.get(scope[1], {})  # .get: no empty partition left behind (items is a defaultdict)
    return sorted(partition.values(), key=lambda item: item.range_key)


_ADAPTED: dict[str, Callable[..., Any]] = {"transact": transact_write_items, "query": query, "all_items": all_items}
_users = {"count": 0}
_users_lock = threading.Lock()


def _use(functions: dict[str, Callable[..., Any]]) -> None:
    DynamoDBBackend.transact_write_items = functions["transact"]  # type: ignore[method-assign]
    Table.query = functions["query"]  # type: ignore[method-assign]
    Table.all_items = functions["all_items"]  # type: ignore[method-assign]


def acquire() -> bool:
    """Use the adapter in this process's moto until the matching `release()`; False (moto's own code stays) on a
    moto release it was not checked against."""
    if moto.__version__ != CHECKED:
        return False
    with _users_lock:
        _users["count"] += 1
        if _users["count"] == 1:
            _use(_ADAPTED)
    return True


@contextmanager
def moto_own_code() -> Iterator[None]:
    """moto's own code inside the block, whoever uses the adapter (the tests compare both on the same requests)."""
    _use(_ORIGINAL)
    try:
        yield
    finally:
        with _users_lock:
            _use(_ADAPTED if _users["count"] else _ORIGINAL)


def release() -> None:
    """moto's own code again once no one uses the adapter."""
    with _users_lock:
        if _users["count"] == 0:
            return
        _users["count"] -= 1
        if _users["count"] == 0:
            _use(_ORIGINAL)
