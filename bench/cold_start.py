"""Cold start: a fresh process imports a handler with its bundled dependencies, then serves one request.

Each sample is a new `python -I -S` process whose sys.path is what the function has on Lambda: the
code asset, its layers (bench.bundle: the same requirements and pins, built for this machine) and
boto3 as the runtime provides it, and nothing from the dev venv. Inside, it times
* import+init: what Lambda's init phase runs (module import; the baseline also creates its client);
* first request: init plus one API Gateway event through the handler against the local stack
  (zero-latency offline Bedrock, moto), and the same less the time inside AWS HTTP calls ("own").
Baseline: a bare Powertools handler (Logger, Tracer, Metrics, APIGatewayRestResolver, one boto3
client; one route that makes one Converse call), measured the same way in the same run.
A second baseline without Tracer and Metrics is printed too: the X-Ray SDK's import (~0.3 s: its
sampler builds two botocore clients) is Powertools' cost, paid by both sides alike.
Usage: python -m bench.cold_start [samples]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from bench.bundle import import_path
from bench.stack import local_stack

PREAMBLE = """
import json, os, sys, time
t0 = time.perf_counter()
sys.path[:0] = json.loads(os.environ["BENCH_PATH"])
"""

# Measuring only: time inside botocore's HTTP send (network + the local servers' work).
REQUEST = """
from botocore.httpsession import URLLib3Session
_send, _inside = URLLib3Session.send, [0.0]
def _timed(session, request):
    started = time.perf_counter()
    try:
        return _send(session, request)
    finally:
        _inside[0] += time.perf_counter() - started
URLLib3Session.send = _timed
class Context:
    function_name, memory_limit_in_mb, aws_request_id = "bench", 512, "bench-request"
    invoked_function_arn = "arn:aws:lambda:us-west-2:000000000000:function:bench"
    def get_remaining_time_in_millis(self): return 29000
response = handler(json.loads(os.environ["BENCH_EVENT"]), Context())
t2 = time.perf_counter()
print("BENCH " + json.dumps({"init": t1 - t0, "first": t2 - t0, "own": t2 - t0 - _inside[0], "status": response["statusCode"]}))
"""

BASELINE = """
import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
logger, tracer, metrics = Logger(), Tracer(), Metrics()
app = APIGatewayRestResolver()
client = boto3.client("bedrock-runtime")

@app.post("/chat")
def chat():
    message = [{"role": "user", "content": [{"text": app.current_event.json_body["message"]}]}]
    answer = client.converse(modelId=os.environ["BENCH_MODEL"], messages=message)
    return {"content": "".join(block.get("text", "") for block in answer["output"]["message"]["content"])}

@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event, context):
    return app.resolve(event, context)
t1 = time.perf_counter()
"""

MINIMAL = """
import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
logger = Logger()
app = APIGatewayRestResolver()
client = boto3.client("bedrock-runtime")

@app.post("/chat")
def chat():
    message = [{"role": "user", "content": [{"text": app.current_event.json_body["message"]}]}]
    answer = client.converse(modelId=os.environ["BENCH_MODEL"], messages=message)
    return {"content": "".join(block.get("text", "") for block in answer["output"]["message"]["content"])}

@logger.inject_lambda_context
def handler(event, context):
    return app.resolve(event, context)
t1 = time.perf_counter()
"""

# The baseline with the one feature every handler here keeps: Powertools' pydantic validation.
VALIDATING = (
    BASELINE.replace("APIGatewayRestResolver()", "APIGatewayRestResolver(enable_validation=True)")
    .replace(
        'def chat():\n    message = [{"role": "user", "content": [{"text": app.current_event.json_body["message"]}]}]',
        'def chat(request: Message) -> dict:\n    message = [{"role": "user", "content": [{"text": request.message}]}]',
    )
    .replace("@app.post", "from pydantic import BaseModel\nclass Message(BaseModel):\n    message: str\n\n@app.post", 1)
)

HANDLER = """
import importlib
handler = importlib.import_module("{module}").handler
t1 = time.perf_counter()
"""


@dataclass(frozen=True)
class Case:
    name: str
    function: str | None  # whose layers are on the path (None: the core layer only)
    code: str
    path: str
    body: dict[str, Any]


CASES = (
    Case("baseline", None, BASELINE, "/chat", {"message": "안녕하세요, 오늘 할 일을 정리해 주세요."}),
    Case("baseline (Logger only)", None, MINIMAL, "/chat", {"message": "안녕하세요, 오늘 할 일을 정리해 주세요."}),
    Case("baseline + validation", None, VALIDATING, "/chat", {"message": "안녕하세요, 오늘 할 일을 정리해 주세요."}),
    Case("chat", "chat", HANDLER.format(module="chat.handler"), "/chat", {"message": "안녕하세요, 오늘 할 일을 정리해 주세요."}),
    Case("rag", "rag", HANDLER.format(module="rag.handler"), "/rag/query", {"question": "재택 근무는 며칠 가능한가요?"}),
    Case("image", "image", HANDLER.format(module="image.handler"), "/images", {"prompt": "a lighthouse at dawn, watercolor"}),
)


@dataclass(frozen=True)
class Sample:
    init: float
    first: float
    own: float


def _sample(case: Case, env: dict[str, str]) -> Sample:
    from tests.events import rest_event

    env = {
        **env,
        "BENCH_PATH": json.dumps(import_path(case.function)),
        "BENCH_EVENT": json.dumps(rest_event("POST", case.path, body=case.body)),
    }
    code = PREAMBLE + case.code + REQUEST
    result = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, env=env, check=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    if result.returncode or not lines:
        raise RuntimeError(f"{case.name}: the sample failed\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    figures = json.loads(lines[-1][6:])
    if figures["status"] != 200:
        raise RuntimeError(f"{case.name}: the first request answered {figures['status']}\n{result.stdout[-2000:]}")
    return Sample(figures["init"], figures["first"], figures["own"])


def measure(samples: int, outputs: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Median seconds per case: init, first (request, total) and own (first less time in AWS HTTP calls)."""
    del outputs  # the stack's endpoints and names are in os.environ
    from common.runtime_config import runtime_config

    env = {**os.environ, "BENCH_MODEL": runtime_config().default_chat_model}
    collected: dict[str, list[Sample]] = {case.name: [] for case in CASES}
    for _ in range(samples):  # interleaved, so a burst of load elsewhere hits every case alike
        for case in CASES:
            collected[case.name].append(_sample(case, env))
    return {
        name: {
            "init": statistics.median(s.init for s in runs),
            "first": statistics.median(s.first for s in runs),
            "own": statistics.median(s.own for s in runs),
        }
        for name, runs in collected.items()
    }


def lines(results: dict[str, dict[str, float]], samples: int) -> list[str]:
    base = results["baseline"]
    out = [f"cold start, median of {samples} fresh processes per row (bundled dependencies only; ratio to the baseline)"]
    out.append(f"  {'':<24} {'import+init':>12} {'ratio':>6} {'first request':>14} {'ratio':>6} {'first, own code':>16} {'ratio':>6}")
    for name, fig in results.items():
        out.append(
            f"  {name:<24} {fig['init'] * 1000:>9.0f} ms {fig['init'] / base['init']:>5.2f}x"
            f" {fig['first'] * 1000:>11.0f} ms {fig['first'] / base['first']:>5.2f}x"
            f" {fig['own'] * 1000:>13.0f} ms {fig['own'] / base['own']:>5.2f}x"
        )
    return out


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with local_stack() as outputs:
        results = measure(samples, outputs)
    print("\n".join(lines(results, samples)))
    print(json.dumps({name: {k: round(v * 1000, 1) for k, v in fig.items()} for name, fig in results.items()}))


if __name__ == "__main__":
    main()
