"""Added time to first token: the streaming routes through the local gateway against a bare ConverseStream call.

The stack runs in its own process, as `make dev` runs it (the local gateway with its token check, the streaming
functions' apps each in a uvicorn process of its own, moto, the offline Bedrock), once per guardrail stream mode:
`sync` and `async` (config `guardrail.stream_processing_mode`, given as an override file, LOCAL_CONFIG; `async` with
every ANONYMIZE action of cdk.json's policy turned to BLOCK, since Bedrock does not mask in async mode and synth
refuses the combination). The offline Bedrock is paced over its HTTP control (`POST /_sim/model`, PACE): the same
time to first token and per-token pace for every call.

Per stack, warm (a few requests of each kind first), N rounds, each interleaved so that load hits every row alike:
* bare ConverseStream: boto3's `converse_stream` from this process straight to the offline Bedrock, with the exact
  request the route sends (read back from the simulator's `GET /_sim/requests`: same model, messages, system
  prompt, settings, guardrail and stream mode, so the same reply in the same guardrail batches);
* POST /chat/stream through the gateway with the demo user's ID token;
* the same two for RAG (its ConverseStream request, and POST /rag/query/stream, whose retrieval comes first).
Time to first token: from sending the request to the first text (`contentBlockDelta` text / the first `delta`
event). "Added" is the route's percentile less the bare call's. In `sync` mode Bedrock holds text back until a
batch is checked (the simulator: 200 characters, docs/local-bedrock.md#streaming), which both sides wait for alike.
Usage: python -m bench.stream_ttft [requests]
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from bench.sse_client import post_stream, summary
from bench.stack import _wait_for_ingestion, sign_in, stack_process

PACE = {"first_token_ms": 200, "token_ms": 4, "reply_tokens": 100}  # 200 ms to the first token, then 250 tokens/s
TARGET_MS = 30.0  # issue 13: at most 30 ms p50 added by the gateway and the function
ROUTES = {
    "chat": ("chat/stream", {"message": "안녕하세요, 오늘 할 일을 정리해 주세요."}),
    "rag": ("rag/query/stream", {"question": "재택 근무는 며칠 가능한가요?"}),
}
WARM = 3
MODES = ("sync", "async")


def mode_config(mode: str) -> dict[str, Any]:
    """The override file of a stack in `mode`: async can only run a policy that masks nothing (BLOCK instead)."""
    if mode == "sync":
        return {"guardrail": {"stream_processing_mode": "sync"}}
    from local.resources import local_config

    policy = local_config().guardrail
    pii = {name: "BLOCK" if action == "ANONYMIZE" else action for name, action in policy.pii_entities.items()}
    regexes = [{**r.model_dump(mode="json"), "action": "BLOCK" if r.action == "ANONYMIZE" else r.action} for r in policy.regexes]
    return {"guardrail": {"stream_processing_mode": "async", "pii_entities": pii, "regexes": regexes}}


def _sim(outputs: dict[str, Any], method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(outputs["BedrockEndpoint"] + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"null")


def _bare_client(outputs: dict[str, Any]) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "bedrock-runtime",
        endpoint_url=outputs["BedrockEndpoint"],
        region_name=outputs["Region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60),
    )


def bare_ttft(client: Any, params: dict[str, Any]) -> float:
    """Seconds to the first text of a ConverseStream call (its stream read to the end)."""
    started = time.perf_counter()
    first = None
    for event in client.converse_stream(**params)["stream"]:
        if first is None and event.get("contentBlockDelta", {}).get("delta", {}).get("text"):
            first = time.perf_counter() - started
    if first is None:
        raise RuntimeError("the bare ConverseStream call streamed no text")
    return first


def route_ttft(outputs: dict[str, Any], token: str, route: str) -> tuple[float, float]:
    """Seconds to the `start` event and to the first `delta` of one request through the gateway."""
    path, body = ROUTES[route]
    answer = post_stream(outputs["ApiUrl"] + path, body, {"Authorization": token})
    if answer.status != 200 or "delta" not in answer.kinds() or answer.kinds()[-1] != "done":
        raise RuntimeError(f"POST /{path} answered {answer.status} {answer.kinds()} {answer.body[:500]!r}")
    return answer.first("start"), answer.first("delta")


def _sent_request(outputs: dict[str, Any], send: Callable[[], object]) -> tuple[dict[str, Any], list[str]]:
    """The ConverseStream request `send` made the offline Bedrock receive, and every operation it received meanwhile."""
    before = len(_sim(outputs, "GET", "/_sim/requests"))
    send()
    received = _sim(outputs, "GET", "/_sim/requests")[before:]
    streams = [r["params"] for r in received if r["operation"] == "ConverseStream"]
    if len(streams) != 1:
        raise RuntimeError(f"expected one ConverseStream call, the offline Bedrock received {[r['operation'] for r in received]}")
    return streams[0], [r["operation"] for r in received]


def measure_mode(mode: str, requests: int) -> dict[str, Any]:
    with stack_process(mode_config(mode)) as outputs:
        _wait_for_ingestion(outputs=outputs)
        token = sign_in(outputs)
        _sim(outputs, "POST", "/_sim/model", PACE)
        client = _bare_client(outputs)
        params, calls = {}, {}
        for route in ROUTES:
            for _ in range(WARM):
                route_ttft(outputs, token, route)
            params[route], calls[route] = _sent_request(outputs, lambda route=route: route_ttft(outputs, token, route))  # type: ignore[misc]
            if params[route].get("guardrailConfig", {}).get("streamProcessingMode") != mode:
                raise RuntimeError(f"{route}: the stack sent {params[route].get('guardrailConfig')}, not mode {mode}")
            for _ in range(WARM):
                bare_ttft(client, params[route])
        samples: dict[str, list[float]] = {key: [] for route in ROUTES for key in (f"{route} bare", f"{route} start", f"{route} route")}
        for _ in range(requests):
            for route in ROUTES:
                samples[f"{route} bare"].append(bare_ttft(client, params[route]) * 1000)
                start, first = route_ttft(outputs, token, route)
                samples[f"{route} start"].append(start * 1000)
                samples[f"{route} route"].append(first * 1000)
    return {"figures": {key: summary(values) for key, values in samples.items()}, "calls": calls}


def measure(requests: int) -> dict[str, Any]:
    return {mode: measure_mode(mode, requests) for mode in MODES}


def lines(results: dict[str, Any], requests: int) -> list[str]:
    out = [
        f"time to first token, warm, {requests} requests per row, rows interleaved; offline Bedrock: first token after "
        f"{PACE['first_token_ms']} ms, then {PACE['token_ms']} ms a token, {PACE['reply_tokens']}-token replies"
    ]
    out.append(f"  {'':<36} {'start p50':>10} {'TTFT p50':>9} {'TTFT p95':>9} {'added p50':>10} {'added p95':>10} {'target':>16}")
    for mode, result in results.items():
        fig = result["figures"]
        for route, (path, _) in ROUTES.items():
            bare, start, got = fig[f"{route} bare"], fig[f"{route} start"], fig[f"{route} route"]
            out.append(f"  {mode + ': bare ConverseStream (' + route + ')':<36} {'':>10} {bare['p50']:>6.1f} ms {bare['p95']:>6.1f} ms")
            added50, added95 = got["p50"] - bare["p50"], got["p95"] - bare["p95"]
            verdict = f"{'met' if added50 <= TARGET_MS else 'MISSED'} (<= {TARGET_MS:.0f} ms)" if route == "chat" else ""
            out.append(
                f"  {mode + ': POST /' + path:<36} {start['p50']:>7.1f} ms {got['p50']:>6.1f} ms {got['p95']:>6.1f} ms"
                f" {added50:>+7.1f} ms {added95:>+7.1f} ms {verdict:>16}"
            )
    calls = results[MODES[0]]["calls"]
    out.append("  Bedrock calls per request: " + "; ".join(f"{route} {' + '.join(ops)}" for route, ops in calls.items()))
    return out


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    results = measure(requests)
    print("\n".join(lines(results, requests)))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
