"""`make dev CONFIG=file`: the local stack merges a configuration override over cdk.json, as `make synth CONFIG=` does
(local/resources.py `local_config`, LOCAL_CONFIG), for both the offline guardrail and the functions' runtime config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NO_MASKING = {"EMAIL": "BLOCK", "PHONE": "BLOCK", "ADDRESS": "BLOCK"}  # cdk.json's ANONYMIZE entries


def _async_without_masking() -> dict:
    regexes = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]["genai:config"]["guardrail"]["regexes"]
    return {
        "guardrail": {"stream_processing_mode": "async", "pii_entities": NO_MASKING, "regexes": [{**r, "action": "BLOCK"} for r in regexes]}
    }


def test_given_local_config_naming_an_override_then_the_runtime_config_and_the_offline_guardrail_follow_it(tmp_path, monkeypatch):
    from local.resources import render_runtime_config
    from local.stack import _config

    override = tmp_path / "async.json"
    override.write_text(json.dumps(_async_without_masking()), encoding="utf-8")
    monkeypatch.setenv("LOCAL_CONFIG", str(override))

    rendered = json.loads(render_runtime_config(tmp_path / "runtime_config.json").read_text(encoding="utf-8"))
    policy = _config().guardrail  # what the stack gives the offline Bedrock (BedrockSimulator(config.guardrail))

    assert rendered["guardrail_stream_mode"] == "async"
    assert (policy.stream_processing_mode, policy.pii_entities["EMAIL"]) == ("async", "BLOCK")
    assert all(r.action == "BLOCK" for r in policy.regexes)


def test_given_no_local_config_then_cdk_json_alone(tmp_path, monkeypatch):
    from local.resources import render_runtime_config

    monkeypatch.delenv("LOCAL_CONFIG", raising=False)
    rendered = json.loads(render_runtime_config(tmp_path / "runtime_config.json").read_text(encoding="utf-8"))

    assert rendered["guardrail_stream_mode"] == "sync"


def test_given_an_override_synth_would_refuse_then_make_dev_stops_at_once_with_its_message(tmp_path):
    override = tmp_path / "bad.json"
    override.write_text(json.dumps({"guardrail": {"stream_processing_mode": "async"}}), encoding="utf-8")  # cdk.json still masks
    ports = {"LOCAL_API_PORT": "0", "LOCAL_AWS_PORT": "0", "LOCAL_BEDROCK_PORT": "0"}
    env = {**os.environ, "LOCAL_STATE_DIR": str(tmp_path / "state"), "LOCAL_CONFIG": str(override), **ports}

    result = subprocess.run([sys.executable, "-m", "local.stack"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert "stream_processing_mode 'async' cannot be used while the policy anonymizes EMAIL, PHONE, ADDRESS" in result.stderr


def test_given_make_dev_with_config_then_the_stack_gets_its_absolute_path():
    run = subprocess.run(
        ["make", "-n", "-o", "venv", "dev", "CONFIG=docs/examples/seoul.json"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    command = next(line for line in run.stdout.splitlines() if "local.stack" in line)

    assert f"LOCAL_CONFIG={ROOT / 'docs' / 'examples' / 'seoul.json'}" in command.split()
