"""The configuration the stack renders into runtime_config.json beside the code (read once)."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "runtime_config.json"


@lru_cache(maxsize=1)
def runtime_config() -> dict[str, Any]:
    """Parsed once per cold start. RUNTIME_CONFIG_PATH points elsewhere (local stack, tests)."""
    path = Path(os.environ.get("RUNTIME_CONFIG_PATH", DEFAULT_PATH))
    with path.open(encoding="utf-8") as handle:
        config: dict[str, Any] = json.load(handle)
    return config
