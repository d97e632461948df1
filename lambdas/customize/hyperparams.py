"""Hyperparameters checked against the base model's documented ranges, and sent as Bedrock wants them: strings.

`hyperParameters` is a map of strings (botocore ModelCustomizationHyperParameters); the ranges per model are in
the catalog (cm-hp-nova-mm, cm-hp-anth-claude-3, cm-hp-meta-llama31/32 pages). Unknown names, wrong types and
values out of range are each a 400 naming the field and the allowed range.
"""

from __future__ import annotations

from common.errors import ValidationFailedError
from customize.customization_catalog import HyperParamSet

Value = int | float


def checked(values: dict[str, Value], allowed: HyperParamSet, model_name: str) -> dict[str, str]:
    problems = []
    out: dict[str, str] = {}
    for name, value in values.items():
        spec = allowed.params.get(name)
        field = f"hyperparameters.{name}"
        if spec is None:
            problems.append({"field": field, "message": f"{model_name} takes no {name}; allowed: {', '.join(allowed.params)}"})
            continue
        if isinstance(value, bool) or (spec.type == "int" and not (isinstance(value, int) or float(value).is_integer())):
            problems.append({"field": field, "message": f"must be {'an integer' if spec.type == 'int' else 'a number'}"})
            continue
        if not spec.min <= value <= spec.max:
            problems.append(
                {
                    "field": field,
                    "message": f"must be between {spec.min:g} and {spec.max:g} for {model_name} "
                    f"(default {spec.default:g}; {allowed.source})",
                }
            )
            continue
        out[name] = str(int(value)) if spec.type == "int" else repr(float(value))
    if problems:
        raise ValidationFailedError("invalid hyperparameters", details=problems)
    return out


def epochs(values: dict[str, str], allowed: HyperParamSet) -> int:
    """The epoch count the job will run: the one sent, else the model's default."""
    if "epochCount" in values:
        return int(values["epochCount"])
    spec = allowed.params.get("epochCount")
    return int(spec.default) if spec else 1
