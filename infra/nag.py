"""cdk-nag AwsSolutions acknowledgments: each on the narrowest construct, each with its reason.

docs/security.md lists them too; an infra test fails if a finding appears that is not here.
"""

from __future__ import annotations

from typing import cast

from aws_cdk import Acknowledgment, CfnElement, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct

from infra.constants import ATTACHMENTS_PREFIX
from infra.nag_customization import LIST_ACTIONS, acknowledge_customization
from infra.nag_serverless import acknowledge_serverless_findings

XRAY = (
    "X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level "
    "permissions, so the Lambda tracing policy must name Resource '*'."
)
GEOGRAPHIC_PROFILE = (
    "Geographic cross-region inference: the profile routes each call to a destination region that AWS chooses and "
    "may add to, so the foundation-model ARN is granted in any region (wildcard in the region field only), and only "
    "for calls made through the configured inference profile (ArnEquals on bedrock:InferenceProfileArn)."
)
PYTHON_313 = (
    "The product pins Lambda functions to Python 3.13 (arm64), the runtime its dependency wheels and "
    "tests target; moving to a newer runtime is a deliberate, tested upgrade, not a synth-time default."
)


def _ack(scope: IConstruct, finding: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=f"AwsSolutions::AwsSolutions-{finding}", reason=reason))


def _default_policy(role: iam.Role) -> IConstruct:
    return role.node.find_child("DefaultPolicy")


def _logical_id(stack: Stack, construct: IConstruct) -> str:
    return stack.get_logical_id(cast(CfnElement, construct.node.default_child))


def acknowledge_findings(stack: Stack) -> None:
    from infra.stack import GenAiStack

    assert isinstance(stack, GenAiStack)
    config = stack.deployment.config
    functions = stack.functions

    for name, function in functions.functions.items():
        _ack(function, "L1", PYTHON_313)
        _ack(_default_policy(functions.roles[name]), "IAM5[Resource::*]", XRAY + (f" {LIST_ACTIONS}" if name == "customize" else ""))

    deployment = stack.deployment
    translation = [deployment.translation_model] if deployment.translation_model else []
    invoked = {
        "chat": deployment.chat_models,
        "rag": deployment.text_models,
        "image": translation,
        "chat_stream": deployment.chat_models,
        "rag_stream": deployment.text_models,
    }
    for name, models in invoked.items():
        for model in models:
            if model.profile_prefix not in (None, "global"):
                arn = f"arn:<AWS::Partition>:bedrock:*::foundation-model/{model.foundation_model_id}"
                _ack(_default_policy(functions.roles[name]), f"IAM5[Resource::{arn}]", GEOGRAPHIC_PROFILE)

    kb = stack.knowledge_base
    documents_arn = f"<{_logical_id(stack, kb.documents_bucket)}.Arn>/{kb.prefix}*"
    prefix_reason = (
        f"Object-level permissions are scoped to the documents prefix ({kb.prefix}*); S3 object ARNs under a prefix "
        "can only be named with a trailing wildcard. Listing is limited to the same prefix by condition."
    )
    for scope in (_default_policy(functions.roles["rag"]), kb.node.find_child("KnowledgeBasePolicy")):
        _ack(scope, f"IAM5[Resource::{documents_arn}]", prefix_reason)
    _ack(
        _default_policy(functions.roles["rag_stream"]),
        f"IAM5[Resource::{documents_arn}]",
        f"Read-only (s3:GetObject) under the documents prefix ({kb.prefix}*), to presign links to the cited documents; "
        "S3 object ARNs under a prefix can only be named with a trailing wildcard. No listing, upload or delete.",
    )
    _ack(
        _default_policy(functions.roles["image"]),
        f"IAM5[Resource::<{_logical_id(stack, stack.images_bucket)}.Arn>/images/*]",
        "Generated images are written and read under the images/ prefix, with one sub-prefix per user chosen by "
        "the function from the caller's verified identity; object ARNs under a prefix need a trailing wildcard.",
    )

    attachments_arn = f"<{_logical_id(stack, stack.images_bucket)}.Arn>/{ATTACHMENTS_PREFIX}*"
    for name, access in (("chat", "read, upload (presigned POST) and delete with the conversation"), ("chat_stream", "read")):
        _ack(
            _default_policy(functions.roles[name]),
            f"IAM5[Resource::{attachments_arn}]",
            f"Files in chat: {access} under the attachments/ prefix only; the function keeps each caller to "
            "attachments/<sub>/ from the verified identity; object ARNs under a prefix need a trailing wildcard.",
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
            "WAF is an optional feature (features.waf.enabled, on in the prod profile); a web ACL bills a fixed monthly "
            "charge, which the dev profile avoids. Cognito auth on every method and stage throttling still apply.",
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
    acknowledge_customization(stack, functions.roles["customize"], [functions.roles["chat"], functions.roles["chat_stream"]])
    acknowledge_serverless_findings(stack)
