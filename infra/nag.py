"""cdk-nag AwsSolutions acknowledgments: each on the narrowest construct, each with its reason.

The README lists them too; an infra test fails if a finding appears that is not here.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import IConstruct

XRAY = (
    "X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level "
    "permissions, so the Lambda tracing policy must name Resource '*'."
)
PYTHON_313 = (
    "The product pins Lambda functions to Python 3.13 (arm64), the runtime its dependency wheels and "
    "tests target; moving to a newer runtime is a deliberate, tested upgrade, not a synth-time default."
)


def _ack(scope: IConstruct, finding: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=f"AwsSolutions-{finding}", reason=reason))


def acknowledge_findings(stack: Stack) -> None:
    from infra.stack import GenAiStack

    assert isinstance(stack, GenAiStack)
    config = stack.deployment.config
    functions = stack.functions

    for function in functions.functions.values():
        _ack(function, "L1", PYTHON_313)
        _ack(function.role.node.find_child("DefaultPolicy"), "IAM5[Resource::*]", XRAY)  # type: ignore[union-attr]

    documents = stack.knowledge_base.documents_bucket
    prefix_reason = (
        "Object-level permissions are scoped to the documents prefix ({prefix}*); S3 object ARNs under a prefix "
        "can only be named with a trailing wildcard. Listing is limited to the same prefix by condition."
    ).format(prefix=stack.knowledge_base.prefix)
    for scope in (functions.functions["rag"].role.node.find_child("DefaultPolicy"), stack.knowledge_base.node.find_child("KnowledgeBasePolicy")):  # type: ignore[union-attr]
        _ack(scope, f"IAM5[Resource::<{stack.get_logical_id(documents.node.default_child)}.Arn>/{stack.knowledge_base.prefix}*]", prefix_reason)  # type: ignore[arg-type]
    images_bucket = stack.images_bucket
    _ack(
        functions.functions["image"].role.node.find_child("DefaultPolicy"),  # type: ignore[union-attr]
        f"IAM5[Resource::<{stack.get_logical_id(images_bucket.node.default_child)}.Arn>/images/*]",  # type: ignore[arg-type]
        "Generated images are written and read under the images/ prefix, with one sub-prefix per user chosen by "
        "the function from the caller's verified identity; object ARNs under a prefix need a trailing wildcard.",
    )

    api = stack.api.rest_api
    _ack(
        api.node.find_child("CloudWatchRole"),
        "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
        "API Gateway's account-level logging role (needed for access logs) uses the AWS-maintained policy "
        "that API Gateway documents for exactly this purpose.",
    )
    if not config.features.waf.enabled:
        _ack(
            stack.api.stage,
            "APIG3",
            "WAF is an optional feature (features.waf.enabled, on in the prod profile); it carries a fixed monthly "
            "charge, and the dev profile keeps an idle deployment at zero cost. Cognito auth and stage throttling still apply.",
        )
    user_pool = stack.auth.user_pool
    if config.features.mfa != "REQUIRED":
        _ack(
            user_pool,
            "COG2",
            f"MFA is {config.features.mfa} (features.mfa): users can enrol TOTP; REQUIRED is one setting away but "
            "would block the scripted CLI sign-in the product supports.",
        )
    _ack(
        user_pool,
        "COG8",
        "The Cognito Plus feature plan (threat protection) is billed per monthly active user; the product keeps "
        "to the pay-per-use Essentials plan with strong passwords, optional TOTP MFA and no self sign-up by default.",
    )
