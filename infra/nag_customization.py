"""cdk-nag acknowledgments for model customization (infra/constructs/customization.py), each with its reason.

Every wildcard here is an id Bedrock or S3 chooses: object keys under a prefix, and the random 12-character ids of
jobs, custom models and deployments. Each Bedrock one also carries a condition on this stack's tag.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct

from infra.catalog import customizable
from infra.constants import CUSTOMIZATION_TAG_KEY

LIST_ACTIONS = (
    "ListModelCustomizationJobs, ListCustomModels and ListCustomModelDeployments have no resource type in the Service "
    "Authorization Reference, so they must name Resource '*'; the function keeps only names with this stack's prefix."
)


def _rendered(stack: Stack, value: str) -> str:
    """A resource string as cdk-nag names it in a finding (tokens as <AWS::Partition>, <Logical.Arn>)."""
    resolved: Any = stack.resolve(value)
    if isinstance(resolved, str):
        return resolved
    parts = resolved["Fn::Join"][1]
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif "Ref" in part:
            out.append(f"<{part['Ref']}>")
        else:
            logical, attribute = part["Fn::GetAtt"]
            out.append(f"<{logical}.{attribute}>")
    return "".join(out)


def _ack(scope: IConstruct, resource: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{resource}]", reason=reason))


def acknowledge_customization(stack: Stack, customize_role: iam.Role, chat_roles: list[iam.Role]) -> None:
    from infra.stack import GenAiStack

    assert isinstance(stack, GenAiStack)
    custom = stack.customization
    manage = customize_role.node.find_child("DefaultPolicy")
    service = custom.role.node.find_child("DefaultPolicy")
    tag = f"aws:ResourceTag/{CUSTOMIZATION_TAG_KEY} (or aws:RequestTag on create) = {custom.stack_tag}"
    for prefix, what in (("uploads/", "files sent by presigned POST"), ("datasets/", "checked datasets"), ("output/", "job output")):
        objects = _rendered(stack, custom.bucket.arn_for_objects(f"{prefix}*"))
        reason = f"Objects under the {prefix} prefix of the training bucket ({what}); object ARNs under a prefix need a trailing wildcard."
        _ack(manage, objects, reason)
        if prefix != "uploads/":
            _ack(service, objects, reason)
    jobs = _rendered(stack, custom.jobs_arn)
    _ack(manage, jobs, f"Customization jobs get random ids; only this stack's jobs, by the condition {tag}.")
    for base in customizable.customizable_in(custom.region):
        arn = _rendered(stack, custom._arn("custom-model", f"{base['id']}/*"))
        _ack(manage, arn, f"Custom models of {base['name']} get random ids; only this stack's, by the condition {tag}.")
    deployments = _rendered(stack, custom._arn("custom-model-deployment"))
    reason = (
        "Custom model deployments get random ids; only this stack's, "
        f"by the condition aws:ResourceTag/{CUSTOMIZATION_TAG_KEY} = {custom.stack_tag}."
    )
    for role in [customize_role, *chat_roles]:
        _ack(role.node.find_child("DefaultPolicy"), deployments, reason)
