"""Reading the usage table as a test checks it, and what the offline Bedrock reported for a recorded call."""

from __future__ import annotations

import base64
import json
import math
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

from tests.conftest import FUNCTION_ENVIRONMENT

USAGE_TABLE = FUNCTION_ENVIRONMENT["USAGE_TABLE"]
_plain = TypeDeserializer()


def rows(sub: str, client: Any = None, table: str = USAGE_TABLE) -> dict[str, dict[str, Any]]:
    """The caller's rows by kind ("DAY", "MONTH"; the test runs within one day): attributes as ints and strings."""
    client = client or boto3.client("dynamodb")
    items = client.query(TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": f"USER#{sub}"}},
                         ConsistentRead=True)["Items"]  # fmt: skip
    found = {}
    for item in items:
        plain = {k: _number(_plain.deserialize(v)) for k, v in item.items()}
        found[str(plain["sk"]).split("#", 1)[0]] = plain
    return found


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, Decimal) else value


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
