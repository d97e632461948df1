"""Metadata filters the Knowledge Base can run: botocore's RetrievalFilter shape, narrowed to S3 Vectors.

The stack's vector store is always Amazon S3 Vectors, whose filters are `$eq $ne $gt $gte $lt $lte
$in $nin $exists $and $or`, range operators on numbers only, and `$eq` on a list value matching any
element (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-metadata-filtering.html).
botocore's shape also offers `startsWith` ("currently only supported for Amazon OpenSearch Serverless
vector stores"), `stringContains` (no substring operator in S3 Vectors) and `listContains` (no AWS
page says Bedrock maps it to S3 Vectors; `equals` already matches a list element). Those are refused
here with what to use instead, before any Bedrock call.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

RANGE = ("greaterThan", "greaterThanOrEquals", "lessThan", "lessThanOrEquals")
INSTEAD = {
    "listContains": "use equals: on a list-valued key it matches any element of the list",
    "stringContains": "S3 Vectors has no substring match; put the value you filter on in its own metadata key and use equals or in",
    "startsWith": "S3 Vectors has no prefix match (startsWith is for OpenSearch Serverless only); "
    "put the prefix in its own metadata key and use equals or in",
}


@lru_cache(maxsize=1)
def _filter_shape() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("bedrock-agent-runtime").shape_for("RetrievalFilter")


def _shape_problems(value: dict[str, Any]) -> str:
    """botocore's RetrievalFilter shape: one operator per object, `key` and `value` present, typed."""
    from botocore.validate import ParamValidator

    report = ParamValidator().validate(value, _filter_shape())
    return report.generate_report() if report.has_errors() else ""


def _primitive(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _store_problems(condition: dict[str, Any], path: str) -> list[str]:
    ((operator, operand),) = condition.items()
    where = f"{path}.{operator}"
    if operator in ("andAll", "orAll"):
        return [p for i, inner in enumerate(operand) for p in _store_problems(inner, f"{where}[{i}]")]
    if operator in INSTEAD:
        return [f"{where}: the operator {operator} is not supported by the knowledge base's vector store (S3 Vectors); {INSTEAD[operator]}"]
    value = operand["value"]
    if operator in RANGE and not _number(value):
        return [f"{where}: {operator} compares numbers only (got {value!r})"]
    if operator in ("equals", "notEquals") and not _primitive(value):
        return [f"{where}: the value must be a string, number or boolean (for several values use in / notIn)"]
    if operator in ("in", "notIn") and not (isinstance(value, list) and value and all(_primitive(v) for v in value)):
        return [f"{where}: the value must be a non-empty list of strings, numbers or booleans"]
    return []


def filter_problems(value: dict[str, Any]) -> str:
    """Why the Knowledge Base would refuse this filter, or "" when it can run it."""
    shape = _shape_problems(value)
    if shape:
        return f"not a Bedrock retrieval filter: {shape}"
    return "; ".join(_store_problems(value, "filter"))
