"""DynamoDB and S3 clients with the same bounded retries everywhere, well inside API Gateway's 29 s.

boto3 comes from the Lambda runtime, so its default retries depend on the runtime's botocore:
the legacy mode gives DynamoDB 10 attempts with backoff from 50 ms (about 25 s under sustained
throttling, and a chat turn makes two such calls), newer releases' standard mode 5 with up to
20 s between them. Either way the caller could meet the gateway's timeout instead of a clear 429.
Named here: standard mode, 3 attempts in all, which retries throttling, 5xx and connection errors
with jittered backoff (a few seconds at most), then the error reaches the API's mapping (429 for
throttling, 503 otherwise).
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from common.errors import ApiError, ThrottledError, UpstreamUnavailableError

STORAGE_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 3},
    connect_timeout=2,
    read_timeout=10,
    tcp_keepalive=True,
    user_agent_extra="bedrock-genai-stack",
)


def dynamodb_client() -> Any:
    """AWS_ENDPOINT_URL_DYNAMODB redirects it (the local stack, tests)."""
    return boto3.client("dynamodb", config=STORAGE_CONFIG)


def s3_client() -> Any:
    """SigV4, so presigned posts carry the region and work with the SSE condition; AWS_ENDPOINT_URL_S3 redirects it."""
    return boto3.client("s3", config=STORAGE_CONFIG.merge(Config(signature_version="s3v4")))


THROTTLING_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "SlowDown"})


def storage_failure(err: ClientError, what: str) -> ApiError:
    """The API's answer to a storage error that outlived the retries: 429 when the service asked us to
    slow down (DynamoDB throttling, S3 SlowDown), 503 otherwise. `what` names the storage for the message."""
    code = err.response.get("Error", {}).get("Code", "")
    if code in THROTTLING_CODES:
        return ThrottledError(f"{what} is busy; retry shortly")
    return UpstreamUnavailableError(f"{what} is unavailable; retry")
