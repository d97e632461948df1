"""The local stack's DynamoDB adapter (local/moto_dynamodb.py) answers as moto's own code does.

Each case runs twice on fresh tables of the local stack's moto server, once through moto's own transactions and
queries and once through the adapter, and compares the answers (responses, errors, cancellation reasons) and every
item left in the tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import moto
import pytest

from local import moto_dynamodb
from tests.integration.moto_tables import conversation_table, everything, key_only_table, outcome, put_all, serial_moto, typed

PK = "USER#u#CONV#c"


@pytest.fixture(scope="module")
def db() -> Iterator[Any]:
    with serial_moto() as client:
        yield client


def _seed(db: Any, table: str) -> None:
    items = [{"pk": PK, "sk": "SUMMARY", "turns": 2, "gsi1pk": "USER#u", "gsi1sk": "2026-01-01#c", "title": "t"}]
    items += [
        {"pk": PK, "sk": f"MSG#{n:04d}#{r}", "role": "user" if r == 1 else "assistant", "content": f"m{n}{r}", "n": n}
        for n in range(12)
        for r in (1, 2)
    ]
    items += [{"pk": f"USER#v#CONV#{n}", "sk": "SUMMARY", "gsi1pk": "USER#v", "gsi1sk": f"2026-01-0{n}#x"} for n in range(1, 6)]
    put_all(db, table, items)


def _put(table: str, item: dict[str, Any], condition: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": typed(item), **({"ConditionExpression": condition} if condition else {}), **extra}}


def _summary_update(table: str, condition: str = "attribute_exists(pk)", pk: str = PK, **extra: Any) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table,
            "Key": typed({"pk": pk, "sk": "SUMMARY"}),
            "ConditionExpression": condition,
            "UpdateExpression": "SET #t = if_not_exists(#t, :zero) + :one, title = :title",
            "ExpressionAttributeNames": {"#t": "turns"},
            "ExpressionAttributeValues": typed({":zero": 0, ":one": 1, ":title": "new"}),
            **extra,
        }
    }


def _delete(table: str, sk: str, condition: str | None = None) -> dict[str, Any]:
    return {"Delete": {"TableName": table, "Key": typed({"pk": PK, "sk": sk}), **({"ConditionExpression": condition} if condition else {})}}


def _check(table: str, sk: str, condition: str, **extra: Any) -> dict[str, Any]:
    return {"ConditionCheck": {"TableName": table, "Key": typed({"pk": PK, "sk": sk}), "ConditionExpression": condition, **extra}}


ASSISTANT = {"ExpressionAttributeNames": {"#r": "role"}, "ExpressionAttributeValues": typed({":r": "assistant"})}


NEW = {"pk": PK, "sk": "MSG#9999#1", "role": "user", "content": "new"}
TRANSACTIONS: dict[str, Callable[[str], list[dict[str, Any]]]] = {
    "a turn commits": lambda t: [_put(t, NEW, "attribute_not_exists(pk)"), _summary_update(t)],
    "put, update, delete and a check commit together": lambda t: [
        _put(t, NEW),
        _summary_update(t),
        _delete(t, "MSG#0000#1"),
        _check(t, "MSG#0001#1", "attribute_exists(pk)"),
    ],
    "the summary is gone: the last item fails and the turn's puts are undone": lambda t: [
        _put(t, NEW, "attribute_not_exists(pk)"),
        _put(t, {**NEW, "sk": "MSG#9999#2"}, "attribute_not_exists(pk)"),
        _summary_update(t, pk="USER#u#CONV#gone"),
    ],
    "a failed first item: the update and delete after it are undone": lambda t: [
        _put(t, {"pk": PK, "sk": "MSG#0003#1"}, "attribute_not_exists(pk)"),
        _summary_update(t),
        _delete(t, "MSG#0004#2"),
    ],
    "a failed check in the middle, with ALL_OLD": lambda t: [
        _summary_update(t),
        _check(t, "MSG#0005#1", "#r = :r", ReturnValuesOnConditionCheckFailure="ALL_OLD", **ASSISTANT),
        _delete(t, "MSG#0006#1"),
    ],
    "ALL_OLD on a failed update returns the item": lambda t: [
        _put(t, NEW),
        _summary_update(t, "turns < :one", ReturnValuesOnConditionCheckFailure="ALL_OLD"),
    ],
    "an update that creates an item is undone": lambda t: [
        _summary_update(t, "attribute_not_exists(pk)", pk="USER#u#CONV#new"),
        _delete(t, "MSG#0007#1", "attribute_not_exists(pk)"),
    ],
    "two actions on one item": lambda t: [_put(t, NEW), _delete(t, "MSG#9999#1")],
    "a table that does not exist": lambda t: [_put(t, NEW), _put(t + "-missing", NEW)],
}


def _run_transaction(db: Any, make_table: Callable[[Any, str], str], case: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    table = make_table(db, "same")
    _seed(db, table)
    answer = outcome(lambda: db.transact_write_items(TransactItems=TRANSACTIONS[case](table)))
    if answer.get("message"):
        answer["message"] = answer["message"].replace(table, "<table>")
    return answer, everything(db, table)


@pytest.mark.parametrize("case", list(TRANSACTIONS))
def test_given_a_transaction_then_the_adapter_answers_and_leaves_the_table_as_moto_does(db, case):
    with moto_dynamodb.moto_own_code():
        expected = _run_transaction(db, conversation_table, case)

    assert _run_transaction(db, conversation_table, case) == expected


def test_given_a_table_without_a_sort_key_then_a_cancelled_transaction_is_undone_as_moto_does(db):
    def run() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        table = key_only_table(db, "same-key")
        put_all(db, table, [{"pk": "a", "n": 1}, {"pk": "b", "n": 2}])
        answer = outcome(
            lambda: db.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": table, "Item": typed({"pk": "c", "n": 3})}},
                    {
                        "Update": {
                            "TableName": table,
                            "Key": typed({"pk": "a"}),
                            "UpdateExpression": "SET n = n + :one",
                            "ExpressionAttributeValues": typed({":one": 1}),
                        }
                    },
                    {
                        "Delete": {
                            "TableName": table,
                            "Key": typed({"pk": "b"}),
                            "ConditionExpression": "n > :big",
                            "ExpressionAttributeValues": typed({":big": 5}),
                        }
                    },
                ]
            )
        )
        return answer, everything(db, table)

    with moto_dynamodb.moto_own_code():
        expected = run()
    assert run() == expected
    assert expected[1] == [{"pk": "a", "n": 1}, {"pk": "b", "n": 2}]


QUERIES: dict[str, dict[str, Any]] = {
    "the window: newest first, limited": {
        "KeyConditionExpression": "pk = :pk AND sk >= :from",
        "ScanIndexForward": False,
        "Limit": 7,
        "ConsistentRead": True,
        "ExpressionAttributeValues": {":pk": PK, ":from": "MSG#"},
    },
    "messages in order, one page": {
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :m)",
        "Limit": 5,
        "ExpressionAttributeValues": {":pk": PK, ":m": "MSG#"},
    },
    "between, filtered, projected": {
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :a AND :b",
        "FilterExpression": "n > :n",
        "ProjectionExpression": "sk, content",
        "ExpressionAttributeValues": {":pk": PK, ":a": "MSG#0002", ":b": "MSG#0009", ":n": 4},
    },
    "count only": {"KeyConditionExpression": "pk = :pk", "Select": "COUNT", "ExpressionAttributeValues": {":pk": PK}},
    "an empty partition": {"KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": "USER#nobody"}},
    "the user index": {
        "IndexName": "by_user_updated",
        "KeyConditionExpression": "gsi1pk = :u",
        "ScanIndexForward": False,
        "ExpressionAttributeValues": {":u": "USER#v"},
        "Limit": 3,
    },
}


def _pages(db: Any, table: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every page of the query, following LastEvaluatedKey."""
    request = {**params, "TableName": table, "ExpressionAttributeValues": typed(params["ExpressionAttributeValues"])}
    pages = []
    while True:
        page = outcome(lambda: db.query(**request))
        pages.append(page)
        if "LastEvaluatedKey" not in page:
            return pages
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.mark.parametrize("case", list(QUERIES))
def test_given_a_query_then_the_adapter_answers_every_page_as_moto_does(db, case):
    table = conversation_table(db, "same-query")
    _seed(db, table)
    with moto_dynamodb.moto_own_code():
        expected = _pages(db, table, QUERIES[case])

    assert _pages(db, table, QUERIES[case]) == expected
    assert "error" not in expected[0]


def test_given_the_pinned_moto_then_the_local_stack_uses_the_adapter():
    # A new moto release must be checked (and CHECKED moved) before the adapter replaces its code again.
    assert moto.__version__ == moto_dynamodb.CHECKED
