"""The running invocation's deadline, for code that must not start what it cannot finish.

A handler decorated with `@track` makes its Lambda context current; `remaining_seconds()` then
reads the context's own countdown (`get_remaining_time_in_millis`). Outside a tracked
invocation there is no deadline (None). A ContextVar, so invocations running side by side in one
process (the local gateway runs each function in its own thread) each see their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

Handler = TypeVar("Handler", bound=Callable[..., Any])

_context: ContextVar[Any] = ContextVar("lambda_context", default=None)


def track(handler: Handler) -> Handler:
    """Make the invocation's context current for the handler's duration."""

    @wraps(handler)
    def tracked(event: Any, context: Any) -> Any:
        token = _context.set(context)
        try:
            return handler(event, context)
        finally:
            _context.reset(token)

    return tracked  # type: ignore[return-value]


class Countdown:
    """A context-like countdown to a wall-clock deadline in epoch milliseconds: what a streaming function gets
    from the Lambda Web Adapter's `x-amzn-lambda-context` header (common/sse.py)."""

    def __init__(self, deadline_epoch_ms: float) -> None:
        self._deadline_ms = deadline_epoch_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline_ms - time.time() * 1000))


@contextmanager
def tracking(context: Any) -> Iterator[None]:
    """Make `context` (None: no deadline) current inside the block, for code outside a decorated handler."""
    token = _context.set(context)
    try:
        yield
    finally:
        _context.reset(token)


def remaining_seconds() -> float | None:
    """Seconds before the function times out, or None outside a tracked invocation."""
    context = _context.get()
    if context is None:
        return None
    return float(context.get_remaining_time_in_millis()) / 1000
