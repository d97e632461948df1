"""The usage table as tests see it (infra/constructs/usage.py): reading a caller's rows back, writing rows and budget
overrides as the contract of issue 14 lays them out, calling the usage function with API Gateway's events, and what
the offline Bedrock reported for a recorded call (to compare metering with)."""

from __future__ import annotations

import base64
import json
import math
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from local.resources import create_usage_table
from tests.conftest import FUNCTION_ENVIRONMENT
from tests.events import FakeContext, rest_event

USAGE_TABLE = FUNCTION_ENVIRONMENT["USAGE_TABLE"]
ADMIN = "admin"
_plain = TypeDeserializer()

# --- reading rows back ---------------------------------------------------------------------


def rows(sub: str, client: Any = None, table: str = USAGE_TABLE) -> dict[str, dict[str, Any]]:
    """The caller's rows by kind ("DAY", "MONTH"; the test runs within one day): attributes as ints and strings."""
    client = client or boto3.client("dynamodb")
    items = client.query(
        TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": f"USER#{sub}"}}, ConsistentRead=True
    )["Items"]
    found = {}
    for item in items:
        plain = {k: _number(_plain.deserialize(v)) for k, v in item.items()}
        found[str(plain["sk"]).split("#", 1)[0]] = plain
    return found


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, Decimal) else value


# --- writing rows and overrides ------------------------------------------------------------


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
    item: dict[str, Any] = {
        "pk": {"S": f"USER#{sub}"},
        "sk": {"S": period_key},
        "period": {"S": period_key},
        "user": {"S": sub},
        "expires_at": {"N": "4102444800"},
    }
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


def budget(sub: str, client: Any = None, table: str = USAGE_TABLE, **limits: Any) -> None:
    """A user's override item as PUT /admin/budgets/users/{sub} writes it (BUDGET / USER#<sub>)."""
    item: dict[str, Any] = {"pk": {"S": "BUDGET"}, "sk": {"S": f"USER#{sub}"}}
    for name, value in limits.items():
        item[name] = {"BOOL": value} if isinstance(value, bool) else {"N": str(value)}
    (client or boto3.client("dynamodb")).put_item(TableName=table, Item=item)


# --- the usage function --------------------------------------------------------------------


def call(
    method: str,
    path: str,
    *,
    sub: str,
    groups: str = "",
    body: Any = None,
    query: dict[str, str] | None = None,
    resource: str | None = None,
    path_parameters: dict[str, str] | None = None,
) -> tuple[int, Any, dict[str, str]]:
    """(status, JSON body or the text of a non-JSON body, headers)."""
    from usage import handler as usage_handler  # imported when used: the metering tests never load the usage function

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


# --- what the offline Bedrock reported -----------------------------------------------------


def model_cost(price: Any, usage: dict[str, Any]) -> int:
    """Micro-USD of a Converse usage at the model's price (no cache tokens), rounded up as metering does."""
    amount = Decimal(usage["inputTokens"]) * Decimal(str(price.input_per_million))
    amount += Decimal(usage["outputTokens"]) * Decimal(str(price.output_per_million))
    return math.ceil(amount)


def guardrail_micro_usd(usages: list[dict[str, Any]], prices: dict[str, float]) -> tuple[int, int]:
    """(micro-USD, text units summed over policies) of GuardrailUsage documents."""
    cost, units = Decimal(0), 0
    for usage in usages:
        for field, count in usage.items():
            if isinstance(count, int):
                cost += Decimal(count) * Decimal(str(prices.get(field, 0.0))) * 1000
                units += count if field != "contentPolicyImageUnits" else 0
    return math.ceil(cost), units


def trace_usages(response: dict[str, Any]) -> list[dict[str, Any]]:
    trace = (response.get("trace") or {}).get("guardrail") or {}
    found = [a for a in (trace.get("inputAssessment") or {}).values()]
    found += [a for group in (trace.get("outputAssessments") or {}).values() for a in group]
    return [a["invocationMetrics"]["usage"] for a in found if "invocationMetrics" in a]


def replayed(runtime: Any, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """The offline Bedrock's answer to a recorded request, sent again (its model and guardrail are deterministic)."""
    if operation == "ApplyGuardrail":
        return dict(runtime.apply_guardrail(**params))
    return dict(runtime.converse(**params))


def sub_of(token: str) -> str:
    """The `sub` claim of a Cognito ID token (the local pool's; already verified by the gateway)."""
    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])
