"""The local stack's terminal: the functions' log lines, without their per-request metric documents unless asked for.

Deployed, Powertools Metrics prints each request's metrics to stdout as one CloudWatch Embedded Metric Format (EMF)
document, a JSON object whose root `_aws` member holds `CloudWatchMetrics`
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
and CloudWatch Logs turns it into metrics. Locally nothing reads them, so `make dev` leaves them out of the terminal,
with Powertools' "No application metrics to publish" warning (a request that recorded none); `make dev METRICS=1`
(LOCAL_METRICS=1) shows both. POWERTOOLS_METRICS_DISABLED is not used for this: Powertools 3.x then stops clearing
the metric set, which grows with each request and is printed anyway once a metric reaches 100 values.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import warnings
from typing import IO, Any

NO_METRICS_WARNING = "No application metrics to publish"
# The same filter for child processes (the streaming functions): PYTHONWARNINGS matches the start of the message.
CHILD_WARNINGS = f"ignore:{NO_METRICS_WARNING}:UserWarning"


def metrics_shown(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """`LOCAL_METRICS` (make dev METRICS=1): 1, true, yes or on shows the metric documents and the warning."""
    return environ.get("LOCAL_METRICS", "").strip().lower() in {"1", "true", "yes", "on"}


def is_metric_document(line: str) -> bool:
    """Whether a line of output is an EMF document (a JSON object with `_aws.CloudWatchMetrics`)."""
    text = line.strip()
    if not (text.startswith("{") and '"_aws"' in text):
        return False
    try:
        document = json.loads(text)
    except ValueError:
        return False
    return isinstance(document, dict) and isinstance(document.get("_aws"), dict) and "CloudWatchMetrics" in document["_aws"]


class WithoutMetrics(io.TextIOBase):
    """A text stream that passes every line on to `target` but the EMF documents.

    print() writes a line's text and its newline in separate calls, and the functions run on several threads:
    each thread's text is held until its newline, then the whole line is passed on (or left out)."""

    def __init__(self, target: IO[str]) -> None:
        self._target = target
        self._pending = threading.local()
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        held: str = getattr(self._pending, "text", "") + text
        *lines, rest = held.split("\n")
        self._pending.text = rest
        kept = "".join(line + "\n" for line in lines if not is_metric_document(line))
        if kept:
            with self._lock:
                self._target.write(kept)
        return len(text)

    def flush(self) -> None:
        held: str = getattr(self._pending, "text", "")
        if held and not held.lstrip().startswith("{"):  # a partial line that cannot be a metric document
            self._pending.text = ""
            with self._lock:
                self._target.write(held)
        self._target.flush()

    def fileno(self) -> int:
        return self._target.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target, "encoding", "utf-8")


def quiet(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """In this process: leave the metric documents and the warning out of stdout and stderr unless LOCAL_METRICS asks
    for them; children started afterwards inherit the warning filter (PYTHONWARNINGS). Returns whether it did."""
    if metrics_shown(environ):
        return False
    warnings.filterwarnings("ignore", message=NO_METRICS_WARNING, category=UserWarning)
    environ["PYTHONWARNINGS"] = ",".join(filter(None, (environ.get("PYTHONWARNINGS"), CHILD_WARNINGS)))
    if not isinstance(sys.stdout, WithoutMetrics):
        sys.stdout = WithoutMetrics(sys.stdout)
    return True


def forward(process: subprocess.Popen[Any]) -> threading.Thread:
    """Copy a child's piped stdout, line by line, to this process's stdout (through WithoutMetrics when quiet)."""

    def run() -> None:
        assert process.stdout is not None
        for raw in iter(process.stdout.readline, b""):
            sys.stdout.write(raw.decode("utf-8", "replace"))
            sys.stdout.flush()

    thread = threading.Thread(target=run, name=f"stdout-{process.pid}", daemon=True)
    thread.start()
    return thread
