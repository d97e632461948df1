"""Bedrock clients that fit API Gateway's 29 s limit, and Bedrock errors mapped to API errors.

Mapping is by error code (never by message text). Throttling and unavailability are retried by
botocore's adaptive retry mode before they reach the mapping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from common.errors import (
    ApiError,
    BadRequestError,
    ConflictError,
    ModelAccessError,
    ThrottledError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)

# Up to 3 attempts in all (throttling and 5xx back off and retry; botocore counts the first call).
# 2 s to connect, 25 s to read: one slow answer still ends before API Gateway's 29 s; a stalled
# connection that is retried can outlast it, and then the function's own 29 s timeout answers.
CLIENT_CONFIG = Config(
    retries={"mode": "adaptive", "total_max_attempts": 3},
    connect_timeout=2,
    read_timeout=25,
    tcp_keepalive=True,
    user_agent_extra="bedrock-genai-stack",
)


@lru_cache(maxsize=4)
def runtime_client(region: str | None = None) -> Any:
    """bedrock-runtime, created once per region per container (AWS_ENDPOINT_URL_BEDROCK_RUNTIME redirects it)."""
    return boto3.client("bedrock-runtime", region_name=region, config=CLIENT_CONFIG)


@lru_cache(maxsize=1)
def control_client() -> Any:
    """bedrock (control plane), created once per container: LangChain's ChatBedrockConverse wants one and
    otherwise builds a new one on every construction (~0.2 s a request); our model ids never make it call."""
    return boto3.client("bedrock", config=CLIENT_CONFIG)


@lru_cache(maxsize=1)
def agent_client() -> Any:
    """bedrock-agent (ingestion jobs); AWS_ENDPOINT_URL_BEDROCK_AGENT redirects it."""
    return boto3.client("bedrock-agent", config=CLIENT_CONFIG)


@lru_cache(maxsize=1)
def agent_runtime_client() -> Any:
    """bedrock-agent-runtime (Retrieve); AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME redirects it."""
    return boto3.client("bedrock-agent-runtime", config=CLIENT_CONFIG)


def _mapped(code: str, message: str, model_id: str | None) -> ApiError:
    model = f"model {model_id}" if model_id else "Bedrock"
    if code in ("ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException"):
        return ThrottledError(f"{model} is throttling requests; retry shortly", retry_after=2)
    if code == "ModelNotReadyException":
        return ThrottledError(f"{model} is starting up; retry shortly", retry_after=5)
    if code == "ModelTimeoutException":
        return UpstreamTimeoutError(f"{model} took too long to answer; try a shorter request or retry")
    if code in ("ServiceUnavailableException", "InternalServerException", "ModelErrorException"):
        return UpstreamUnavailableError(f"{model} is unavailable right now; retry shortly")
    if code == "AccessDeniedException":
        return ModelAccessError(
            f"Bedrock denied access to {model}. Operator: enable access to this model in the Bedrock console "
            "(Model access) for this account and region, and check the function role's grant."
        )
    if code == "ResourceNotFoundException":
        return ModelAccessError(f"Bedrock could not find a resource for {model} (model, profile or guardrail): {message}")
    if code == "ConflictException":
        return ConflictError(f"Bedrock reports a conflict: {message}")
    if code == "ValidationException":
        return BadRequestError(f"Bedrock rejected the request: {message}")
    return UpstreamUnavailableError(f"Bedrock error {code}")


@contextmanager
def bedrock_errors(model_id: str | None = None) -> Iterator[None]:
    try:
        yield
    except ClientError as err:
        error = err.response.get("Error", {})
        raise _mapped(str(error.get("Code", "")), str(error.get("Message", "")), model_id) from err
    except (ReadTimeoutError, ConnectTimeoutError) as err:
        raise UpstreamTimeoutError("Bedrock did not answer in time; retry") from err
    except EndpointConnectionError as err:
        raise UpstreamUnavailableError("Bedrock cannot be reached right now") from err
