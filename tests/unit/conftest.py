from __future__ import annotations

import json
from pathlib import Path

import pytest

from common.runtime_config import runtime_config
from infra.config import load_config
from infra.deployment import resolve
from infra.deployment import runtime_config as render_runtime_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def runtime_config_file(tmp_path, monkeypatch):
    """The runtime config rendered from cdk.json, exactly as the stack bundles it."""
    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    document = render_runtime_config(resolve(load_config(context), "us-west-2"))
    path = tmp_path / "runtime_config.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("RUNTIME_CONFIG_PATH", str(path))
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "test")
    runtime_config.cache_clear()
    yield document
    runtime_config.cache_clear()
