from __future__ import annotations

import json
import os
from typing import Any

import pytest


@pytest.fixture
def runtime_config_file() -> dict[str, Any]:
    """The runtime config the stack would bundle (written by tests/conftest.py)."""
    with open(os.environ["RUNTIME_CONFIG_PATH"], encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document
