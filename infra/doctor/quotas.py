"""Find a model's Bedrock quotas by name: per-minute tokens and requests, for the way the stack calls it.

Service Quotas publishes no quota code per model, and the names differ between the user guide's template
("Cross-Region InvokeModel tokens per minute for ${model}", "On-demand InvokeModel requests per minute for ${model}":
https://docs.aws.amazon.com/bedrock/latest/userguide/quotas-runtime.html, quotas-increase.html) and what
ListServiceQuotas returns ("Cross-region model inference tokens per minute for Anthropic Claude Sonnet 4.5 V1",
"Global cross-region model inference ...", "On-demand model inference ...", with "Cross-Region" / "Cross-region"
both seen and separate "... 1M Context Length" quotas; second-hand, public code and issues). So names are matched
loosely: case-insensitive, either wording, the provider word and a trailing version ("V1") ignored, and a
quota for a longer variant (context length, another model whose name starts the same) never taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, cast

Kind = Literal["on-demand", "cross-region", "global cross-region"]
Unit = Literal["tokens", "requests"]
_NAME = re.compile(
    r"^(?P<kind>global cross-region|cross-region|on-demand) (?:model inference|invokemodel) "
    r"(?P<unit>tokens|requests) per minute for (?P<model>.+)$"
)
_PROVIDERS = ("anthropic ", "amazon ", "stability ai ", "cohere ")
_VERSION = re.compile(r"\s+v\d+(?:[.:]\d+)?$")


@dataclass(frozen=True)
class Quota:
    name: str
    code: str
    value: float
    adjustable: bool
    kind: Kind
    unit: Unit


def model_key(display_name: str) -> str:
    """'Anthropic Claude Sonnet 4.5 V1' and 'Claude Sonnet 4.5' -> 'claude sonnet 4.5'."""
    name = " ".join(display_name.lower().split())
    for provider in _PROVIDERS:
        name = name.removeprefix(provider)
    return _VERSION.sub("", name)


def kind_for(profile_prefix: str | None) -> Kind:
    if profile_prefix is None:
        return "on-demand"
    return "global cross-region" if profile_prefix == "global" else "cross-region"


def parse(quota: dict[str, Any]) -> tuple[Quota, str] | None:
    """A Service Quotas entry as (Quota, model key), or None when it is not a per-minute model quota."""
    match = _NAME.match(" ".join(str(quota.get("QuotaName", "")).lower().split()))
    if match is None:
        return None
    found = Quota(
        str(quota["QuotaName"]),
        str(quota.get("QuotaCode", "")),
        float(quota.get("Value", 0.0)),
        bool(quota.get("Adjustable", False)),
        cast(Kind, match["kind"]),
        cast(Unit, match["unit"]),
    )
    return found, model_key(match["model"])


def quotas_for(model_name: str, profile_prefix: str | None, quotas: list[dict[str, Any]]) -> list[Quota]:
    """The tokens- and requests-per-minute quotas of `model_name` (the catalog's name) as called with `profile_prefix`."""
    key, kind = model_key(model_name), kind_for(profile_prefix)
    found = [q for q, model in filter(None, map(parse, quotas)) if model == key and q.kind == kind]
    return sorted(found, key=lambda q: q.unit == "requests")
