"""The simulator's test and dev controls over HTTP (/_sim/...), beside the Bedrock operations."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from local.bedrock_sim.server import BedrockSimulator


# Model customization (local/bedrock_sim/customization.py): how long jobs, stops and deployments take; a message
# the next job fails with (a Failed job as Bedrock reports one).
CUSTOMIZATION_SETTINGS = {
    "job_seconds": (int, float),
    "stop_seconds": (int, float),
    "deploy_seconds": (int, float),
    "fail_next_job": (str, type(None)),
}
MODEL_SETTINGS = {"first_token_ms": (int, float), "token_ms": (int, float), "reply_tokens": (int, type(None)), "reply_suffix": (str,)}


def control(simulator: BedrockSimulator, method: str, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """Test and dev controls: GET /_sim/requests, POST /_sim/faults {code, operation?, times?, after_chunks?},
    POST /_sim/reset, GET /_sim/account and POST /_sim/account {setting: value, ...} (the account scenario,
    local/bedrock_sim/account.py), GET /_sim/model and POST /_sim/model {first_token_ms?, token_ms?, reply_tokens?,
    reply_suffix?} (the offline model's pace and replies, docs/local-bedrock.md#streaming)."""
    headers = {"Content-Type": "application/json"}
    if method == "GET" and path == "/_sim/requests":
        with simulator._lock:
            data = [{"operation": r.operation, "params": r.params, "at": r.at} for r in simulator.requests]
        return 200, headers, json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    if method == "POST" and path == "/_sim/faults":
        request = json.loads(body or b"{}")
        after = request.get("after_chunks")
        try:
            simulator.inject(
                request["code"],
                operation=request.get("operation"),
                times=int(request.get("times", 1)),
                after_chunks=None if after is None else int(after),
            )
        except ValueError as err:
            return 400, headers, json.dumps({"message": str(err)}).encode()
        return 204, headers, b""
    if path == "/_sim/model" and method in ("GET", "POST"):
        if method == "POST":
            settings = json.loads(body or b"{}")
            wrong = sorted(k for k, v in settings.items() if k not in MODEL_SETTINGS or not isinstance(v, MODEL_SETTINGS[k]))
            if wrong:
                message = f"unknown or mistyped model setting(s) {', '.join(wrong)}; known: {', '.join(MODEL_SETTINGS)}"
                return 400, headers, json.dumps({"message": message}).encode()
            for key, value in settings.items():
                setattr(simulator, key, value)
        return 200, headers, json.dumps({key: getattr(simulator, key) for key in MODEL_SETTINGS}, ensure_ascii=False).encode()
    if path == "/_sim/account" and method in ("GET", "POST"):
        if method == "POST":
            try:
                simulator.account.update(json.loads(body or b"{}"))
            except (ValueError, TypeError) as err:
                return 400, headers, json.dumps({"message": str(err)}).encode()
        return 200, headers, json.dumps(simulator.account.as_dict()).encode()
    if path == "/_sim/customization" and method in ("GET", "POST"):
        store = simulator.customization
        if method == "POST":
            settings = json.loads(body or b"{}")
            wrong = sorted(
                k for k, v in settings.items() if k not in CUSTOMIZATION_SETTINGS or not isinstance(v, CUSTOMIZATION_SETTINGS[k])
            )
            if wrong:
                return 400, headers, json.dumps({"message": f"unknown or mistyped setting(s) {', '.join(wrong)}"}).encode()
            for key, value in settings.items():
                setattr(store, key, value)
        return 200, headers, json.dumps({key: getattr(store, key) for key in CUSTOMIZATION_SETTINGS}, ensure_ascii=False).encode()
    if method == "POST" and path == "/_sim/reset":
        simulator.reset()
        return 204, headers, b""
    return 404, headers, json.dumps({"message": f"no control {method} {path}"}).encode()
