"""Local stand-ins for the stack's resources, created the way the constructs define them."""

from __future__ import annotations

from typing import Any

from infra import constants as names


def create_conversation_table(client: Any, name: str) -> None:
    """The table as infra/constructs/conversations.py defines it."""
    string = "S"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": names.TABLE_PK, "AttributeType": string},
            {"AttributeName": names.TABLE_SK, "AttributeType": string},
            {"AttributeName": names.TABLE_GSI_PK, "AttributeType": string},
            {"AttributeName": names.TABLE_GSI_SK, "AttributeType": string},
        ],
        KeySchema=[{"AttributeName": names.TABLE_PK, "KeyType": "HASH"}, {"AttributeName": names.TABLE_SK, "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": names.TABLE_GSI_USER,
                "KeySchema": [
                    {"AttributeName": names.TABLE_GSI_PK, "KeyType": "HASH"},
                    {"AttributeName": names.TABLE_GSI_SK, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
