"""Local stand-ins for the stack's resources, created the way the constructs define them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infra import constants as names

if TYPE_CHECKING:
    from infra.config import AppConfig

ROOT = Path(__file__).resolve().parent.parent


def local_config() -> AppConfig:
    """cdk.json's configuration (dev profile) and, when `LOCAL_CONFIG` names one, an override file merged last, as
    `make synth CONFIG=file` merges it (`make dev CONFIG=file` sets LOCAL_CONFIG)."""
    from infra.config import load_config

    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    override = os.environ.get("LOCAL_CONFIG")
    return load_config({**context, "config": override} if override else context)


def render_runtime_config(path: Path) -> Path:
    """Write the runtime config the stack would bundle (from local_config()) to `path`."""
    from infra.deployment import resolve, runtime_config_document

    config = local_config()
    document = runtime_config_document(resolve(config, config.region or "us-west-2"))
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def forget_registrations(client: Any, table: str) -> None:
    """Remove registered custom models (lambdas/common/custom_models.py) the saved table brought back: the offline
    Bedrock keeps its deployments in memory, so after a restart they no longer exist."""
    key = {":pk": {"S": names.REGISTRY_PARTITION}}
    items = client.query(TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues=key).get("Items", [])
    for item in items:
        client.delete_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]})


def create_conversation_table(client: Any, name: str) -> None:
    """The table as infra/constructs/conversations.py defines it."""
    _create_keyed_table(client, name, (names.TABLE_GSI_USER, names.TABLE_GSI_PK, names.TABLE_GSI_SK))


def create_usage_table(client: Any, name: str) -> None:
    """The usage table as infra/constructs/usage.py defines it (keys, the by_period index)."""
    _create_keyed_table(client, name, (names.USAGE_GSI_PERIOD, names.USAGE_GSI_PK, names.USAGE_GSI_SK))


def _create_keyed_table(client: Any, name: str, index: tuple[str, str, str]) -> None:
    """infra/constructs/tables.py's shape: string pk/sk and one string-keyed index projecting everything."""
    index_name, index_pk, index_sk = index
    string = "S"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": names.TABLE_PK, "AttributeType": string},
            {"AttributeName": names.TABLE_SK, "AttributeType": string},
            {"AttributeName": index_pk, "AttributeType": string},
            {"AttributeName": index_sk, "AttributeType": string},
        ],
        KeySchema=[{"AttributeName": names.TABLE_PK, "KeyType": "HASH"}, {"AttributeName": names.TABLE_SK, "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index_name,
                "KeySchema": [{"AttributeName": index_pk, "KeyType": "HASH"}, {"AttributeName": index_sk, "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
