"""Local throughput: requests/s and latency through the local gateway with 8, 16 and 32 clients.

Starts the local stack in its own process (`python -m local.stack`, what `make dev` runs), signs the
demo user in (USER_PASSWORD_AUTH against the local Cognito), then each client thread of this process
sends GET /models and POST /chat in turn over HTTP. Baseline, in the same run: the same load against a
trivial endpoint on the same kind of loopback server (local/http.py), also in its own process.
Every request must answer 200: errors are counted and printed. Clients and servers share the
machine's cores: figures are for comparison, not capacity planning.
Usage: python -m bench.throughput [requests_per_run]
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from bench.stack import call, sign_in, stack_process
from bench.warm import percentile
from local.launch import launched

CLIENTS = (8, 16, 32)


def run(clients: int, total: int, request: Callable[[int], int]) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        nonlocal errors
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            started = time.perf_counter()
            try:
                status = request(index)
            except OSError:
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += status != 200
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {
        "rps": total / seconds,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "errors": errors,
        "statuses": statuses,
    }


def measure(total: int, outputs: dict[str, Any]) -> dict[str, dict[int, dict[str, Any]]]:
    import tempfile
    from pathlib import Path

    results: dict[str, dict[int, dict[str, Any]]] = {"baseline: trivial endpoint": {}, "gateway: /models + /chat": {}}
    with (
        tempfile.TemporaryDirectory(prefix="bench-trivial-") as folder,
        launched([sys.executable, "-m", "bench.trivial", str(Path(folder) / "address")], Path(folder) / "address") as address_file,
    ):
        trivial = address_file.read_text(encoding="utf-8")
        token = sign_in(outputs)
        api = outputs["ApiUrl"]

        def product(index: int) -> int:
            if index % 2:
                return call(api + "chat", token, "POST", {"message": f"질문 {index}: 오늘 할 일을 정리해 주세요."})[0]
            return call(api + "models", token)[0]

        def baseline(index: int) -> int:
            return call(f"{trivial}/ping", token, "POST" if index % 2 else "GET", {"n": index} if index % 2 else None)[0]

        for clients in CLIENTS:
            results["baseline: trivial endpoint"][clients] = run(clients, total, baseline)
            results["gateway: /models + /chat"][clients] = run(clients, total, product)
    return results


def lines(results: dict[str, dict[int, dict[str, Any]]], total: int) -> list[str]:
    base = results["baseline: trivial endpoint"]
    out = [f"local throughput, {total} requests per row (half GET /models, half POST /chat), new connection per request"]
    out.append(f"  {'':<28} {'clients':>7} {'req/s':>8} {'p50':>9} {'p95':>9} {'p99':>9} {'errors':>6} {'req/s vs baseline':>18}")
    for name, rows in results.items():
        for clients, fig in rows.items():
            out.append(
                f"  {name:<28} {clients:>7} {fig['rps']:>8.1f} {fig['p50']:>6.1f} ms {fig['p95']:>6.1f} ms {fig['p99']:>6.1f} ms"
                f" {fig['errors']:>6.0f} {fig['rps'] / base[clients]['rps']:>17.2f}x"
            )
    return out


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    with stack_process() as outputs:
        results = measure(total, outputs)
    print("\n".join(lines(results, total)))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
