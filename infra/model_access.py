"""IAM statements that allow invoking exactly the configured Bedrock models.

* in-region model: its foundation-model ARN in the deploy region;
* geographic profile (us./eu./apac./...): the inference-profile ARN in the deploy region, and the
  foundation-model ARN in any region (`bedrock:*::foundation-model/<id>`), usable only through
  that profile: an ARN condition (ArnEquals) on bedrock:InferenceProfileArn. The docs list each
  destination region with StringEquals on that key
  (https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html);
  naming today's regions would deny calls routed to a region AWS adds to the profile later, while
  the condition (key type ARN, https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html;
  ARN operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN)
  still keeps the grant to calls made through the configured profile;
* global profile: the inference-profile ARN, the foundation-model ARN in the deploy region, and
  the region-less foundation-model ARN that Bedrock checks with aws:RequestedRegion=unspecified.
Source: Bedrock user guide, geographic- and global-cross-region-inference.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import Aws, Stack
from aws_cdk import aws_iam as iam

from infra.catalog import ImageModelInfo, ResolvedModel

INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]


def foundation_model_arn(model_id: str, region: str) -> str:
    return f"arn:{Aws.PARTITION}:bedrock:{region}::foundation-model/{model_id}"


def any_region_foundation_model_arn(model_id: str) -> str:
    """The model in every region (wildcard in the region field only): granted only with the profile condition."""
    return foundation_model_arn(model_id, "*")


def inference_profile_arn(stack: Stack, profile_id: str) -> str:
    return stack.format_arn(service="bedrock", resource="inference-profile", resource_name=profile_id)


def _statements_for(stack: Stack, model: ResolvedModel) -> list[iam.PolicyStatement]:
    base = model.foundation_model_id
    if model.profile_prefix is None:
        return [iam.PolicyStatement(actions=INVOKE_ACTIONS, resources=[foundation_model_arn(base, stack.region)])]
    profile_arn = inference_profile_arn(stack, model.requested_id)
    through_profile = {"bedrock:InferenceProfileArn": profile_arn}
    statements = [iam.PolicyStatement(actions=INVOKE_ACTIONS, resources=[profile_arn])]
    if model.profile_prefix == "global":
        statements += [
            iam.PolicyStatement(
                actions=INVOKE_ACTIONS,
                resources=[foundation_model_arn(base, stack.region)],
                conditions={"StringEquals": through_profile},
            ),
            iam.PolicyStatement(
                actions=INVOKE_ACTIONS,
                resources=[f"arn:{Aws.PARTITION}:bedrock:::foundation-model/{base}"],
                conditions={"StringEquals": {**through_profile, "aws:RequestedRegion": "unspecified"}},
            ),
        ]
    else:
        statements.append(
            iam.PolicyStatement(
                actions=INVOKE_ACTIONS,
                resources=[any_region_foundation_model_arn(base)],
                conditions={"ArnEquals": through_profile},
            )
        )
    return statements


def grant_text_models(stack: Stack, grantee: iam.IGrantable, models: Iterable[ResolvedModel]) -> None:
    for model in models:
        for statement in _statements_for(stack, model):
            grantee.grant_principal.add_to_principal_policy(statement)


def grant_image_models(grantee: iam.IGrantable, models: Iterable[ImageModelInfo], region: str) -> None:
    grantee.grant_principal.add_to_principal_policy(
        iam.PolicyStatement(actions=["bedrock:InvokeModel"], resources=[foundation_model_arn(m.model_id, region) for m in models])
    )
