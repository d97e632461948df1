from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
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


def sim_model_settings(stack: dict[str, Any], **settings: Any) -> dict[str, Any]:
    """The offline model's pace and replies, set over HTTP as `make dev` users do (POST /_sim/model)."""
    control = urllib.request.Request(
        stack["BedrockEndpoint"] + "/_sim/model",
        data=json.dumps(settings).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(control, timeout=10) as answer:
        found: dict[str, Any] = json.loads(answer.read())
    return found


@pytest.fixture
def sim_model(stack: dict[str, Any]) -> Iterator[Callable[..., dict[str, Any]]]:
    """Pace the offline model for one test (first_token_ms, token_ms, reply_tokens); its defaults again afterwards."""
    yield lambda **settings: sim_model_settings(stack, **settings)
    sim_model_settings(stack, first_token_ms=0, token_ms=0, reply_tokens=None, reply_suffix="")


STREAM_USER = "streams@example.com"


@pytest.fixture(scope="session")
def stream_user(stack: dict[str, Any]) -> str:
    """A user of its own for the streaming tests (same password as the demo users), so the conversations they
    leave do not show in the demo user's list that other tests count."""
    from tests.integration.live import create_user

    create_user(stack, STREAM_USER, "Local-Demo-Pass-1!")
    return STREAM_USER
