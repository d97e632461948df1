"""What a new container imports at init: the streaming apps leave the X-Ray SDK out (common/observability.py: the
Lambda Web Adapter's app process never gets the invocation's trace id), the functions that trace keep it.

Each case is a fresh interpreter, as Lambda starts one, with the functions' settings (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _modules_after_import(module: str) -> set[str]:
    code = f"import json, sys\nimport {module}\nprint(json.dumps(sorted(sys.modules)))\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lambdas")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("app", ["chat.stream", "rag.stream"])
def test_given_a_streaming_app_when_a_new_container_imports_it_then_the_xray_sdk_is_not_imported(app):
    modules = _modules_after_import(app)

    assert {"starlette.applications", "common.observability"} <= modules  # the app and its logger/metrics were imported
    assert not {m for m in modules if m.startswith("aws_xray_sdk")}


@pytest.mark.parametrize("handler", ["chat.handler", "rag.handler", "image.handler", "rag.ingest_handler"])
def test_given_a_buffered_handler_when_imported_then_its_tracer_is_made_with_the_xray_sdk(handler):
    modules = _modules_after_import(handler)

    assert "aws_xray_sdk.core" in modules
