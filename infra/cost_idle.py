"""`make cost` (a): what a synthesized template costs while nothing happens.

Every resource type must be classified: an unknown type raises (it might bill by the hour), never counts as free.
Prices are USD list prices (us-east-1/us-west-2) used as assumptions; infra/cost.py prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
            raise UnknownResourceError(f"{logical_id}: resource type {kind} is not classified in infra/cost_idle.py; add it with its price")
    return charges, free
