"""Opaque page tokens: the position a listing stopped at, handed to the client and checked on the way back.

A token is URL-safe base64 of a JSON object of strings (a DynamoDB key of string attributes, or an
S3 key). Anything else a client sends back is a 400: not base64 JSON, another key set, a value that
is not a string, or a position outside the caller's own partition. A forged token therefore never
reaches storage, where DynamoDB would answer ValidationException "The provided starting key is
invalid" (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html,
ExclusiveStartKey) and the function would report a storage failure instead of a bad request.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from common.errors import BadRequestError

FIELD = "next_token"


def invalid_token(reason: str = "not a token this API issued") -> BadRequestError:
    return BadRequestError("next_token is not valid", details=[{"field": FIELD, "message": reason}])


@dataclass(frozen=True)
class TokenShape:
    """The exact keys a token holds: each value a string, equal to `fixed[k]` or starting with `prefixed[k]`."""

    fixed: Mapping[str, str] = field(default_factory=dict)
    prefixed: Mapping[str, str] = field(default_factory=dict)
    max_bytes: int = 1024  # per value: DynamoDB sort keys and S3 object keys are at most 1,024 bytes

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.fixed) | frozenset(self.prefixed)


def encode_token(position: Mapping[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(dict(position), ensure_ascii=False).encode()).decode().rstrip("=")


def decode_token(token: str, shape: TokenShape) -> dict[str, str]:
    """The position in `token`, or a 400 saying the token is not one this API issued for this listing."""
    try:
        position = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise invalid_token() from None
    if not isinstance(position, dict) or set(position) != shape.keys:
        raise invalid_token()
    for key, value in position.items():
        if not isinstance(value, str) or not value or len(value.encode("utf-8")) > shape.max_bytes:
            raise invalid_token()
        if key in shape.fixed and value != shape.fixed[key]:
            raise invalid_token()
        if key in shape.prefixed and not value.startswith(shape.prefixed[key]):
            raise invalid_token()
    return position


@contextmanager
def start_key_errors(query: Mapping[str, Any]) -> Iterator[None]:
    """Second line of defence: DynamoDB refusing a Query that started from a client's token
    (ValidationException "The provided starting key is invalid") is the token's fault, a 400."""
    try:
        yield
    except ClientError as err:
        if "ExclusiveStartKey" in query and err.response.get("Error", {}).get("Code") == "ValidationException":
            raise invalid_token() from err
        raise
