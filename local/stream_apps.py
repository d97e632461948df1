"""The streaming functions on this machine, as the Lambda Web Adapter runs them in Lambda: `lambdas/run_stream.sh`
(uvicorn serving `STREAM_APP` on 127.0.0.1, port `AWS_LWA_PORT`), one process per function, ready once
`GET /healthz` answers (the adapter's readiness check polls every 10 ms)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from local.console import WithoutMetrics, forward

ROOT = Path(__file__).resolve().parent.parent
APPS = {"chat_stream": "chat.stream:app", "rag_stream": "rag.stream:app"}


@dataclass
class StreamApp:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _spawn(name: str, env: dict[str, str] | None) -> StreamApp:
    port = _free_port()
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # this interpreter is `python`
    environment = {
        **os.environ,
        **(env or {}),
        "STREAM_APP": APPS[name],
        "AWS_LWA_PORT": str(port),
        "POWERTOOLS_SERVICE_NAME": name,
        "PATH": path,
    }
    environment.pop("PYTHONPATH", None)  # the code directory is the working directory, as in Lambda
    quiet = isinstance(sys.stdout, WithoutMetrics)  # the stack leaves metric documents out of its terminal: theirs too
    if quiet:
        environment["PYTHONUNBUFFERED"] = "1"  # each line as it is printed, not when a pipe's buffer fills
    command = ["bash", str(ROOT / "lambdas" / "run_stream.sh")]
    process = subprocess.Popen(command, cwd=ROOT / "lambdas", env=environment, stdout=subprocess.PIPE if quiet else None)
    if quiet:
        forward(process)
    return StreamApp(name, f"http://127.0.0.1:{port}", process)


def _wait_ready(app: StreamApp, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            raise RuntimeError(f"{app.name} exited with status {app.process.returncode} before it was ready (see its log above)")
        try:
            with urllib.request.urlopen(f"{app.url}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.01)
    raise RuntimeError(f"{app.name} was not ready within {timeout:g} s")


def start_apps(env: dict[str, str] | None = None, names: tuple[str, ...] = tuple(APPS), *, timeout: float = 60) -> dict[str, StreamApp]:
    """The apps of `names`, each in its own process with this process's environment plus `env`, started side by
    side; returns once every one is ready."""
    started = {name: _spawn(name, env) for name in names}
    try:
        for app in started.values():
            _wait_ready(app, timeout)
    except RuntimeError:
        for app in started.values():
            app.stop()
        raise
    return started
