"""The local stack's moto (local/moto_server.py) in this process, and tables to exercise its DynamoDB with."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from local.moto_server import SerialMotoServer
from local.resources import create_conversation_table

_names = itertools.count()
_serializer, _deserializer = TypeSerializer(), TypeDeserializer()


@contextmanager
def serial_moto(server: list[SerialMotoServer] | None = None) -> Iterator[Any]:
    """A DynamoDB client of the local stack's moto server, running in this process until the block ends (the server
    is appended to `server` when given)."""
    running = SerialMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    running.start()
    host, port = running.get_host_and_port()
    if server is not None:
        server.append(running)
    try:
        yield boto3.client("dynamodb", endpoint_url=f"http://{host}:{port}", region_name="us-west-2")
    finally:
        running.stop()


def typed(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in values.items()}


def conversation_table(db: Any, prefix: str) -> str:
    """A new table shaped like the conversation table (pk, sk and the user index)."""
    name = f"{prefix}-{next(_names)}"
    create_conversation_table(db, name)
    return name


def key_only_table(db: Any, prefix: str) -> str:
    """A new table with a partition key and no sort key."""
    name = f"{prefix}-{next(_names)}"
    db.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    return name


def put_all(db: Any, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        requests: dict[str, Any] = {table: [{"PutRequest": {"Item": typed(i)}} for i in items[start : start + 25]]}
        while requests:
            requests = db.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}


def everything(db: Any, table: str) -> list[dict[str, Any]]:
    """Every item of the table, plain values, in key order."""
    items = [
        {k: _deserializer.deserialize(v) for k, v in i.items()}
        for p in db.get_paginator("scan").paginate(TableName=table)
        for i in p["Items"]
    ]
    return sorted(items, key=lambda i: (str(i["pk"]), str(i.get("sk", ""))))


def outcome(call: Any) -> dict[str, Any]:
    """What a call answered: its response without the request metadata, or its error code, message and reasons."""
    from botocore.exceptions import ClientError

    try:
        answer = call()
    except ClientError as err:
        return {
            "error": err.response["Error"].get("Code"),
            "message": err.response["Error"].get("Message"),
            "reasons": err.response.get("CancellationReasons"),
        }
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}
