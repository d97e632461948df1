"""Bedrock clients and the one rule for sending paid calls.

A paid call is never sent twice. botocore retries a read timeout (an HTTPClientError) and 5xx
answers in every retry mode: requests Bedrock may have received and be processing, and billing.
So the data-plane clients (bedrock-runtime, bedrock-agent-runtime) make one attempt
(`total_max_attempts: 1`), and every Converse, InvokeModel, ApplyGuardrail and Retrieve call goes
through `call_bedrock`, which retries only what was refused before any processing:

* ThrottlingException ("Your request was denied due to exceeding the account quotas"),
  ServiceQuotaExceededException ("Your request exceeds the service quota ... You can resubmit
  your request later") and ModelNotReadyException ("not ready to serve inference requests"; the
  SDKs retry it): botocore's bedrock-runtime / bedrock-agent-runtime service models and
  https://docs.aws.amazon.com/bedrock/latest/userguide/troubleshooting-api-error-codes.html
  (retry throttling with exponential backoff and jitter). `TooManyRequestsException` is not a
  code any of these operations lists.
* a connection that was never made (ConnectTimeoutError, EndpointConnectionError).

Never a ReadTimeoutError, a dropped connection or a 5xx (InternalServerException,
ServiceUnavailableException, ModelErrorException): the caller gets the error and decides.
At most 3 attempts with jittered backoff, and an attempt only starts if it can end before the
function's deadline: it waits at most the time left minus the answer reserve (a client with a
shorter read timeout is used when less time is left), and with under a second left it is not
sent at all (504). Libraries that call the client themselves (LangChain) get a `SafeClient`.
A stream (ConverseStream) is sent under the same rule; once its events flow, an error in the middle
(an exception event, a read that times out, a dropped connection) is never retried: part of the
answer was already produced and paid for (`stream_errors`).
The control plane (bedrock-agent: StartIngestionJob, ListIngestionJobs) keeps botocore's standard
retries: StartIngestionJob's clientToken is an idempotency token (botocore fills it once per call,
before its retries; "If this token matches a previous request, Amazon Bedrock ignores the request").

Bedrock errors become API errors in common/bedrock_errors.py (by error code, never by message text).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any, Literal, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

from common import deadline
from common.bedrock_errors import ASK_FOR_LESS
from common.bedrock_errors import bedrock_errors as bedrock_errors
from common.bedrock_errors import stream_errors as stream_errors
from common.errors import (
    UpstreamTimeoutError,
)
from common.runtime_config import runtime_config

Function = Literal["chat", "rag", "image"]
T = TypeVar("T")

USER_AGENT = "bedrock-genai-stack"
RETRYABLE_CODES = frozenset({"ThrottlingException", "ServiceQuotaExceededException", "ModelNotReadyException"})
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 0.5
MIN_READ_SECONDS = 1.0
# A stream's read timeout: botocore's `read_timeout` is "the time in seconds till a timeout exception is thrown when
# attempting to read from a connection" (botocore Config), passed to urllib3, whose read timeout is "the maximum amount
# of time (in seconds) to wait between consecutive read operations" (https://urllib3.readthedocs.io/en/stable/reference/urllib3.util.html).
# So a ConverseStream answer may last minutes while no single wait for its next event exceeds the per-event timeout
# derived at synth (infra/timeouts.py `stream_read_seconds`, well inside API Gateway's 5-minute idle timeout for a
# Regional API: https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html).
# STREAM_READ_SECONDS is botocore's own default, used only where the runtime config names none (tests' configs).
STREAM_READ_SECONDS = 60
StreamFunction = Literal["chat_stream", "rag_stream"]
NO_TIME_LEFT = f"Not enough time is left in this request to wait for Bedrock (this API must answer within 29 s). {ASK_FOR_LESS}"

# Control plane: quick, idempotent calls; botocore's standard retries (3 attempts) are safe there.
CONTROL_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 3},
    connect_timeout=2,
    read_timeout=5,
    tcp_keepalive=True,
    user_agent_extra=USER_AGENT,
)


def _data_plane_config(function: Function) -> Config:
    """One attempt; timeouts derived at synth from the function's timeout (infra/timeouts.py)."""
    timeouts = runtime_config().bedrock_timeouts
    return Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=timeouts.connect_seconds,
        read_timeout=timeouts.read_seconds[function],
        tcp_keepalive=True,
        user_agent_extra=USER_AGENT,
    )


@lru_cache(maxsize=8)
def runtime_client(function: Function, region: str | None = None) -> Any:
    """bedrock-runtime for `function`, created once per region per container (AWS_ENDPOINT_URL_BEDROCK_RUNTIME redirects it)."""
    return boto3.client("bedrock-runtime", region_name=region, config=_data_plane_config(function))


def stream_read_seconds(function: StreamFunction) -> int:
    """The per-event wait of `function`'s ConverseStream (rendered at synth), or botocore's default of 60 s."""
    return runtime_config().bedrock_timeouts.stream_read_seconds.get(function, STREAM_READ_SECONDS)


@lru_cache(maxsize=2)
def stream_client(function: StreamFunction) -> Any:
    """bedrock-runtime for a streaming function, created once per container: one attempt, the function's per-event
    read timeout (stream_read_seconds)."""
    timeouts = runtime_config().bedrock_timeouts
    config = Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=timeouts.connect_seconds,
        read_timeout=stream_read_seconds(function),
        tcp_keepalive=True,
        user_agent_extra=USER_AGENT,
    )
    return boto3.client("bedrock-runtime", config=config)


@lru_cache(maxsize=4)
def agent_runtime_client(function: Function) -> Any:
    """bedrock-agent-runtime (Retrieve); AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME redirects it."""
    return boto3.client("bedrock-agent-runtime", config=_data_plane_config(function))


class OnFirstUse:
    """Stands for the client `create` returns, called when one of the client's attributes is first read."""

    def __init__(self, create: Callable[[], Any]) -> None:
        self._create = create

    def __getattr__(self, name: str) -> Any:
        return getattr(self._create(), name)


@lru_cache(maxsize=1)
def _bedrock_control() -> Any:
    return boto3.client("bedrock", config=CONTROL_CONFIG)


@lru_cache(maxsize=1)
def control_client() -> Any:
    """bedrock (control plane), one per container: LangChain's ChatBedrockConverse wants one and otherwise builds a
    new one on every construction (~0.2 s a request). It calls it only for application inference profiles
    (GetInferenceProfile), which our model ids never are: the client is created on first use, so the first
    query does not load the control plane's service model (~25 ms)."""
    return OnFirstUse(_bedrock_control)


@lru_cache(maxsize=1)
def agent_client() -> Any:
    """bedrock-agent (ingestion jobs); AWS_ENDPOINT_URL_BEDROCK_AGENT redirects it."""
    return boto3.client("bedrock-agent", config=CONTROL_CONFIG)


# --- the rule for paid calls ------------------------------------------------------------------

_creating = threading.Lock()


@lru_cache(maxsize=32)
def _with_read_timeout(client: Any, seconds: int) -> Any:
    """A copy of `client` that waits at most `seconds` for an answer (late in a request only)."""
    meta = client.meta
    config = meta.config.merge(Config(read_timeout=seconds))
    with _creating:  # creating clients from the default session is not thread-safe
        return boto3.client(meta.service_model.service_name, region_name=meta.region_name, endpoint_url=meta.endpoint_url, config=config)


def _budget(client: Any, pause: float = 0.0) -> float | None:
    """Seconds one attempt may wait for its answer after `pause`, before the deadline; None: no deadline."""
    left = deadline.remaining_seconds()
    if left is None:
        return None
    reserve = runtime_config().bedrock_timeouts.answer_reserve_seconds
    return left - pause - reserve - float(client.meta.config.connect_timeout)


def _in_time(operation: Callable[..., T]) -> Callable[..., T]:
    """`operation`, or the same operation on a client whose read timeout ends before the deadline."""
    client = operation.__self__  # type: ignore[attr-defined]
    budget = _budget(client)
    if budget is None or budget >= client.meta.config.read_timeout:
        return operation
    if budget < MIN_READ_SECONDS:
        raise UpstreamTimeoutError(NO_TIME_LEFT)
    shorter: Callable[..., T] = getattr(_with_read_timeout(client, math.floor(budget)), operation.__name__)
    return shorter


def _retryable(err: Exception) -> bool:
    if isinstance(err, ClientError):
        return str(err.response.get("Error", {}).get("Code", "")) in RETRYABLE_CODES
    return isinstance(err, (ConnectTimeoutError, EndpointConnectionError))


def call_bedrock(operation: Callable[..., T], /, **params: Any) -> T:
    """Call a bound bedrock-runtime / bedrock-agent-runtime operation under the rule above."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return _in_time(operation)(**params)
        except (ClientError, ConnectTimeoutError, EndpointConnectionError) as err:
            pause = BACKOFF_SECONDS * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
            budget = _budget(operation.__self__, pause)  # type: ignore[attr-defined]
            if attempt == MAX_ATTEMPTS or not _retryable(err) or (budget is not None and budget < MIN_READ_SECONDS):
                raise
        time.sleep(pause)
    raise AssertionError("unreachable")


class SafeClient:
    """A Bedrock client whose paid operations go through `call_bedrock`, for libraries that call it themselves."""

    PAID = frozenset({"converse", "converse_stream", "invoke_model", "invoke_model_with_response_stream", "apply_guardrail", "retrieve"})

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        return partial(call_bedrock, attribute) if name in self.PAID else attribute


# --- errors ----------------------------------------------------------------------------------
