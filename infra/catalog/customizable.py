"""The customizable base models (model customization, issue 15): data in customizable.json, read here.

The JSON file is the one source: the stack renders it into the functions' runtime configuration
(`customization`), the IAM grants name its customization ids, `make cost` prices a kept custom model and
a deployment from it, and the offline Bedrock enforces its methods, Regions and on-demand rules. Every
row carries its `source`; the file carries `verified_on`. docs/customization.md explains each field.

Each base model and teacher carries `lifecycle`, read into the chat catalog's `Lifecycle` (infra/catalog/model_info.py:
the same fields, the same date rule) strictly: a misspelled or mistyped field fails here, not on deploy day.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from infra.catalog.model_info import Lifecycle

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


def lifecycle(entry: dict[str, Any]) -> Lifecycle:
    """A base model's or teacher's `lifecycle`, checked strictly (every row must carry one, with its source)."""
    found: Lifecycle = TypeAdapter(Lifecycle).validate_json(json.dumps(entry["lifecycle"]), strict=True)
    return found


def retired(entry: dict[str, Any], today: date) -> bool:
    """Past its end of life on `today`: Bedrock refuses it (model-lifecycle-legacy.html)."""
    return lifecycle(entry).status(today) == "END_OF_LIFE"


def teacher(teacher_id: str) -> dict[str, Any] | None:
    return next((t for t in catalog()["distillation"]["teachers"] if t["id"] == teacher_id), None)


def runtime_entry(region: str) -> dict[str, Any]:
    """What the functions read (runtime_config.json `customization`): the catalog and the Region it runs in."""
    return {"region": region, **catalog()}


def teachers_in(region: str) -> list[dict[str, Any]]:
    """Distillation teachers whose jobs run in `region` (prequisites-model-distillation.html's table)."""
    if not catalog()["methods"]["DISTILLATION"]["offered"]:
        return []
    return [t for t in catalog()["distillation"]["teachers"] if region in t["regions"]]


def current(entries: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """The base models or teachers among `entries` not past their end of life on `today` (Legacy ones stay: Bedrock
    still serves them)."""
    return [entry for entry in entries if not retired(entry, today)]


def teacher_model_arns(region: str, partition: str, account: str, today: date) -> list[str]:
    """What the customization service role must be able to invoke for the teachers of `region` that are not past their
    end of life on `today`: "On, or soon after the EOL date, the model is no longer available for use in all AWS Regions
    and requests made to this version will fail, unless there is a private arrangement between you and the provider"
    (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html), and the customize function refuses a
    retired teacher with a 400 (customize/customization_catalog.py), so no job of this stack can use one. Per teacher:
    an in-Region model's foundation-model ARN; for an inference profile, the profile in this Region and the model in
    each of its destination Regions (custom-model-job-access-security.html, "Cross-region inference profile
    permissions")."""
    arns: list[str] = []
    for teacher in current(teachers_in(region), today):
        if teacher["inference"] == "profile":
            model = teacher["id"].split(".", 1)[1]
            arns.append(f"arn:{partition}:bedrock:{region}:{account}:inference-profile/{teacher['id']}")
            arns += [f"arn:{partition}:bedrock:{r}::foundation-model/{model}" for r in teacher["profile_regions"]]
        else:
            arns.append(f"arn:{partition}:bedrock:{region}::foundation-model/{teacher['id']}")
    return sorted(set(arns))
