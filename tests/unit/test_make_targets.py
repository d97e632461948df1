"""The Makefile: `make bench` fails with its benchmark; `make dev` and `make lint` need no CDK CLI (npm)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAKE = ["make", "--no-print-directory", "-C", str(ROOT)]


def _planned(target: str) -> str:
    """The commands `make <target>` would run if package.json had just changed (so the CDK CLI is out of date)."""
    stamp = ROOT / ".venv" / ".installed"
    run = subprocess.run([*MAKE, "-n", "-W", "package.json", "-o", str(stamp), target], capture_output=True, text=True, check=True)
    return run.stdout


@pytest.mark.parametrize("target", ["dev", "lint"])
def test_given_the_cdk_cli_out_of_date_when_make_dev_or_lint_then_npm_is_not_run(target):
    planned = _planned(target)

    assert "npm" not in planned
    assert ("local.stack" if target == "dev" else "mypy") in planned


def test_given_the_cdk_cli_out_of_date_when_make_test_then_npm_installs_it():
    assert "npm ci" in _planned("test")


def test_given_make_test_then_two_workers_and_given_make_fuzz_then_its_one_long_test_has_no_time_limit():
    assert "pytest -n 2 --dist loadgroup" in _planned("test")
    # pyproject's `timeout = 600` fails a hung test; `make fuzz`'s one test runs FUZZ_EXAMPLES=60 cases per operation
    # and mode (the suite's 4 take ~80 s here), so its limit is lifted.
    fuzz = _planned("fuzz")
    assert "test_fuzz.py -k fuzzed" in fuzz
    assert "--timeout=0" in fuzz


def test_given_requirements_changed_when_make_venv_then_uv_installs_the_pinned_packages():
    run = subprocess.run([*MAKE, "-n", "-W", "requirements-dev.txt", "venv"], capture_output=True, text=True, check=True)
    planned = run.stdout

    assert "pip install --quiet --disable-pip-version-check -r requirements-uv.txt" in planned
    assert "uv pip install --quiet --python .venv/bin/python -r requirements-dev.txt -c constraints.txt" in planned
    assert (ROOT / "requirements-uv.txt").read_text().splitlines()[-1].startswith("uv==")


def test_given_pythondontwritebytecode_set_when_make_runs_a_command_then_python_may_write_its_bytecode():
    """uv installs uncompiled: each module compiles on first import and must keep its .pyc (else every process pays)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    probe = 'probe: ; @echo "[$$PYTHONDONTWRITEBYTECODE]"'
    run = subprocess.run([*MAKE, "--eval", probe, "probe"], capture_output=True, text=True, check=True, env=env)

    assert run.stdout.strip() == "[]"


def test_given_a_benchmark_that_fails_when_make_bench_then_make_fails_and_still_drops_the_json_lines(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text('#!/bin/sh\necho \'{"_aws": {}}\'\necho "cold start ... failed"\nexit 3\n', encoding="utf-8")
    python.chmod(0o755)
    (venv / ".installed").touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    command = [*MAKE, "bench", f"VENV={venv}", "-o", str(venv / ".installed"), "-o", "node_modules/.installed"]

    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)

    assert run.returncode != 0
    assert "cold start ... failed" in run.stdout
    assert '{"_aws"' not in run.stdout
