"""The customizable base models (model customization, issue 15): data in customizable.json, read here.

The JSON file is the one source: the stack renders it into the functions' runtime configuration
(`customization`), the IAM grants name its customization ids, `make cost` prices a kept custom model and
a deployment from it, and the offline Bedrock enforces its methods, Regions and on-demand rules. Every
row carries its `source`; the file carries `verified_on`. docs/customization.md explains each field.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).with_name("customizable.json")
METHODS = ("FINE_TUNING", "CONTINUED_PRE_TRAINING", "DISTILLATION", "REINFORCEMENT_FINE_TUNING")


@lru_cache(maxsize=1)
def catalog() -> dict[str, Any]:
    """The whole catalog document (read once)."""
    document: dict[str, Any] = json.loads(PATH.read_text(encoding="utf-8"))
    return document


def base_models() -> list[dict[str, Any]]:
    return list(catalog()["base_models"])


def base_model(model_id: str) -> dict[str, Any] | None:
    return next((m for m in base_models() if m["id"] == model_id), None)


def customizable_in(region: str) -> list[dict[str, Any]]:
    """Base models this product can fine-tune in `region` (the ones its grants name)."""
    offered = [name for name, method in catalog()["methods"].items() if method["offered"]]
    return [m for m in base_models() if any(region in m["methods"].get(name, []) for name in offered)]


def on_demand_in(region: str) -> list[dict[str, Any]]:
    return [m for m in base_models() if m["on_demand"] and region in m["on_demand"]["regions"]]


def runtime_entry(region: str) -> dict[str, Any]:
    """What the functions read (runtime_config.json `customization`): the catalog and the Region it runs in."""
    return {"region": region, **catalog()}
