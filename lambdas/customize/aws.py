"""The customize function's AWS clients, the names and tags of the stack's customization resources, and Bedrock
control-plane errors mapped to API errors (by code, never by message text).

Bedrock control-plane calls keep botocore's standard retries: the two that start billable work,
CreateModelCustomizationJob and CreateCustomModelDeployment, carry a clientRequestToken made from the resource's
name, so a retried request is the same request ("If this token matches a previous request, Amazon Bedrock
ignores the request"; botocore's bedrock service model).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from common.errors import (
    ApiError,
    BadRequestError,
    ConflictError,
    ModelAccessError,
    NotFoundError,
    ThrottledError,
    UpstreamUnavailableError,
)

TAG_KEY = "genai:stack"  # on every job, custom model and deployment this stack makes; the IAM grants require it
CONTROL = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=3, read_timeout=20)


@lru_cache(maxsize=1)
def bedrock() -> Any:
    """bedrock (control plane); AWS_ENDPOINT_URL_BEDROCK redirects it (the offline Bedrock)."""
    return boto3.client("bedrock", config=CONTROL)


def prefix(stack_tag: str) -> str:
    """The names' prefix: the stack's tag in lower-case letters and digits (Bedrock names allow no other run)."""
    return (re.sub(r"[^a-z0-9]", "", stack_tag.lower()) or "genai")[:24]


def full_name(stack_tag: str, name: str) -> str:
    return f"{prefix(stack_tag)}-{name}"


def short_name(stack_tag: str, full: str) -> str | None:
    """The admin's name of one of this stack's resources, or None for a resource the stack did not make."""
    head = prefix(stack_tag) + "-"
    return full[len(head) :] if full.startswith(head) else None


def tags(stack_tag: str) -> list[dict[str, str]]:
    return [{"key": TAG_KEY, "value": stack_tag}]


def _mapped(code: str, message: str, what: str, gone: str | None = None) -> ApiError:
    if code == "ResourceNotFoundException" and gone:
        return BadRequestError(f"Bedrock refused {gone} for {what}: {message}")
    if code == "ResourceNotFoundException":
        return NotFoundError(f"{what} not found")
    if code in ("ConflictException", "ResourceInUseException"):
        return ConflictError(f"Bedrock reports a conflict for {what}: {message}")
    if code == "ValidationException":
        return BadRequestError(f"Bedrock rejected the request for {what}: {message}")
    if code == "ServiceQuotaExceededException":
        return ConflictError(f"an account quota stops this ({what}): {message}; raise it in Service Quotas or remove unused ones")
    if code in ("ThrottlingException", "TooManyRequestsException"):
        return ThrottledError("Bedrock is throttling requests; retry shortly")
    if code == "AccessDeniedException":
        return ModelAccessError(f"Bedrock denied access ({what}): check model access and the function's grants")
    return UpstreamUnavailableError(f"Bedrock error {code or 'unknown'} ({what}); retry shortly")


@contextmanager
def control_errors(what: str, gone: str | None = None) -> Iterator[None]:
    """Bedrock's error as the API's; `gone`: what a ResourceNotFoundException means on a create (a 400: a model the
    request names no longer exists, e.g. past its end of life), instead of the 404 a read answers."""
    try:
        yield
    except ClientError as err:
        error = err.response.get("Error", {})
        raise _mapped(str(error.get("Code", "")), str(error.get("Message", "")), what, gone) from err
    except BotoCoreError as err:
        raise UpstreamUnavailableError(f"Bedrock cannot be reached right now ({what}); retry shortly") from err


def iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()
