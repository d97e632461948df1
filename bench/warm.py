"""Warm overhead: time spent in our code per request, against a bare boto3 call to the same simulator.

The real handlers run in this process against the local stack (moto, the offline Bedrock at zero
latency), called directly with API Gateway events. Each request's wall time is split into the time
inside AWS HTTP calls (bench.timing: botocore's HTTP send, measured, never faked) and the rest, our
own code plus botocore's client-side work. Baseline: one bare `bedrock-runtime` Converse call to the
same simulator, timed the same way.
Then what metering (issue 14) adds: the same routes through this code and through the code before metering
(bench.versions: the baseline commit's tree from `git archive`), each version in its own process with its own local
stack, blocks of requests alternating between the two, own time measured the same way.
Usage: python -m bench.warm [requests]
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from bench import versions
from bench.stack import local_stack
from bench.timing import HttpTimer

ROUTES = {
    "/chat": ("chat", {"message": "안녕하세요, 오늘 할 일을 정리해 주세요."}),
    "/rag/query": ("rag", {"question": "재택 근무는 며칠 가능한가요?"}),
    "/images": ("image", {"prompt": "a lighthouse at dawn, watercolor"}),
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _timed(call: Callable[[], Any], timer: HttpTimer) -> tuple[float, float, int]:
    timer.reset()
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the handlers' metric lines
        call()
    total = time.perf_counter() - started
    return total, total - timer.seconds, timer.calls


def _series(call: Callable[[], Any], timer: HttpTimer, requests: int) -> dict[str, float]:
    for _ in range(3):
        call()  # warm: clients created, models built
    return _figures([_timed(call, timer) for _ in range(requests)])


def _figures(runs: list[tuple[float, float, int]]) -> dict[str, float]:
    totals, own = [r[0] * 1000 for r in runs], [r[1] * 1000 for r in runs]
    return {
        "p50_total": statistics.median(totals),
        "p95_total": percentile(totals, 95),
        "p50_own": statistics.median(own),
        "p95_own": percentile(own, 95),
        "http_calls": statistics.median(r[2] for r in runs),
    }


def _route_calls() -> dict[str, Callable[[], None]]:
    """Each route's request through its handler (the code root on sys.path), failing on any answer but 200."""
    from chat import handler as chat
    from image import handler as image
    from rag import handler as rag
    from tests.events import FakeContext, rest_event

    handlers = {"chat": chat.handler, "rag": rag.handler, "image": image.handler}
    calls: dict[str, Callable[[], None]] = {}
    for path, (function, body) in ROUTES.items():

        def call(path: str = path, function: str = function, body: dict[str, Any] = body) -> None:
            response = handlers[function](rest_event("POST", path, body=body, sub="bench"), FakeContext(function))
            if response["statusCode"] != 200:
                raise RuntimeError(f"{path} answered {response['statusCode']}: {response['body'][:300]}")

        calls[path] = call
    return calls


def _count(path: str, requests: int) -> int:
    return requests if path == "/chat" else max(20, requests // 4)


def measure(requests: int) -> dict[str, dict[str, float]]:
    import boto3

    from common.runtime_config import runtime_config

    timer = HttpTimer().install()
    bare = boto3.client("bedrock-runtime")
    model = runtime_config().default_chat_model
    message = [{"role": "user", "content": [{"text": ROUTES["/chat"][1]["message"]}]}]
    results = {"baseline: bare Converse": _series(lambda: bare.converse(modelId=model, messages=message), timer, requests)}
    for path, call in _route_calls().items():
        results[path] = _series(call, timer, _count(path, requests))
    return results


def lines(results: dict[str, dict[str, float]], requests: int) -> list[str]:
    base = results["baseline: bare Converse"]
    out = [f"warm requests in-process, zero-latency simulator ({requests} for /chat and the baseline, fewer for RAG/images)"]
    out.append(f"  {'':<24} {'HTTP calls':>10} {'total p50':>10} {'own p50':>9} {'own p95':>9} {'own p50 / bare call p50':>24}")
    for name, fig in results.items():
        out.append(
            f"  {name:<24} {fig['http_calls']:>10.0f} {fig['p50_total']:>7.1f} ms {fig['p50_own']:>6.1f} ms {fig['p95_own']:>6.1f} ms"
            f" {fig['p50_own'] / base['p50_total']:>23.2f}x"
        )
    return out


BLOCK = 10  # requests per turn of one version before the other's
TARGET_ADDED_MS = 2.0  # issue 14: metering adds at most 2 ms p50 own time per warm /chat


class Routes:
    """A worker's local stack (its code root's `local.stack`) and warm handlers."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._stack.enter_context(local_stack())
        self.timer = HttpTimer().install()
        self.calls = _route_calls()
        for call in self.calls.values():
            for _ in range(3):
                call()  # warm: clients created, models built

    def run(self, path: str, n: int) -> list[tuple[float, float, int]]:
        return [_timed(self.calls[path], self.timer) for _ in range(n)]

    def close(self) -> None:
        self._stack.close()


def compare(requests: int) -> dict[str, dict[str, dict[str, float]]]:
    """Own time per route, this code and the code before metering, each in its own process with its own local stack;
    blocks of BLOCK requests alternate between the two (the first of each pair alternates too)."""
    codes = {"before": versions.checkout(), "metering": versions.ROOT}
    samples: dict[str, dict[str, list[tuple[float, float, int]]]] = {label: {path: [] for path in ROUTES} for label in codes}
    with versions.workers("bench.warm", codes) as running:
        for worker in running:
            worker.ask(command="start")
        for path in ROUTES:
            count = _count(path, requests)
            for block in range(math.ceil(count / BLOCK)):
                for worker in running if block % 2 == 0 else running[::-1]:
                    runs = worker.ask(command="run", path=path, n=min(BLOCK, count - block * BLOCK))
                    samples[worker.label][path] += [tuple(r) for r in runs]
    return {label: {path: _figures(runs) for path, runs in by_path.items()} for label, by_path in samples.items()}


def compare_lines(results: dict[str, dict[str, dict[str, float]]], requests: int) -> list[str]:
    base, now = results["before"], results["metering"]
    out = [
        f"own time with metering beside {versions.short()} (main before metering): each version in its own process and local stack, "
        f"{requests} requests for /chat (fewer for RAG/images), blocks of {BLOCK} alternating"
    ]
    out.append(f"  {'':<22} {'HTTP calls':>10} {'total p50':>10} {'own p50':>9} {'own p95':>9}")
    for path in ROUTES:
        for label, fig in (("before", base[path]), ("metering", now[path])):
            out.append(
                f"  {path + ' ' + label:<22} {fig['http_calls']:>10.0f} {fig['p50_total']:>7.1f} ms {fig['p50_own']:>6.1f} ms"
                f" {fig['p95_own']:>6.1f} ms"
            )
        p50, p95 = now[path]["p50_own"] - base[path]["p50_own"], now[path]["p95_own"] - base[path]["p95_own"]
        verdict = f"  target <= {TARGET_ADDED_MS:g} ms p50: {'met' if p50 <= TARGET_ADDED_MS else 'MISSED'}" if path == "/chat" else ""
        calls = now[path]["http_calls"] - base[path]["http_calls"]
        out.append(f"  {path + ' added':<22} {calls:>+10.0f} {'':>10} {p50:>+6.1f} ms {p95:>+6.1f} ms{verdict}")
    return out


def main() -> None:
    if versions.start_worker(sys.argv) is not None:
        routes = Routes()
        try:
            versions.serve(lambda command: routes.run(command["path"], int(command["n"])) if command["command"] == "run" else "ready")
        finally:
            routes.close()
        return
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with local_stack():
        results = measure(requests)
    compared = compare(requests)
    print("\n".join(lines(results, requests)))
    print("\n".join(compare_lines(compared, requests)))
    print(json.dumps({k: {n: round(v, 2) for n, v in fig.items()} for k, fig in results.items()}))
    rounded = {
        label: {path: {n: round(v, 2) for n, v in fig.items()} for path, fig in figures.items()} for label, figures in compared.items()
    }
    print(json.dumps(rounded))


if __name__ == "__main__":
    main()
