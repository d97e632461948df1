"""Cold start: fresh-process import + init of a handler module, against a bare boto3 + Powertools handler.

Each sample is a new Python process that times (inside itself) the imports and the client
creation a cold Lambda container does before its first request. Prints medians and the ratio.
Usage: python -m bench.cold_start [samples]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A bare Powertools function: the three utilities every handler here uses, and one boto3 client.
BASELINE = """
import time; t0 = time.perf_counter()
import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
logger, tracer, metrics = Logger(), Tracer(), Metrics()
client = boto3.client("bedrock-runtime")
print(time.perf_counter() - t0)
"""

HANDLER = """
import time; t0 = time.perf_counter()
import importlib
module = importlib.import_module("{module}")
{init}
print(time.perf_counter() - t0)
"""

INITS = {
    "chat.handler": "module._store(); module.runtime_client()",
    "rag.handler": "module._documents(); module.runtime_client(); module.agent_runtime_client(); module.query.warm()",
    "image.handler": "module._s3(); module.runtime_client(); module.runtime_client(module.config.image_region)",
}


def _sample(code: str, env: dict[str, str]) -> float:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def measure(samples: int = 15) -> dict[str, float]:
    from tests.conftest import _runtime_config_file

    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}:{ROOT / 'lambdas'}",
        "AWS_REGION": "us-west-2",
        "AWS_DEFAULT_REGION": "us-west-2",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "TABLE_NAME": "bench",
        "DOCUMENTS_BUCKET": "bench",
        "KNOWLEDGE_BASE_ID": "bench",
        "DATA_SOURCE_ID": "bench",
        "IMAGES_BUCKET": "bench",
        "GUARDRAIL_ID": "bench",
        "GUARDRAIL_VERSION": "1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "RUNTIME_CONFIG_PATH": _runtime_config_file(),
    }
    results = {"baseline (boto3 + Powertools L/T/M)": statistics.median(_sample(BASELINE, env) for _ in range(samples))}
    for module, init in INITS.items():
        code = HANDLER.format(module=module, init=init)
        results[module] = statistics.median(_sample(code, env) for _ in range(samples))
    return results


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    results = measure(samples)
    baseline = next(iter(results.values()))
    print(f"cold import + init, median of {samples} fresh processes ({sys.version.split()[0]})")
    for name, seconds in results.items():
        print(f"  {name:<32} {seconds * 1000:7.1f} ms   {seconds / baseline:4.2f}x baseline")
    print(json.dumps({k: round(v * 1000, 1) for k, v in results.items()}))


if __name__ == "__main__":
    main()
