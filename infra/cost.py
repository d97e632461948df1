"""`make cost`: what a synthesized template costs while idle, and per use, from the catalog's prices.

Every resource type must be classified: an unknown type raises (it might bill by the hour), never
counts as free. Prices are USD list prices (us-east-1/us-west-2) used as assumptions; they are printed.
Usage: python -m infra.cost [cdk.out] [-c key=value ...]
The `-c` pairs are the context the template was synthesized with (profile, config, region, ...): `make cost`
passes the same ones to `cdk synth` and here, so the per-use figures follow the same configuration.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.cost_caching import caching_lines

HOURS_PER_MONTH = 730

# Types with no charge while idle (per request, per GB stored, or free).
FREE = {
    "AWS::ApiGateway::Account": "free",
    "AWS::ApiGateway::Authorizer": "free",
    "AWS::ApiGateway::Deployment": "free",
    "AWS::ApiGateway::GatewayResponse": "free",
    "AWS::ApiGateway::Method": "free",
    "AWS::ApiGateway::Model": "free",
    "AWS::ApiGateway::RequestValidator": "free",
    "AWS::ApiGateway::Resource": "free",
    "AWS::ApiGateway::RestApi": "per request",
    "AWS::ApiGateway::Stage": "per request",
    "AWS::Bedrock::DataSource": "per ingestion",
    "AWS::Bedrock::Guardrail": "per text unit / image",
    "AWS::Bedrock::GuardrailVersion": "free",
    "AWS::Bedrock::KnowledgeBase": "per query (S3 Vectors: no OCU)",
    "AWS::Cognito::UserPool": "per monthly active user",
    "AWS::Cognito::UserPoolClient": "free",
    "AWS::Cognito::UserPoolGroup": "free",
    "AWS::DynamoDB::GlobalTable": "on-demand: per request + storage",
    "AWS::DynamoDB::Table": "on-demand: per request + storage",
    "AWS::Events::Rule": "free (S3 events, default bus)",
    "AWS::IAM::Policy": "free",
    "AWS::IAM::Role": "free",
    "AWS::Lambda::Alias": "free",
    "AWS::Lambda::EventSourceMapping": "SQS requests (free tier)",
    "AWS::Lambda::Function": "per request + GB-s",
    "AWS::Lambda::LayerVersion": "free",
    "AWS::Lambda::Permission": "free",
    "AWS::Lambda::Version": "free",
    "AWS::Logs::LogGroup": "storage",
    "AWS::S3::Bucket": "storage + requests",
    "AWS::S3::BucketPolicy": "free",
    "AWS::S3Vectors::Index": "storage + queries",
    "AWS::S3Vectors::VectorBucket": "storage",
    "AWS::SNS::Topic": "per delivery",
    "AWS::SNS::TopicPolicy": "free",
    "AWS::SQS::Queue": "per request",
    "AWS::SQS::QueuePolicy": "free",
    "AWS::WAFv2::WebACLAssociation": "free",
    "Custom::S3AutoDeleteObjects": "free (runs at delete)",
    "AWS::CDK::Metadata": "free",
}

WAF_ACL_MONTH, WAF_RULE_MONTH = 5.00, 1.00
ALARM_METRIC_MONTH = 0.10  # standard resolution, per metric the alarm evaluates
DASHBOARD_MONTH = 3.00
KMS_KEY_MONTH = 1.00
NAT_HOUR = 0.045
OCU_HOUR, MIN_OCU = 0.24, 1.0  # OpenSearch Serverless: 0.5 OCU indexing + 0.5 OCU search at least


class UnknownResourceError(ValueError):
    """A resource type this calculator has not classified: it could bill by the hour."""


@dataclass(frozen=True)
class Charge:
    logical_id: str
    type: str
    monthly: float
    reason: str


def _idle_charge(logical_id: str, kind: str, props: dict[str, Any]) -> Charge | None:
    if kind == "AWS::WAFv2::WebACL":
        rules = len(props.get("Rules", []))
        return Charge(logical_id, kind, WAF_ACL_MONTH + WAF_RULE_MONTH * rules, f"web ACL $5/month + $1/month x {rules} rules")
    if kind == "AWS::CloudWatch::Alarm":
        metrics = sum(1 for m in props.get("Metrics", []) if "MetricStat" in m) or 1
        return Charge(logical_id, kind, ALARM_METRIC_MONTH * metrics, f"alarm, {metrics} metric(s) x $0.10/month")
    if kind == "AWS::CloudWatch::Dashboard":
        return Charge(logical_id, kind, DASHBOARD_MONTH, "dashboard $3/month (beyond 3 free per account)")
    if kind == "AWS::KMS::Key":
        return Charge(logical_id, kind, KMS_KEY_MONTH, "customer managed key $1/month")
    if kind == "AWS::EC2::NatGateway":
        return Charge(logical_id, kind, NAT_HOUR * HOURS_PER_MONTH, "NAT gateway $0.045/hour")
    if kind == "AWS::OpenSearchServerless::Collection":
        return Charge(logical_id, kind, MIN_OCU * OCU_HOUR * HOURS_PER_MONTH, "at least 0.5 + 0.5 OCU at $0.24/OCU-hour")
    if kind in ("AWS::Lambda::Alias", "AWS::Lambda::Version") and props.get("ProvisionedConcurrencyConfig"):
        raise UnknownResourceError(f"{logical_id}: provisioned concurrency bills by the hour and is not priced here")
    if kind == "AWS::Lambda::Function" and (props.get("SnapStart") or {}).get("ApplyOn") == "PublishedVersions":
        return Charge(logical_id, kind, 0.0, "SnapStart: cache charge per GB of snapshot while the version is active (not estimated)")
    return None


def idle(template: dict[str, Any]) -> tuple[list[Charge], dict[str, int]]:
    """Every idle charge, and the count of idle-free resources per type; unknown types raise."""
    charges: list[Charge] = []
    free: dict[str, int] = {}
    for logical_id, resource in template.get("Resources", {}).items():
        kind, props = resource["Type"], resource.get("Properties", {})
        charge = _idle_charge(logical_id, kind, props)
        if charge is not None:
            charges.append(charge)
        elif kind in FREE:
            free[kind] = free.get(kind, 0) + 1
        else:
            raise UnknownResourceError(f"{logical_id}: resource type {kind} is not classified in infra/cost.py; add it with its price")
    return charges, free


# Per-use assumptions (printed with the figures).
LAMBDA_GB_SECOND, LAMBDA_REQUEST = 0.0000133334, 0.20 / 1e6  # arm64
API_REQUEST = 3.50 / 1e6
DDB_READ_UNIT, DDB_WRITE_UNIT = 0.125 / 1e6, 0.625 / 1e6
S3_PUT, S3_GET = 0.005 / 1000, 0.0004 / 1000
GUARDRAIL_TEXT_UNIT = 0.15 / 1000  # content filters, per 1,000 characters
S3_VECTORS_QUERY = 2.50 / 1e6

# DynamoDB units (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html): a read
# unit per 4 KB strongly consistent, half that eventually consistent, the minimum even for an item that does not exist;
# "transactional write requests require 2 write units to perform one write for items up to 1 KB", the larger of the item
# before and after an update. A global secondary index adds 1 write per 1 KB entry when an update changes the entry, 2
# when it changes the entry's key (GSI.html#GSI.ThroughputConsiderations.Writes); index writes are not doubled by a
# transaction (the docs double "every item in the transaction" and are silent on index entries: an assumption).
# Item sizes in bytes, measured with bench/dynamodb_units.py's item_size on items the chat function wrote (Cognito sub):
BYTES_PER_TOKEN = 4  # stored text per token (English ~4 characters of 1 byte; Korean ~1.3 characters of 3 bytes)
USER_ITEM, ASSISTANT_ITEM, SUMMARY_ITEM = 225, 290, 435  # a message's attributes besides its text; a conversation's summary
USAGE_ROW = 445  # a user's day or month row with one chat model and the guardrail; each further model adds ~165 bytes
ACCOUNT_ROW = 110  # the deployment's day row (with a daily ceiling): not in the by_period index
OVERRIDE_KEYS = 1  # budget override keys a BatchGetItem reads: the caller, plus one per Cognito group the caller is in
LAMBDA_ROUND_TRIP = 0.010  # seconds a function waits for one DynamoDB request (assumed; not measured here)
METERING_OWN_SECONDS = 0.003  # own time metering adds per warm /chat (bench.warm, docs/performance.md#metering)


def _wru(size: int, *, transactional: bool = True) -> int:
    return (2 if transactional else 1) * math.ceil(size / 1024)


@dataclass(frozen=True)
class Storage:
    """DynamoDB read and write units of one request, and what they are."""

    read_units: float
    write_units: float
    what: str

    @property
    def cost(self) -> float:
        return self.read_units * DDB_READ_UNIT + self.write_units * DDB_WRITE_UNIT


def conversation_storage(window: int, tokens_in: int, tokens_out: int) -> Storage:
    """A chat turn in a running conversation: the window Query (strongly consistent) and the turn's transaction (two
    message Puts, the summary Update that moves the summary's index key: 2 index writes)."""
    user, assistant = USER_ITEM + tokens_in * BYTES_PER_TOKEN, ASSISTANT_ITEM + tokens_out * BYTES_PER_TOKEN
    reads = math.ceil((SUMMARY_ITEM + window * (user + assistant)) / 4096)
    writes = _wru(user) + _wru(assistant) + _wru(SUMMARY_ITEM) + 2 * _wru(SUMMARY_ITEM, transactional=False)
    return Storage(reads, writes, f"1 Query ({reads} RRU) + the turn's transaction ({writes} WRU)")


def metering_storage(transactions: int, ceiling: bool) -> Storage:
    """Metering one request (common/usage/ledger.py): `transactions` writes of the caller's day and month rows (a
    reservation, RAG's extension, the settle), each an Update of 2 rows and their index entries, plus the deployment's
    day row with a ceiling; the budget overrides (one BatchGetItem, eventually consistent, cached 60 s per container:
    counted on every request, the most it can be), and with a ceiling a GetItem of the deployment's day per settle."""
    per = 2 * (_wru(USAGE_ROW) + _wru(USAGE_ROW, transactional=False)) + (_wru(ACCOUNT_ROW) if ceiling else 0)
    reads = 0.5 * OVERRIDE_KEYS + (0.5 if ceiling else 0.0)
    return Storage(reads, transactions * per, f"{transactions} usage writes ({transactions * per} WRU) + overrides read ({reads:g} RRU)")


@dataclass(frozen=True)
class Use:
    name: str
    assumptions: str
    items: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.items.values())


def per_use(config: Any) -> list[Use]:
    from infra.catalog import CHAT_MODELS, EMBEDDING_MODELS, IMAGE_MODELS, split_profile

    chat = CHAT_MODELS[split_profile(config.models.chat.default)[1]]
    rag_model = CHAT_MODELS[split_profile(config.models.rag)[1]]
    image = IMAGE_MODELS[config.models.image.default]
    embed = EMBEDDING_MODELS[config.models.embedding.model_id]
    window = config.memory.window_turns
    memory = {name: getattr(config.functions, name).memory_mb / 1024 for name in ("chat", "rag", "image")}
    chat_in, chat_out = window * (100 + 300) + 100, 300
    rag_in, rag_out = 5 * 300 + 100 + 30, 400
    ceiling = config.budgets.daily_ceiling_usd is not None
    turn, chat_meter = conversation_storage(window, 100, chat_out), metering_storage(2, ceiling)  # the settle rides in the turn's
    rag_meter, image_meter = metering_storage(3, ceiling), metering_storage(2, ceiling)  # RAG: reserve, extend, settle
    metering_lambda = memory["chat"] * (METERING_OWN_SECONDS + LAMBDA_ROUND_TRIP) * LAMBDA_GB_SECOND

    def platform(function: str, seconds: float) -> dict[str, float]:
        return {"API Gateway": API_REQUEST, "Lambda": LAMBDA_REQUEST + memory[function] * seconds * LAMBDA_GB_SECOND}

    return [
        Use(
            "chat turn",
            f"{chat.name}; window {window} turns x (100 + 300) tokens + 100 in, {chat_out} out; "
            f"guardrail on ~2 text units; 3 s at {memory['chat'] * 1024:.0f} MB; DynamoDB: {turn.what}, metering {chat_meter.what} "
            f"(the settle in the turn's transaction); {BYTES_PER_TOKEN} bytes stored per token",
            {
                "model": chat_in * chat.price_input_per_million / 1e6 + chat_out * chat.price_output_per_million / 1e6,
                "guardrail": 2 * GUARDRAIL_TEXT_UNIT,
                "DynamoDB": turn.cost + chat_meter.cost,
                **platform("chat", 3.0),
            },
        ),
        Use(
            "RAG query",
            f"{rag_model.name}; 5 chunks x 300 + 130 tokens in, {rag_out} out; {embed.name} on 30 tokens; "
            f"1 vector query; guardrail on ~3 text units; 4 s; metering {rag_meter.what}",
            {
                "model": rag_in * rag_model.price_input_per_million / 1e6 + rag_out * rag_model.price_output_per_million / 1e6,
                "embedding": 30 * embed.price_input_per_million / 1e6,
                "vector query": S3_VECTORS_QUERY,
                "guardrail": 3 * GUARDRAIL_TEXT_UNIT,
                "metering": rag_meter.cost,
                **platform("rag", 4.0),
            },
        ),
        Use(
            "image",
            f"{image.name} at ${image.price_per_image}/image; prompt guardrail 1 text unit (the image check is "
            f"priced per image: not included); 1 S3 PUT + 1 GET; 8 s; metering {image_meter.what}",
            {
                "model": image.price_per_image,
                "guardrail": GUARDRAIL_TEXT_UNIT,
                "S3": S3_PUT + S3_GET,
                "metering": image_meter.cost,
                **platform("image", 8.0),
            },
        ),
        Use(
            "metering per 1,000 turns",
            f"per turn one request more (the reservation; the settle's Updates ride in the turn's "
            f"transaction): {chat_meter.write_units:g} WRU{' (the daily ceiling row included)' if ceiling else ''}, usage rows "
            f"under 1 KB; the overrides read on every turn, the most the 60 s cache allows ({OVERRIDE_KEYS} key, "
            f"{chat_meter.read_units:g} RRU); Lambda: {METERING_OWN_SECONDS * 1000:g} ms own time (measured) + one DynamoDB "
            f"round trip ({LAMBDA_ROUND_TRIP * 1000:g} ms, assumed) at {memory['chat'] * 1024:.0f} MB",
            {
                "DynamoDB writes": 1000 * chat_meter.write_units * DDB_WRITE_UNIT,
                "DynamoDB reads": 1000 * chat_meter.read_units * DDB_READ_UNIT,
                "Lambda": 1000 * metering_lambda,
            },
        ),
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
    Prices from infra/catalog/customizable.json, each with its source ([second-hand] where AWS's tables were not read)."""
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
