"""Run a local server as a child process until a block ends: the local stack (`python -m local.stack`,
what `make dev` runs) on free ports for the tests and the benchmarks, or any server that says it is
ready by writing a file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def launched(
    command: list[str], ready_file: Path, *, env: dict[str, str] | None = None, log: Path | None = None, timeout: float = 90
) -> Iterator[Path]:
    """Start `command`; yield `ready_file` once the process has written it; SIGTERM it (kill after 30 s) at the end."""
    ready_file.unlink(missing_ok=True)  # a file left by an earlier run must not pass for this one's
    output = log.open("w", encoding="utf-8") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + timeout
        while not ready_file.exists():
            if process.poll() is not None or time.time() > deadline:
                tail = log.read_text(encoding="utf-8")[-4000:] if log else ""
                raise RuntimeError(f"{' '.join(command)} did not start: {tail}")
            time.sleep(0.1)
        yield ready_file
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            print(f"{' '.join(command)} did not stop within 30 s of SIGTERM: killed", file=sys.stderr)
        if log:
            output.close()  # type: ignore[union-attr]


@contextmanager
def running_stack(state: Path, extra_env: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """`python -m local.stack` with its state in `state`, on free ports; yields its outputs.json (log: state/stack.log)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env.update(LOCAL_STATE_DIR=str(state), LOCAL_API_PORT="0", LOCAL_AWS_PORT="0", LOCAL_BEDROCK_PORT="0", **(extra_env or {}))
    state.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "local.stack"]
    with launched(command, state / "outputs.json", env=env, log=state / "stack.log") as outputs:
        yield json.loads(outputs.read_text(encoding="utf-8"))


def start_ui(outputs: Path, port: str | None) -> subprocess.Popen[bytes] | None:
    """The Streamlit UI beside the stack (`make dev` sets LOCAL_UI_PORT; unset or `off`: no UI)."""
    if not port or port == "off":
        return None
    command = [sys.executable, "-m", "ui", "--port", port]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "GENAI_OUTPUTS": str(outputs)}, stdout=subprocess.DEVNULL)
    print(f"  UI:        http://127.0.0.1:{port}/  (Streamlit; sign in as a user above)")
    return process
