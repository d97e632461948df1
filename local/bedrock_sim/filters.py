"""Retrieve's metadata filter on a Knowledge Base whose vector store is Amazon S3 Vectors.

botocore's `RetrievalFilter` union has thirteen operators, but Bedrock hands the filter to the vector
store, and S3 Vectors has only `$eq $ne $gt $gte $lt $lte $in $nin $exists $and $or`
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-metadata-filtering.html):

- `startsWith` is "currently only supported for Amazon OpenSearch Serverless vector stores"
  (botocore's RetrievalFilter documentation; API_agent-runtime_RetrievalFilter.html);
- S3 Vectors has no substring operator, so `stringContains` has nothing to map to;
- `listContains` is not needed: S3 Vectors' `$eq` on a list value "returns true if the input value
  matches any element in the array", so `equals` already tests list membership. No AWS page says
  Bedrock maps `listContains` to S3 Vectors, so it is refused too.

Operand types follow the same page: `$eq`/`$ne` take a string, number or boolean; `$gt $gte $lt $lte`
numbers only; `$in`/`$nin` a non-empty array of those. Anything else is a ValidationException here.
The exact message Bedrock sends for these cases is not documented; these name the operator and path.
"""

from __future__ import annotations

from typing import Any

from local.bedrock_sim.protocol import SimError

COMPARE = ("equals", "notEquals")
RANGE = ("greaterThan", "greaterThanOrEquals", "lessThan", "lessThanOrEquals")
MEMBERSHIP = ("in", "notIn")
LOGICAL = ("andAll", "orAll")
UNSUPPORTED = ("listContains", "stringContains", "startsWith")


def _primitive(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check(condition: dict[str, Any], path: str = "filter") -> None:
    """Raise ValidationException for what an S3 Vectors knowledge base refuses (shape was checked already)."""
    ((operator, operand),) = condition.items()
    where = f"retrievalConfiguration.vectorSearchConfiguration.{path}.{operator}"
    if operator in LOGICAL:
        for i, inner in enumerate(operand):
            check(inner, f"{path}.{operator}[{i}]")
        return
    if operator in UNSUPPORTED:
        raise SimError("ValidationException", f"{where}: the filter operator {operator} is not supported by the S3_VECTORS vector store.")
    value = operand["value"]
    if operator in COMPARE and not _primitive(value):
        raise SimError("ValidationException", f"{where}: the value must be a string, number or boolean.")
    if operator in RANGE and not _number(value):
        raise SimError("ValidationException", f"{where}: the value must be a number.")
    if operator in MEMBERSHIP and not (isinstance(value, list) and value and all(_primitive(v) for v in value)):
        raise SimError("ValidationException", f"{where}: the value must be a non-empty list of strings, numbers or booleans.")


def _same(a: Any, b: Any) -> bool:
    """Equality that keeps booleans apart from numbers (JSON true is not 1)."""
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def _equals(value: Any, target: Any) -> bool:
    if isinstance(value, list):  # S3 Vectors: $eq on a list matches any element
        return any(_same(v, target) for v in value)
    return _same(value, target)


def _among(value: Any, targets: list[Any]) -> bool:
    return any(_equals(value, t) for t in targets)


def matches(condition: dict[str, Any], metadata: dict[str, Any]) -> bool:
    """Whether one chunk's metadata passes a filter that `check` accepted."""
    ((operator, operand),) = condition.items()
    if operator == "andAll":
        return all(matches(c, metadata) for c in operand)
    if operator == "orAll":
        return any(matches(c, metadata) for c in operand)
    key, target = operand["key"], operand["value"]
    if key not in metadata:
        return operator in ("notEquals", "notIn")  # Bedrock: notEquals also returns chunks without the key
    value = metadata[key]
    if operator == "equals":
        return _equals(value, target)
    if operator == "notEquals":
        return not _equals(value, target)
    if operator == "in":
        return _among(value, target)
    if operator == "notIn":
        return not _among(value, target)
    if not _number(value):
        return False
    return {
        "greaterThan": value > target,
        "greaterThanOrEquals": value >= target,
        "lessThan": value < target,
        "lessThanOrEquals": value <= target,
    }[operator]
