"""`make cost`: what a synthesized template costs while idle (infra/cost_idle.py), and per use
(infra/cost_use.py), from the catalog's prices; this module prints the report and is the CLI.

Every resource type must be classified: an unknown type raises (it might bill by the hour), never
counts as free. Prices are USD list prices (us-east-1/us-west-2) used as assumptions; they are printed.
Usage: python -m infra.cost [cdk.out] [-c key=value ...]
The `-c` pairs are the context the template was synthesized with (profile, config, region, ...): `make cost`
passes the same ones to `cdk synth` and here, so the per-use figures follow the same configuration.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from infra.cost_caching import caching_lines
from infra.cost_idle import HOURS_PER_MONTH, MIN_OCU, OCU_HOUR, Charge, UnknownResourceError, idle
from infra.cost_use import Use, per_use

__all__ = [
    "Charge",
    "UnknownResourceError",
    "Use",
    "context_overrides",
    "customization_lines",
    "idle",
    "load_cost_config",
    "per_use",
    "report",
]


def report(template: dict[str, Any], config: Any) -> list[str]:
    charges, free = idle(template)
    total = sum(c.monthly for c in charges)
    out = ["(a) idle: resources with a charge while nothing happens"]
    out += [f"  {c.logical_id:<52} ${c.monthly:>7.2f}/month  {c.reason}" for c in sorted(charges, key=lambda c: c.logical_id)]
    out.append(f"  idle total: ${total:.2f}/month plus storage (free tiers not deducted)")
    out.append(f"  no idle charge: {sum(free.values())} resources of {len(free)} types (" + ", ".join(sorted(free)) + ")")
    out.append("(b) per use, at the configured models and catalog prices")
    for use in per_use(config):
        parts = ", ".join(f"{k} ${v:.6f}" for k, v in use.items.items())
        out.append(f"  {use.name:<10} ${use.total:.5f}  ({parts})")
        out.append(f"  {'':<10} assumes: {use.assumptions}")
    ocu = MIN_OCU * OCU_HOUR * HOURS_PER_MONTH
    out.append("(c) a Knowledge Base on OpenSearch Serverless instead of S3 Vectors")
    ratio = f": {ocu / total:.0f}x" if total > 0 else ""
    out.append(
        f"  at least 0.5 + 0.5 OCU x ${OCU_HOUR}/OCU-hour x {HOURS_PER_MONTH} h = ${ocu:.2f}/month before any query; "
        f"this stack idles at ${total:.2f}/month{ratio}"
    )
    return out + customization_lines(getattr(config, "region", None) or "us-west-2") + caching_lines(config)


def customization_lines(region: str) -> list[str]:
    """(d) What model customization leaves billing once a job has run: a kept custom model's storage per month, and
    a deployment (on-demand: nothing while idle, per token; Provisioned Throughput: per hour, never bought here).
    Prices from infra/catalog/customizable.json, each with its sources (`prices.sources`: official or second-hand, URL,
    date); a price no source gives prints as not in the catalog."""
    from infra.catalog import customizable

    def usd(value: float | None, unit: str) -> str:
        return "not in the catalog" if value is None else f"${value:g}{unit}"

    out = [
        f"(d) model customization in {region} (nothing exists until an admin starts a job; catalog prices, "
        f"verified {customizable.catalog()['verified_on']})"
    ]
    models = customizable.customizable_in(region)
    if not models:
        out.append("  no base model can be fine-tuned here: nothing to bill")
    for model in models:
        prices, on_demand = model["prices"], model["on_demand"]
        out.append(f"  {model['name']:<30} kept custom model: storage {usd(prices['storage_per_month'], '/month')}")
        if on_demand and region in on_demand["regions"]:
            per_token = f"{usd(prices['input_per_million'], '')} in / {usd(prices['output_per_million'], '')} out per 1M tokens"
            out.append(f"  {'':<30} on-demand deployment: $0.00 while idle; {per_token}")
            hourly = prices["provisioned_throughput_per_hour"]
            unit = "" if hourly is None else " per model unit, no commitment"
            out.append(f"  {'':<30} or Provisioned Throughput: {usd(hourly, '/hour')}{unit} (never bought by this product)")
        else:
            out.append(
                f"  {'':<30} no on-demand deployment here: Provisioned Throughput only, "
                f"{usd(prices['provisioned_throughput_per_hour'], '/hour')} (never bought by this product)"
            )
    return out


def context_overrides(args: list[str]) -> dict[str, str]:
    """`-c key=value` pairs, as the CDK CLI takes them."""
    overrides: dict[str, str] = {}
    for flag, pair in zip(args[::2], args[1::2], strict=False):
        key, sep, value = pair.partition("=")
        if flag not in ("-c", "--context") or not sep:
            sys.exit(f"expected -c key=value, got {flag} {pair}")
        overrides[key] = value
    if len(args) % 2:
        sys.exit(f"expected -c key=value, got {args[-1]}")
    return overrides


def load_cost_config(overrides: dict[str, str]) -> Any:
    """The configuration the template was synthesized with: cdk.json's context plus the same `-c` overrides."""
    from infra.config import load_config

    root = Path(__file__).resolve().parent.parent
    context = json.loads((root / "cdk.json").read_text(encoding="utf-8"))["context"]
    return load_config({**context, **overrides})


def main() -> None:
    args = sys.argv[1:]
    outdir = Path(args.pop(0) if args and not args[0].startswith("-") else "cdk.out")
    templates = sorted(outdir.glob("*.template.json"))
    if not templates:
        sys.exit(f"no template in {outdir}: run `make synth` (or cdk synth -c skip_bundling=true) first")
    from infra.config import ConfigError

    try:
        config = load_cost_config(context_overrides(args))
    except ConfigError as err:
        sys.exit(f"error: {err}")
    for path in templates:
        print(f"{path.name}")
        print("\n".join(report(json.loads(path.read_text(encoding="utf-8")), config)))


if __name__ == "__main__":
    main()
