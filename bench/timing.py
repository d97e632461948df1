"""Time spent inside AWS HTTP calls, measured (never faked) by wrapping botocore's HTTP session send.

Everything a request spends outside these calls is our own code (plus botocore's client-side work:
serializing, signing, parsing), which is what the warm benchmark attributes to the handler. Calls on
every thread count (LangChain runs the retriever in a worker thread): time one request at a time.
"""

from __future__ import annotations

import threading
import time
from typing import Any


class HttpTimer:
    """Sum of wall time inside `URLLib3Session.send`, and the number of calls, since the last reset."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seconds = 0.0
        self.calls = 0

    def install(self) -> HttpTimer:
        from botocore.httpsession import URLLib3Session

        original = URLLib3Session.send
        timer = self

        def send(session: Any, request: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(session, request)
            finally:
                timer._add(time.perf_counter() - started)

        URLLib3Session.send = send
        return self

    def _add(self, seconds: float) -> None:
        with self._lock:
            self.seconds += seconds
            self.calls += 1

    def reset(self) -> None:
        with self._lock:
            self.seconds, self.calls = 0.0, 0
