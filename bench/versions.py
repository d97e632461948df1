"""Two versions of the code in one run: each in its own process, driven in turns so that load hits both alike.

The baseline is another commit's tree (`git archive`, extracted once into the bench cache, as bench/stream_cold.py
compares code assets): its `lambdas/`, `local/`, `infra/`, `tests/` and `cdk.json`, so it runs with its own local
stack, runtime config and handlers. Only the bench's own modules (this package) come from this checkout.
A worker is `python -m <bench module> --worker <code root>`: it reads one JSON command a line on stdin and answers
one JSON line; everything else it prints (the handlers' log and metric lines) goes to a log file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
# bench.bundle's cache; not imported from there: a worker must not import the project's packages (infra) before use_code.
_USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
CACHE = Path(os.environ.get("BENCH_CACHE") or _USER_CACHE / "bedrock-genai-stack" / "bench")
# main just before issue 14 was merged (the first parent of 53183c9 "Merge issue14: usage metering ..."): no metering.
BASELINE = os.environ.get("BENCH_BASELINE", "4326f8e48fcba857469680205574c4af59e7628b")
# What a local stack or the test set-up put in os.environ: a worker starts without them and sets its own.
_SET_BY_STACKS = (
    "RUNTIME_CONFIG_PATH",
    "TABLE_NAME",
    "USAGE_TABLE",
    "DOCUMENTS_BUCKET",
    "IMAGES_BUCKET",
    "KNOWLEDGE_BASE_ID",
    "DATA_SOURCE_ID",
    "GUARDRAIL_ID",
    "GUARDRAIL_VERSION",
    "ADMIN_GROUP",
)


def short(rev: str = BASELINE) -> str:
    return _git("rev-parse", "--short", f"{rev}^{{commit}}")


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout.strip()


def checkout(rev: str = BASELINE) -> Path:
    """The tree of `rev`, extracted with `git archive` into the bench cache (once per commit)."""
    sha = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    target = CACHE / f"code-{sha[:12]}"
    if (target / ".bench-complete").exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="code-", dir=CACHE))
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", sha], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(staging)], stdin=archive.stdout, check=True)
    if archive.wait():
        raise RuntimeError(f"git archive {sha} failed")
    (staging / ".bench-complete").write_text(sha, encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_")) and k not in _SET_BY_STACKS}


class Worker:
    def __init__(self, module: str, label: str, code: Path, log: IO[str]) -> None:
        self.label, self._log = label, log
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, "--worker", str(code)],
            cwd=ROOT,
            env=clean_environment(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )

    def ask(self, **command: Any) -> Any:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self._log.seek(0)
            raise RuntimeError(f"the {self.label} worker stopped (status {self.process.wait()}):\n{self._log.read()[-4000:]}")
        return json.loads(line)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def workers(module: str, codes: dict[str, Path]) -> Iterator[list[Worker]]:
    """One worker per version (label: code root), all started before the first command."""
    with ExitStack() as stack:
        running = []
        for label, code in codes.items():
            log = stack.enter_context(tempfile.TemporaryFile("w+", prefix="bench-worker-"))
            worker = Worker(module, label, code, log)
            stack.callback(worker.close)
            running.append(worker)
        yield running


_protocol: IO[str] | None = None


def start_worker(argv: list[str]) -> Path | None:
    """In a process started as a worker (`--worker <root>`): from now on the project's modules come from that code
    root, and all output but the answers goes to stderr. Returns the root; None when not started as a worker."""
    global _protocol
    if len(argv) < 3 or argv[1] != "--worker":
        return None
    code = Path(argv[2])
    imported = sorted(name for name in ("common", "chat", "rag", "image", "infra", "local", "tests") if name in sys.modules)
    if imported:
        raise RuntimeError(f"{imported} imported before the code root was chosen: they would come from this checkout")
    sys.path[:0] = [str(code / "lambdas"), str(code)]
    sys.stdout.flush()
    _protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    return code


def serve(handle: Callable[[dict[str, Any]], Any]) -> None:
    """In a worker: answer each command line on stdin with one JSON line."""
    assert _protocol is not None, "start_worker first"
    for line in sys.stdin:
        _protocol.write(json.dumps(handle(json.loads(line))) + "\n")
        _protocol.flush()
