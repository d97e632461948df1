"""Warm overhead: time spent in our code per request, against a bare boto3 call to the same simulator.

The real handlers run in this process against the local stack (moto, the offline Bedrock at zero
latency), called directly with API Gateway events. Each request's wall time is split into the time
inside AWS HTTP calls (bench.timing: botocore's HTTP send, measured, never faked) and the rest, our
own code plus botocore's client-side work. Baseline: one bare `bedrock-runtime` Converse call to the
same simulator, timed the same way.
Usage: python -m bench.warm [requests]
"""

from __future__ import annotations

import contextlib
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

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
    runs = [_timed(call, timer) for _ in range(requests)]
    totals, own = [r[0] * 1000 for r in runs], [r[1] * 1000 for r in runs]
    return {
        "p50_total": statistics.median(totals), "p95_total": percentile(totals, 95),
        "p50_own": statistics.median(own), "p95_own": percentile(own, 95), "http_calls": statistics.median(r[2] for r in runs),
    }  # fmt: skip


def measure(requests: int) -> dict[str, dict[str, float]]:
    import boto3

    from chat import handler as chat
    from common.runtime_config import runtime_config
    from image import handler as image
    from rag import handler as rag
    from tests.events import FakeContext, rest_event

    timer = HttpTimer().install()
    handlers = {"chat": chat.handler, "rag": rag.handler, "image": image.handler}
    bare = boto3.client("bedrock-runtime")
    model = runtime_config().default_chat_model
    message = [{"role": "user", "content": [{"text": ROUTES["/chat"][1]["message"]}]}]
    results = {"baseline: bare Converse": _series(lambda: bare.converse(modelId=model, messages=message), timer, requests)}
    for path, (function, body) in ROUTES.items():

        def call(path: str = path, function: str = function, body: dict[str, Any] = body) -> None:
            response = handlers[function](rest_event("POST", path, body=body, sub="bench"), FakeContext(function))
            if response["statusCode"] != 200:
                raise RuntimeError(f"{path} answered {response['statusCode']}: {response['body'][:300]}")

        results[path] = _series(call, timer, requests if function == "chat" else max(20, requests // 4))
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


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with local_stack():
        results = measure(requests)
    print("\n".join(lines(results, requests)))
    print(json.dumps({k: {n: round(v, 2) for n, v in fig.items()} for k, fig in results.items()}))


if __name__ == "__main__":
    main()
