"""The local stack's DynamoDB (moto as local/moto_server.py runs it): a chat turn's work does not grow with the table,
and its transactions stay all or nothing.

The turn is the functions' own code (common.conversations: the window Query, then one TransactWriteItems of the user
message, the assistant message and the summary) against the local stack's moto server in this process.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models.dynamo_type import DynamoType, Item

from common.conversations import ConversationStore, Turn
from common.errors import NotFoundError
from local.moto_server import SerialMotoServer
from tests.integration.moto_tables import conversation_table, everything, put_all, serial_moto, typed

SUB = "user-a"
TURN = Turn(
    user="안녕하세요",
    assistant="반갑습니다",
    blocked=False,
    model_id="m",
    usage={"input_tokens": 1, "output_tokens": 2},
    stop_reason="end_turn",
)


SERVER: list[SerialMotoServer] = []


@pytest.fixture(scope="module")
def db() -> Iterator[Any]:
    with serial_moto(SERVER) as client:
        yield client
    SERVER.clear()


def _other_conversations(count: int) -> list[dict[str, Any]]:
    """`count` items of other users' conversations: 20 messages and a summary each."""
    items: list[dict[str, Any]] = []
    for n in range(count // 21):
        pk = f"USER#other#CONV#c{n:06d}"
        items.append({"pk": pk, "sk": "SUMMARY", "gsi1pk": "USER#other", "gsi1sk": f"2026-01-01#{n:06d}", "turns": 10})
        items += [{"pk": pk, "sk": f"MSG#{m:020d}ab#{1 + m % 2}", "content": "안녕 " * 20, "role": "user"} for m in range(20)]
    return items


class Work:
    """moto's work on the table, counted: items deep-copied and key values compared (sorting and matching keys)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        for owner, name in ((Item, "__deepcopy__"), (DynamoType, "__lt__"), (DynamoType, "__eq__")):
            monkeypatch.setattr(owner, name, self._counted(getattr(owner, name)))

    def _counted(self, function: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return function(*args, **kwargs)

        return counted


def _turns(db: Any, table: str, work: Work, turns: int = 3) -> int:
    """The work of `turns` chat turns on one new conversation (its first turn creates it)."""
    store = ConversationStore(db, table, ttl_days=30)
    before = work.calls
    for number in range(turns):
        store.load_window(SUB, "conv-1", turns=10, budget_chars=100_000, reserve_chars=0)
        store.append_turn(SUB, "conv-1", TURN, new=number == 0, title="제목", system_prompt=None)
    return work.calls - before


def test_given_a_table_ten_times_bigger_when_chat_turns_run_then_moto_does_no_more_work(db, monkeypatch):
    small, big = conversation_table(db, "work"), conversation_table(db, "work")
    put_all(db, small, _other_conversations(210))
    put_all(db, big, _other_conversations(2100))
    work = Work(monkeypatch)

    on_small, on_big = _turns(db, small, work), _turns(db, big, work)

    assert len(everything(db, big)) == 2100 + 7
    # moto 5.2.5 alone: every transaction deep-copies the table once per item, every Query sorts the whole table.
    assert on_big <= on_small * 1.1 + 20, (on_small, on_big)


def test_given_a_deleted_conversation_when_a_turn_is_stored_then_nothing_of_it_is_written(db):
    table = conversation_table(db, "atomic")
    store = ConversationStore(db, table, ttl_days=30)
    store.append_turn(SUB, "conv-1", TURN, new=True, title="제목", system_prompt=None)
    store.delete(SUB, "conv-1")

    with pytest.raises(NotFoundError):  # the summary's condition (attribute_exists) fails: the last of three items
        store.append_turn(SUB, "conv-1", TURN, new=False, title="제목", system_prompt=None)

    assert everything(db, table) == []


def test_given_a_conversation_that_exists_when_a_turn_claims_to_start_it_then_nothing_of_it_is_written(db):
    table = conversation_table(db, "atomic")
    store = ConversationStore(db, table, ttl_days=30)
    store.append_turn(SUB, "conv-1", TURN, new=True, title="제목", system_prompt=None)
    before = everything(db, table)

    with pytest.raises(NotFoundError):  # the new summary's attribute_not_exists fails, after both message puts ran
        store.append_turn(SUB, "conv-1", TURN, new=True, title="다른 제목", system_prompt=None)

    assert everything(db, table) == before


def test_given_a_cancelled_update_then_the_counter_it_raised_is_put_back(db):
    table = conversation_table(db, "atomic")
    put_all(db, table, [{"pk": "p", "sk": "SUMMARY", "turns": 5}, {"pk": "p", "sk": "MSG#1", "role": "user"}])
    update = {
        "Update": {
            "TableName": table,
            "Key": typed({"pk": "p", "sk": "SUMMARY"}),
            "UpdateExpression": "SET turns = turns + :one",
            "ExpressionAttributeValues": typed({":one": 1}),
        }
    }
    failing = {"Put": {"TableName": table, "Item": typed({"pk": "p", "sk": "MSG#1"}), "ConditionExpression": "attribute_not_exists(pk)"}}

    with pytest.raises(ClientError):
        db.transact_write_items(TransactItems=[update, failing])

    assert everything(db, table) == [{"pk": "p", "sk": "MSG#1", "role": "user"}, {"pk": "p", "sk": "SUMMARY", "turns": 5}]


def test_given_an_item_naming_two_actions_then_the_request_is_refused_with_nothing_written(db):
    table = conversation_table(db, "atomic")
    first = {"Put": {"TableName": table, "Item": typed({"pk": "p", "sk": "MSG#1"})}}
    both = {
        "Put": {"TableName": table, "Item": typed({"pk": "p", "sk": "MSG#2"})},
        "Delete": {"TableName": table, "Key": typed({"pk": "p", "sk": "MSG#3"})},
    }

    with pytest.raises(ClientError) as refused:
        db.transact_write_items(TransactItems=[first, both])

    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert everything(db, table) == []  # moto alone keeps MSG#1: DynamoDB's transactions are all or nothing


def test_given_items_of_every_type_then_the_server_reads_the_table_as_a_scan_returns_it(db):
    table = conversation_table(db, "read")
    values = {
        "s": "한국어",
        "n": Decimal("12.50"),
        "i": 7,
        "yes": True,
        "none": None,
        "list": ["a", 1, {"m": False}],
        "map": {"k": ["v"]},
        "strings": {"x", "y"},
        "numbers": {1, 2},
    }
    put_all(db, table, [{"pk": f"p{n}", "sk": f"s{n}", **values} for n in range(30)])
    scanned = [
        item for page in db.get_paginator("scan").paginate(TableName=table, PaginationConfig={"PageSize": 7}) for item in page["Items"]
    ]

    read = SERVER[0].table_items(table, "us-west-2")

    assert len(read) == 30
    assert read == scanned
