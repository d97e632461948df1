"""Renaming a conversation and listing a user's conversations by title (GET /conversations?q=, PATCH /conversations/{id}).

Search is a Query on the user's index (never a Scan) with a FilterExpression on the summary's `title_search`
(common/titles.py: NFKC, case-folded). DynamoDB applies a filter after it reads the items and charges the read
units of everything it read (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.FilterExpression.html);
`Limit` counts items read, not items that matched
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Other.html). So one request reads
at most SEARCH_QUERIES pages of SEARCH_READ summaries each, and stops as soon as it has `limit` matches; its
next_token points just after the last conversation returned. `contains` is a plain substring test with no case or
normalisation option (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html),
hence the folded key. Conversations written before `title_search` existed are matched on their title as stored.
The cost figures are in docs/architecture.md ("Conversation titles and search").
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from common.conversations import INDEX, SUMMARY, ConversationStore, conversation_pk, storage_errors
from common.dynamo_items import plain, typed
from common.pagination import TokenShape, decode_token, encode_token, start_key_errors
from common.titles import search_key

SEARCH_READ = 100  # summaries read per Query while searching (before the filter)
SEARCH_QUERIES = 5  # Queries one search request makes at most: ≤ 500 summaries read

_KEYS = ("pk", "sk", "gsi1pk", "gsi1sk")  # the index's LastEvaluatedKey: table key + index key


def _token_shape(sub: str) -> TokenShape:
    return TokenShape(fixed={"gsi1pk": f"USER#{sub}", "sk": SUMMARY}, prefixed={"pk": conversation_pk(sub, ""), "gsi1sk": ""})


def search(store: ConversationStore, sub: str, text: str, limit: int, token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """The user's conversations whose title contains `text` (case-insensitive), newest first, `limit` at most."""
    params: dict[str, Any] = {
        "TableName": store.table_name,
        "IndexName": INDEX,
        "KeyConditionExpression": "gsi1pk = :u",
        "FilterExpression": "contains(#s, :q) OR (attribute_not_exists(#s) AND contains(#t, :raw))",
        "ExpressionAttributeNames": {"#s": "title_search", "#t": "title"},
        "ExpressionAttributeValues": {":u": {"S": f"USER#{sub}"}, ":q": {"S": search_key(text)}, ":raw": {"S": text}},
        "ScanIndexForward": False,
        "Limit": SEARCH_READ,
    }
    if token:
        params["ExclusiveStartKey"] = typed(decode_token(token, _token_shape(sub)))
    found: list[dict[str, Any]] = []
    for _ in range(SEARCH_QUERIES):
        with storage_errors(), start_key_errors(params):
            response = store.client.query(**params)
        found += [plain(i) for i in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        if len(found) > limit or (len(found) == limit and last):
            # More may follow the last one returned: resume right after it (an index position, as DynamoDB's own).
            page = found[:limit]
            return page, encode_token({k: str(page[-1][k]) for k in _KEYS})
        if not last:
            return found, None
        params["ExclusiveStartKey"] = last
    return found, encode_token(plain(last))


def rename(store: ConversationStore, sub: str, conversation_id: str, title: str) -> dict[str, Any] | None:
    """Set the title (and its search key); the summary as it now is, or None when the conversation does not exist.

    The condition keeps a rename from creating a summary for a conversation that is gone (deleted meanwhile).
    The last activity (`updated_at`, the list's order) is left alone: a rename is not a turn.
    """
    try:
        response = store.client.update_item(
            TableName=store.table_name,
            Key=typed({"pk": conversation_pk(sub, conversation_id), "sk": SUMMARY}),
            UpdateExpression="SET #t = :t, #s = :s",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#t": "title", "#s": "title_search"},
            ExpressionAttributeValues=typed({":t": title, ":s": search_key(title)}),
            ReturnValues="ALL_NEW",
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return None
        with storage_errors():
            raise
    return plain(response["Attributes"])
