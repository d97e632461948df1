"""Usage rows written into moto as the contract of issue 14 lays them out (infra/constructs/usage.py), and calls of
the usage function with API Gateway's events."""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.exceptions import ClientError

from local.resources import create_usage_table
from tests.events import FakeContext, rest_event
from usage import handler as usage_handler

ADMIN = "admin"


def ensure_table(table: str, client: Any = None) -> Any:
    client = client or boto3.client("dynamodb")
    try:
        create_usage_table(client, table)
    except ClientError as err:
        if err.response["Error"]["Code"] != "ResourceInUseException":
            raise
    return client


def row(sub: str, period_key: str, *, models: dict[str, dict[str, int]] | None = None, **counters: int) -> dict[str, Any]:
    """A user's day (DAY#YYYY-MM-DD) or month (MONTH#YYYY-MM) row with counters and per-model counters."""
    item: dict[str, Any] = {"pk": {"S": f"USER#{sub}"}, "sk": {"S": period_key}, "period": {"S": period_key}, "user": {"S": sub},
                            "expires_at": {"N": "4102444800"}}  # fmt: skip
    for name, value in counters.items():
        item[name] = {"N": str(value)}
    for model_id, numbers in (models or {}).items():
        for name, value in numbers.items():
            item[f"model#{model_id}#{name}"] = {"N": str(value)}
    return item


def put_rows(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        requests = {table: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]}
        while requests:
            requests = client.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}


def call(method: str, path: str, *, sub: str, groups: str = "", body: Any = None, query: dict[str, str] | None = None,
         resource: str | None = None, path_parameters: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:  # fmt: skip
    """(status, JSON body or the text of a non-JSON body, headers)."""
    event = rest_event(method, path, resource=resource, body=body, sub=sub, groups=groups)
    if query:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    if path_parameters:
        event["pathParameters"] = path_parameters
    response = usage_handler.handler(event, FakeContext("usage"))
    headers = {**{k: v[-1] for k, v in (response.get("multiValueHeaders") or {}).items()}, **(response.get("headers") or {})}
    text = response.get("body") or ""
    is_json = headers.get("Content-Type", "").startswith("application/json")
    return response["statusCode"], (json.loads(text) if is_json and text else text), headers
