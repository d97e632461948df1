"""`make cost`: what a synthesized template costs while idle (infra/cost_idle.py), and per use
(infra/cost_use.py), from the catalog's prices; this module prints the report and is the CLI.

Every resource type must be classified: an unknown type raises (it might bill by the hour), never
counts as free. Prices are USD list prices (us-east-1/us-west-2) used as assumptions; they are printed.
Usage: python -m infra.cost [cdk.out] [-c key=value ...]
The `-c` pairs are the context the template was synthesized with (profile, config, region, genai:today, ...): `make
cost` passes the same ones to `cdk synth` and here, so the per-use figures follow the same configuration, and the
lifecycle states of (d) are read on the same date as the synth's grants (infra/synth_date.py).
"""

from __future__ import annotations

import json
import sys
from datetime import date
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
    "cost_date",
    "customization_lines",
    "idle",
    "load_cost_config",
    "per_use",
    "report",
]


def report(template: dict[str, Any], config: Any, today: date | None = None) -> list[str]:
    """The whole report; `today` (default: today's UTC date) decides which customizable models (d) shows as retired."""
    from infra.synth_date import utc_today

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
    region = getattr(config, "region", None) or "us-west-2"
    return out + customization_lines(region, today or utc_today()) + caching_lines(config)


def customization_lines(region: str, today: date) -> list[str]:
    """(d) What model customization leaves billing once a job has run: a kept custom model's storage per month, and
    a deployment (on-demand: nothing while idle, per token; Provisioned Throughput: per hour, never bought here).
    Prices from infra/catalog/customizable.json, each with its sources (`prices.sources`: official or second-hand, URL,
    date); a price no source gives prints as not in the catalog.

    A base model past its end of life on `today` is listed as retired and not priced: after the EOL date "requests made
    to this version will fail" (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html), the stack
    grants no job on it (infra/constructs/customization.py) and the customize function refuses it, so none of its
    figures can be spent; a custom model kept from before can be used only "until the EOL date of the base model
    version" (docs/customization.md#model-lifecycle), so the line says to delete it. A Legacy one is priced, with
    its end-of-life date."""
    from infra.catalog import customizable

    def usd(value: float | None, unit: str) -> str:
        return "not in the catalog" if value is None else f"${value:g}{unit}"

    out = [
        f"(d) model customization in {region} (nothing exists until an admin starts a job; catalog prices, "
        f"verified {customizable.catalog()['verified_on']}; lifecycle on {today.isoformat()})"
    ]
    models = customizable.customizable_in(region)
    if not customizable.current(models, today):
        out.append("  no base model can be fine-tuned here: nothing to bill")
    for model in models:
        prices, on_demand, lifecycle = model["prices"], model["on_demand"], customizable.lifecycle(model)
        if lifecycle.status(today) == "END_OF_LIFE":
            out.append(f"  {model['name']:<30} retired: end of life {lifecycle.end_of_life}, not priced (no new job can start on it)")
            out.append(f"  {'':<30} a custom model kept from before cannot be used after that date: delete it (genai customize delete)")
            continue
        out.append(f"  {model['name']:<30} kept custom model: storage {usd(prices['storage_per_month'], '/month')}")
        if lifecycle.status(today) == "LEGACY":
            eol = f"end of life {lifecycle.end_of_life}" if lifecycle.end_of_life else "no end-of-life date announced yet"
            out.append(f"  {'':<30} Legacy: {eol} (priced until then)")
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


def _context(overrides: dict[str, str]) -> dict[str, Any]:
    root = Path(__file__).resolve().parent.parent
    context: dict[str, Any] = json.loads((root / "cdk.json").read_text(encoding="utf-8"))["context"]
    return {**context, **overrides}


def load_cost_config(overrides: dict[str, str]) -> Any:
    """The configuration the template was synthesized with: cdk.json's context plus the same `-c` overrides."""
    from infra.config import load_config

    return load_config(_context(overrides))


def cost_date(overrides: dict[str, str]) -> date:
    """The date the synth read lifecycles on: `genai:today` from the same context, else today's UTC date."""
    from infra.synth_date import CONTEXT_KEY, synth_date

    return synth_date(_context(overrides).get(CONTEXT_KEY))


def main() -> None:
    args = sys.argv[1:]
    outdir = Path(args.pop(0) if args and not args[0].startswith("-") else "cdk.out")
    templates = sorted(outdir.glob("*.template.json"))
    if not templates:
        sys.exit(f"no template in {outdir}: run `make synth` (or cdk synth -c skip_bundling=true) first")
    from infra.config import ConfigError

    overrides = context_overrides(args)
    try:
        config, today = load_cost_config(overrides), cost_date(overrides)
    except ConfigError as err:
        sys.exit(f"error: {err}")
    for path in templates:
        print(f"{path.name}")
        print("\n".join(report(json.loads(path.read_text(encoding="utf-8")), config, today)))


if __name__ == "__main__":
    main()
