"""Deleting a conversation while a turn commits: after the 204 nothing of the conversation is left.

The race is real and at the wire: the fault proxy holds the delete's first BatchWriteItem and, before
forwarding it, commits a whole new turn through the chat handler (its own Query and TransactWriteItems
pass through the same proxy meanwhile).
"""

from __future__ import annotations

from tests.integration.conftest import TABLE
from tests.integration.test_chat import call, chat
from tests.integration.test_faults import _direct, _items


def _delete(sub: str, conversation: str) -> int:
    return call("DELETE", f"/conversations/{conversation}", sub=sub, resource="/conversations/{id}")[0]


def test_given_a_turn_that_commits_during_the_delete_then_the_204_leaves_nothing_behind(proxy, sim):
    sub = "delete-racer"
    _, first, _ = chat("first turn", sub=sub)
    conversation = first["conversation_id"]
    assert chat("second turn", conversation_id=conversation, sub=sub)[0] == 200
    racing: list[int] = []
    proxy.before("dynamodb", "BatchWriteItem", lambda: racing.append(chat("sent mid-delete", conversation_id=conversation, sub=sub)[0]))
    assert _delete(sub, conversation) == 204
    assert len(racing) == 1  # the turn really ran between the delete's calls
    assert _items(sub, conversation) == []
    assert racing == [404]  # the summary was already gone: the turn could not commit
    assert _delete(sub, conversation) == 404


def test_given_messages_left_without_a_summary_then_delete_removes_them_and_only_nothing_at_all_is_404(proxy, sim):
    sub = "delete-orphans"
    conversation = "o" * 24
    pk = f"USER#{sub}#CONV#{conversation}"
    for sk in ("MSG#00000000000000000001aaaa#1", "MSG#00000000000000000001aaaa#2"):
        _direct("dynamodb").put_item(TableName=TABLE, Item={"pk": {"S": pk}, "sk": {"S": sk}, "role": {"S": "user"}})
    assert _delete(sub, conversation) == 204
    assert _items(sub, conversation) == []
    assert _delete(sub, conversation) == 404
