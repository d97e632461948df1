"""The doctor's AWS reads: boto3 clients with the caller's credentials, and how their errors are read.

Every call is a read (Get*, List*, Describe*); nothing is created or changed. Clients honour the usual
AWS_PROFILE / AWS_REGION settings and the service-specific endpoint variables
(AWS_ENDPOINT_URL_BEDROCK, AWS_ENDPOINT_URL_STS, ...), which is how the tests point them at moto and
the offline Bedrock.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError

CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 2},
    connect_timeout=3,
    read_timeout=15,
    user_agent_extra="bedrock-genai-stack-doctor",
)
DENIED = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnrecognizedClientException"})
NOT_FOUND = frozenset({"ResourceNotFoundException", "NotFoundException", "NoSuchResourceException"})


class Aws:
    """Clients for one session (the caller's credentials), created once per service and region."""

    def __init__(self, session: boto3.Session) -> None:
        self.session = session
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self.session.client(service, region_name=region, config=CONFIG)
        return self._clients[key]


def code(err: Exception) -> str:
    """The AWS error code of a failed call, or the exception's class name."""
    if isinstance(err, ClientError):
        return str(err.response.get("Error", {}).get("Code", "")) or type(err).__name__
    return type(err).__name__


def message(err: Exception) -> str:
    if isinstance(err, ClientError):
        return str(err.response.get("Error", {}).get("Message", "")) or str(err)
    return str(err)


def denied(err: Exception) -> bool:
    return code(err) in DENIED


def not_found(err: Exception) -> bool:
    return code(err) in NOT_FOUND


def unreachable(err: Exception) -> bool:
    """No endpoint answered: what a client sees where a service has no endpoint (a DNS failure, a refused connection)."""
    return isinstance(err, EndpointConnectionError | ConnectTimeoutError)


AWS_ERRORS = (ClientError, BotoCoreError)
