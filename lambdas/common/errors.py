"""Typed errors the API answers with; one JSON body shape for all of them.

{"error": {"code", "message", "details"?}, "request_id"}
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, details: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}


class BadRequestError(ApiError):
    status = 400
    code = "bad_request"


class ModelRetiredError(BadRequestError):
    """A model past its Bedrock end of life (customize/lifecycle.py, common/custom_models.py): requests to it fail."""

    code = "model_end_of_life"


class ValidationFailedError(ApiError):
    status = 400
    code = "validation_error"


class UnauthorizedError(ApiError):
    status = 401
    code = "unauthorized"


class ForbiddenError(ApiError):
    status = 403
    code = "forbidden"


class NotFoundError(ApiError):
    status = 404
    code = "not_found"


class ConflictError(ApiError):
    status = 409
    code = "conflict"


class PayloadTooLargeError(ApiError):
    status = 413
    code = "payload_too_large"


class ThrottledError(ApiError):
    status = 429
    code = "throttled"

    def __init__(self, message: str, *, retry_after: int = 2) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class BudgetExceededError(ApiError):
    """The caller's budget (or the deployment's daily ceiling) has no room for this request's maximum cost:
    nothing paid was called. `Retry-After` is the time to the budget's reset (lambdas/common/usage/ledger.py)."""

    status = 429
    code = "budget_exceeded"

    def __init__(self, message: str, *, details: dict[str, Any], retry_after: int) -> None:
        super().__init__(message, details=details, headers={"Retry-After": str(retry_after)})


class UpstreamUnavailableError(ApiError):
    status = 503
    code = "upstream_unavailable"


class ModelAccessError(ApiError):
    """Bedrock refused the model: the operator must enable access or fix the grant."""

    status = 503
    code = "model_not_enabled"


class GuardrailMismatchError(ApiError):
    """ApplyGuardrail masked text but its outputs do not match the text blocks sent: fail closed."""

    status = 502
    code = "guardrail_mismatch"


class UpstreamTimeoutError(ApiError):
    status = 504
    code = "upstream_timeout"


def error_body(code: str, message: str, request_id: str | None, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error, "request_id": request_id}
