"""Start `python -m local.stack` (what `make dev` runs) as a subprocess on free ports."""

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

ROOT = Path(__file__).resolve().parents[2]


def local_env(state: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "LOCAL_STATE_DIR": str(state), "LOCAL_API_PORT": "0", "LOCAL_AWS_PORT": "0", "LOCAL_BEDROCK_PORT": "0", **extra}
    for key in [k for k in env if k.startswith("AWS_ENDPOINT_URL")]:
        env.pop(key)
    return env


@contextmanager
def local_stack(state: Path, timeout: float = 60) -> Iterator[dict[str, Any]]:
    """The running stack's outputs; stopped with SIGTERM (as Ctrl-C would) when the block ends."""
    outputs = state / "outputs.json"
    outputs.unlink(missing_ok=True)
    process = subprocess.Popen([sys.executable, "-m", "local.stack"], cwd=ROOT, env=local_env(state),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    deadline = time.time() + timeout
    while not outputs.exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.2)
    if not outputs.exists():
        process.kill()
        raise RuntimeError(f"local stack did not start: {process.stdout.read() if process.stdout else ''}")
    try:
        yield json.loads(outputs.read_text(encoding="utf-8"))
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
