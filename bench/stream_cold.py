"""Cold start of the streaming functions: what the Lambda Web Adapter does at init and at the first invocation.

Each sample is a fresh `python -I -S` process with the function's sys.path (code asset, its layers incl. the
stream layer, the runtime's boto3: bench.bundle) that runs `python -m uvicorn $STREAM_APP` exactly as
`lambdas/run_stream.sh` does. This process then does what the adapter does: polls `GET /healthz` (every
2 ms here; the adapter polls every 10 ms) and, once it answers, sends the first request with the adapter's
`x-amzn-request-context` (the caller's claims) and `x-amzn-lambda-context` headers, straight to the app.
* import+init: from the child's first line to /healthz answering (uvicorn, the Starlette app module and its
  settings imported, the socket listening): what the adapter waits for before the function is ready;
* first request: to the first byte of the first POST's answer (the `start` event: the model call is open);
* whole answer: to the end of that first stream (zero-latency offline Bedrock).
Times are CLOCK_MONOTONIC in both processes (perf_counter), from the same point as bench.cold_start's
samples (after the interpreter started), so they compare with its baseline, measured in the same run with
samples interleaved: a bare Powertools handler's import+init and first request (bench/cold_start.py); its row with
pydantic validation and the buffered chat function are shown beside.
Usage: python -m bench.stream_cold [samples]
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench import cold_start
from bench.bundle import LAMBDAS_DIR, import_path
from bench.sse_client import post_stream
from bench.stack import local_stack

# The child: bench.cold_start's preamble (t0, sys.path), then `python -m uvicorn` as run_stream.sh runs it.
UVICORN = """
print(f"BENCH_T0 {t0!r}", flush=True)
import runpy
sys.argv = ["uvicorn", os.environ["STREAM_APP"], "--host", "127.0.0.1", "--port", os.environ["AWS_LWA_PORT"],
            "--no-access-log", "--log-level", "warning"]
runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)
"""

STREAMS = {
    "chat_stream": ("chat.stream:app", "/chat/stream", {"message": "안녕하세요, 오늘 할 일을 정리해 주세요."}),
    "rag_stream": ("rag.stream:app", "/rag/query/stream", {"question": "재택 근무는 며칠 가능한가요?"}),
}
BASELINES = ("baseline", "baseline + validation", "chat")  # bench.cold_start's rows measured beside (chat: the buffered function)
POLL_SECONDS = 0.002


@dataclass(frozen=True)
class Sample:
    init: float  # to /healthz answering (stream) or the end of import+init (baseline)
    first: float  # to the first byte of the first answer (stream) or the handler's return (baseline)
    whole: float  # to the end of the first answer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ready(url: str, process: subprocess.Popen[str], timeout: float = 60) -> float:
    """perf_counter when `url` first answered 200."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with status {process.returncode} before it was ready:\n{process.stderr.read()[-4000:]}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return time.perf_counter()
        except (urllib.error.URLError, OSError):
            time.sleep(POLL_SECONDS)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")


def adapter_headers(function: str, path: str) -> dict[str, str]:
    """What the adapter adds to the request: the REST event's requestContext (claims included) and the invocation."""
    from tests.events import rest_event

    context = rest_event("POST", path, sub="bench")["requestContext"]
    invocation = {
        "request_id": context["requestId"],
        "deadline": int((time.time() + 900) * 1000),
        "invoked_function_arn": f"arn:aws:lambda:us-west-2:000000000000:function:{function}",
    }
    return {"x-amzn-request-context": json.dumps(context), "x-amzn-lambda-context": json.dumps(invocation)}


def stream_sample(function: str, env: dict[str, str], code: Path = LAMBDAS_DIR) -> Sample:
    """One fresh app process; `code`: the code asset (another checkout's `lambdas/`, to compare two versions)."""
    if time.get_clock_info("perf_counter").implementation != "clock_gettime(CLOCK_MONOTONIC)":
        raise RuntimeError("this bench compares perf_counter across processes: it needs CLOCK_MONOTONIC (Linux)")
    app, path, body = STREAMS[function]
    port = _free_port()
    path_entries = [str(code) if entry == str(LAMBDAS_DIR) else entry for entry in import_path(function)]
    child_env = {
        **env,
        "BENCH_PATH": json.dumps(path_entries),
        "STREAM_APP": app,
        "AWS_LWA_PORT": str(port),
        "POWERTOOLS_SERVICE_NAME": function,
    }
    child = cold_start.PREAMBLE + UVICORN
    process = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", child], cwd=code, env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith("BENCH_T0 "):
            raise RuntimeError(f"{function}: the app did not start:\n{line}{process.stderr.read()[-4000:] if process.stderr else ''}")
        t0 = float(line.split()[1])
        ready = _ready(f"http://127.0.0.1:{port}/healthz", process)
        sent = time.perf_counter()
        answer = post_stream(f"http://127.0.0.1:{port}{path}", body, adapter_headers(function, path))
        if answer.status != 200 or not answer.kinds() or answer.kinds()[-1] != "done":
            raise RuntimeError(f"{function}: the first request answered {answer.status} {answer.kinds()} {answer.body[:500]!r}")
        return Sample(ready - t0, sent + answer.first_byte - t0, sent + answer.times[-1][0] - t0)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(samples: int) -> dict[str, dict[str, float]]:
    """Median seconds per row (init, first, whole), the baselines' and the stream functions' samples interleaved."""
    from common.runtime_config import runtime_config

    env = {**os.environ, "BENCH_MODEL": runtime_config().default_chat_model}
    baselines = [case for case in cold_start.CASES if case.name in BASELINES]
    collected: dict[str, list[Sample]] = {name: [] for name in (*BASELINES, *STREAMS)}
    for _ in range(samples):
        for case in baselines:
            got = cold_start._sample(case, env)
            collected[case.name].append(Sample(got.init, got.first, got.first))
        for function in STREAMS:
            collected[function].append(stream_sample(function, env))
    return {
        name: {key: statistics.median(getattr(s, key) for s in runs) for key in ("init", "first", "whole")}
        for name, runs in collected.items()
    }


TARGET = 1.3  # issue 13: the streaming function's cold start at most 1.3x the bare Powertools baseline


def lines(results: dict[str, dict[str, float]], samples: int) -> list[str]:
    base = results["baseline"]
    out = [
        f"streaming functions' cold start, median of {samples} fresh processes per row, interleaved (ratio to the baseline; "
        f"target {TARGET}x)"
    ]
    out.append(f"  {'':<22} {'import+init':>12} {'ratio':>6} {'first request':>14} {'ratio':>6} {'whole answer':>13} {'ratio':>6}")
    for name, fig in results.items():
        label = {"chat": "chat (buffered)", "chat_stream": "chat_stream (uvicorn)", "rag_stream": "rag_stream (uvicorn)"}.get(name, name)
        out.append(
            f"  {label:<22} {fig['init'] * 1000:>9.0f} ms {fig['init'] / base['init']:>5.2f}x"
            f" {fig['first'] * 1000:>11.0f} ms {fig['first'] / base['first']:>5.2f}x"
            f" {fig['whole'] * 1000:>10.0f} ms {fig['whole'] / base['first']:>5.2f}x"
        )
    out.append(
        "  stream rows: import+init = until GET /healthz answers; first request = the first answer's first byte; "
        "baselines: the handler's return"
    )
    return out


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with local_stack():
        results = measure(samples)
    print("\n".join(lines(results, samples)))
    print(json.dumps({name: {k: round(v * 1000, 1) for k, v in fig.items()} for name, fig in results.items()}))


if __name__ == "__main__":
    main()
