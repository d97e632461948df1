"""Items between Python values and the low-level DynamoDB client's attribute values, with boto3's own
TypeSerializer/TypeDeserializer (https://boto3.amazonaws.com/v1/documentation/api/latest/reference/customizations/dynamodb.html).

The serializer refuses floats (DynamoDB numbers are Decimal), so `typed` turns them into Decimal first; `plain` reads
numbers back as int, or float when they have a fraction, so an item serializes as JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def typed(values: dict[str, Any]) -> dict[str, Any]:
    """Python values (floats included, at any depth) as the low-level client's attribute values."""
    return {k: _serializer.serialize(_decimal(v)) for k, v in values.items()}


def plain(item: dict[str, Any]) -> dict[str, Any]:
    """An item the low-level client returned, as Python values (numbers as int or float, at any depth)."""
    return {k: _number(_deserializer.deserialize(v)) for k, v in item.items()}


def _decimal(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _decimal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimal(v) for v in value]
    return value


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _number(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_number(v) for v in value]
    return value
