"""Bedrock errors as the API's errors, by error code (never by message text): throttling and a model starting up are
429 with Retry-After, a timeout 504, a 5xx or a broken connection 503, access denied 403 with the operator's steps,
a validation error 400 with Bedrock's message. `bedrock_errors` wraps a call; `stream_errors` wraps reading a
ConverseStream's events, whose errors arrive as exception events or straight from urllib3 (common/bedrock.py sends
the calls)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import urllib3.exceptions
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, HTTPClientError, ReadTimeoutError

from common.errors import (
    ApiError,
    BadRequestError,
    ConflictError,
    ModelAccessError,
    ThrottledError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)

ASK_FOR_LESS = "Ask for less (a lower params.max_tokens, a shorter message or question, fewer images) and retry."
TIMED_OUT = f"Bedrock did not answer in time: this API must answer within 29 s. {ASK_FOR_LESS}"
# The current model-access process (https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html): access is on
# by default; the first call to a third-party model starts an AWS Marketplace subscription (up to 15 minutes) that needs
# aws-marketplace:Subscribe / Unsubscribe / ViewSubscriptions for whoever calls first and a payment method, and Anthropic
# models need the first-use form; until then calls fail with AccessDeniedException. The Model access page is retired.
MODEL_ACCESS_STEPS = (
    "Operator: the first call to a third-party model (Anthropic, Stability AI, Cohere) in an account starts an AWS Marketplace "
    "subscription, which needs aws-marketplace:Subscribe and aws-marketplace:ViewSubscriptions for whoever calls first and a "
    "payment method on the account; Anthropic models also need the one-time first-use form (Bedrock console model catalog, or "
    "PutUseCaseForModelAccess). Have an administrator invoke the model once (the subscription can take up to 15 minutes), "
    "rather than adding these permissions to this function's role, and check the role's grant for this model. "
    "Run `make doctor` to see what is missing."
)
STREAM_STALLED = "Bedrock stopped sending the answer part-way (no event within the wait allowed); what arrived was not stored. Retry."
STREAM_BROKEN = "The connection to Bedrock broke part-way through the answer; what arrived was not stored. Retry."

# ConverseStream's exception events, named by their member of ConverseStreamOutput (botocore's bedrock-runtime model),
# which botocore raises as an EventStreamError whose code is that name.
_STREAM_CODES = {
    "throttlingException": "ThrottlingException",
    "serviceUnavailableException": "ServiceUnavailableException",
    "internalServerException": "InternalServerException",
    "modelStreamErrorException": "ModelErrorException",
    "validationException": "ValidationException",
}


def _mapped(code: str, message: str, model_id: str | None) -> ApiError:
    model = f"model {model_id}" if model_id else "Bedrock"
    code = _STREAM_CODES.get(code, code)
    if code in ("ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException"):
        return ThrottledError(f"{model} is throttling requests; retry shortly", retry_after=2)
    if code == "ModelNotReadyException":
        return ThrottledError(f"{model} is starting up; retry shortly", retry_after=5)
    if code == "ModelTimeoutException":
        return UpstreamTimeoutError(f"{model} took too long to answer; try a shorter request or retry")
    if code in ("ServiceUnavailableException", "InternalServerException", "ModelErrorException"):
        return UpstreamUnavailableError(f"{model} is unavailable right now; retry shortly")
    if code == "AccessDeniedException":
        return ModelAccessError(f"Bedrock denied access to {model}. {MODEL_ACCESS_STEPS}")
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
    except ReadTimeoutError as err:
        raise UpstreamTimeoutError(TIMED_OUT) from err
    except ConnectTimeoutError as err:
        raise UpstreamTimeoutError("Bedrock could not be reached in time; retry shortly") from err
    except EndpointConnectionError as err:
        raise UpstreamUnavailableError("Bedrock cannot be reached right now") from err
    except HTTPClientError as err:  # e.g. the connection closed before the answer: not sent again (it may have been processed)
        raise UpstreamUnavailableError("the connection to Bedrock failed before its answer arrived; retry shortly") from err


@contextmanager
def stream_errors(model_id: str | None = None) -> Iterator[None]:
    """`bedrock_errors` for reading a stream's events: botocore reads them straight from urllib3, whose errors
    (a read timeout between events, a connection closed early) reach the reader unwrapped."""
    try:
        with bedrock_errors(model_id):
            yield
    except urllib3.exceptions.ReadTimeoutError as err:
        raise UpstreamTimeoutError(STREAM_STALLED) from err
    except urllib3.exceptions.HTTPError as err:
        raise UpstreamUnavailableError(STREAM_BROKEN) from err
