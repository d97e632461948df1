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


MISSING_OBJECT_CODES = frozenset({"404", "NoSuchKey", "NotFound", "403", "AccessDenied"})


def object_missing(err: ClientError) -> bool:
    """Whether a GetObject or HeadObject error means the object is not there.

    S3 answers a missing object with 404 only to a caller that also holds s3:ListBucket on the bucket, and with
    403 Access Denied otherwise (section "Permissions" of
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html and
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). The functions hold none, or (rag) only one
    conditioned on s3:prefix, which a GetObject request does not carry, and whether S3 then answers 404 is not
    documented: both answers count. A 403 can mean only "not there" for these callers, as each reads keys under a
    prefix its role holds s3:GetObject on (infra/attachments.py: chat and chat_stream on attachments/; infra/grants.py:
    image on images/, rag and rag_stream on the documents prefix; infra/constructs/customization.py: customize on
    uploads/ and datasets/; tests/infra/test_attachments_infra.py, test_iam.py, test_image_records.py,
    test_stream_functions.py and test_snapshot.py hold them), and every bucket is SSE-S3 (infra/constructs/buckets.py),
    with no KMS key that could refuse. The local stack's moto answers the 403 too (local/moto_s3.py).
    """
    return err.response.get("Error", {}).get("Code") in MISSING_OBJECT_CODES
