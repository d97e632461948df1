from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.live import running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One local stack (`python -m local.stack`, as `make dev` runs it) for the UI tests."""
    with running_stack(tmp_path_factory.mktemp("ui-stack")) as outputs:
        yield outputs


@pytest.fixture
def outputs_file(stack: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(stack), encoding="utf-8")
    monkeypatch.setenv("GENAI_OUTPUTS", str(path))
    return path
