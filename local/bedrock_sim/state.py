"""The offline Bedrock's state between requests: the request log, the injected faults, and the Region each
request was signed for. One lock guards the log and the faults (the server answers on several threads)."""

from __future__ import annotations

import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from local.bedrock_sim.protocol import SimError

REGION: ContextVar[str] = ContextVar("signed_region", default="us-east-1")  # set per request by the dispatch


@dataclass
class Fault:
    code: str
    operation: str | None
    remaining: int
    after_chunks: int | None = None  # ConverseStream only: an exception event after this many text chunks


@dataclass
class Recorded:
    service: str
    operation: str
    params: dict[str, Any]
    at: float = field(default_factory=time.time)


class RequestLog:
    """Every request the simulator accepted, and the faults the next ones answer with."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []

    def clear(self) -> None:
        """Under the caller's `lock`."""
        self.requests.clear()
        self.faults.clear()

    def record(self, service: str, operation: str, params: dict[str, Any]) -> None:
        with self.lock:
            self.requests.append(Recorded(service, operation, params))

    def recorded(self, operation: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r.params for r in self.requests if r.operation == operation]

    def inject(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def stream_fault(self) -> Fault | None:
        """The mid-stream fault the next ConverseStream answer carries, if any (used once per answer)."""
        with self.lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.after_chunks is not None:
                    fault.remaining -= 1
                    return fault
        return None

    def maybe_fail(self, operation: str) -> None:
        """Raise the next injected fault for `operation` (or for any), if one is left."""
        with self.lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.after_chunks is None and fault.operation in (None, operation):
                    fault.remaining -= 1
                    raise SimError(fault.code, f"Injected {fault.code} (offline simulator)")
