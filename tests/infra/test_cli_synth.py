"""The real, pinned CDK CLI synthesizes the app offline (no AWS account, no Docker)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.clock import TODAY

ROOT = Path(__file__).resolve().parents[2]
CDK = ROOT / "node_modules" / ".bin" / "cdk"


@pytest.mark.cli
def test_given_pinned_cli_when_synth_offline_then_template_is_written(tmp_path):
    if not CDK.exists():
        pytest.fail("node_modules/.bin/cdk is missing: run `make venv` (npm ci installs the pinned CLI)")
    version = subprocess.run([str(CDK), "--version"], capture_output=True, text=True, check=True).stdout
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["aws-cdk"]
    assert version.startswith(pinned)

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CDK_DISABLE_CLI_TELEMETRY="true",
        CDK_DISABLE_VERSION_CHECK="1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
    )
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"  # the app runs on this venv's python3
    outdir = tmp_path / "cdk.out"
    result = subprocess.run(
        [
            str(CDK),
            "synth",
            "--no-notices",
            "--quiet",
            "--output",
            str(outdir),
            "-c",
            "skip_bundling=true",
            "-c",
            "profile=prod",
            "-c",
            f"genai:today={TODAY.isoformat()}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    template = json.loads((outdir / "BedrockGenAi.template.json").read_text())
    assert template["Resources"]
    assert any(r["Type"] == "AWS::WAFv2::WebACL" for r in template["Resources"].values())  # the prod profile was applied


@pytest.mark.cli
def test_given_the_zero_idle_example_when_make_cost_runs_its_commands_then_it_prints_zero_idle(tmp_path):
    """What `make cost CONFIG=docs/examples/zero-idle.json` runs: the pinned CLI's synth, then infra.cost, same context."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CDK_DISABLE_CLI_TELEMETRY="true",
        CDK_DISABLE_VERSION_CHECK="1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
    )
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    context = ["-c", "profile=dev", "-c", f"config={ROOT / 'docs' / 'examples' / 'zero-idle.json'}"]
    outdir = tmp_path / "cdk.cost.out"
    synth = subprocess.run(
        [str(CDK), "synth", "--no-notices", "--quiet", "--output", str(outdir), *context, "-c", "skip_bundling=true"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert synth.returncode == 0, synth.stderr[-4000:]
    cost = subprocess.run(
        [sys.executable, "-m", "infra.cost", str(outdir), *context], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert cost.returncode == 0, cost.stderr[-4000:]
    assert "  idle total: $0.00/month" in cost.stdout
