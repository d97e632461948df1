"""Model access: can this account call each configured model, and what must an administrator do if not.

The process (https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html): access to every serverless
model is on by default; the first call to a third-party model starts an AWS Marketplace subscription in the
background (up to 15 minutes), which needs `aws-marketplace:Subscribe`, `aws-marketplace:Unsubscribe` and
`aws-marketplace:ViewSubscriptions` for whoever calls first, a valid payment method for Marketplace purchases and,
for Anthropic models, the first-use form (once per account, or once in the Organization's management account;
console or PutUseCaseForModelAccess). If a prerequisite is missing the calls fail with AccessDeniedException, and
may keep failing up to 2 minutes after the fix. The Model access page is retired.

GetFoundationModelAvailability's fields are not documented beyond their enums ("Agreement availability.", ...:
https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetFoundationModelAvailability.html). This module reads
them as public preflight code does: regionAvailability NOT_AVAILABLE = not offered in the region;
authorizationStatus NOT_AUTHORIZED = an IAM policy or SCP denies the caller the model; for a Marketplace model,
agreementAvailability NOT_AVAILABLE (or entitlementAvailability NOT_AVAILABLE) = not subscribed yet, PENDING =
subscribing, ERROR = the subscription failed. Amazon's own models need no Marketplace agreement, so their agreement
status is not read. GetUseCaseForModelAccess answering ResourceNotFoundException is read as "Anthropic's form was
never submitted" (undocumented too).
"""

from __future__ import annotations

from typing import Any

from infra.doctor import aws
from infra.doctor.checks.models import Configured, configured
from infra.doctor.report import Check, fail, ok, warn
from infra.doctor.target import Target

# Sold through AWS Marketplace (Anthropic, Stability AI, Cohere); Amazon's models are "available immediately with
# Amazon Bedrock permissions" (second-hand: AWS ML blog on managed entitlements; the model-access page names only
# "third-party" models).
MARKETPLACE_FAMILIES = frozenset({"anthropic", "stability", "cohere-embed"})


def _invoke_example(model: Configured) -> str:
    if model.family in ("stability", "amazon-image"):
        return (
            f"aws bedrock-runtime invoke-model --region {model.region} --model-id {model.requested_id} "
            '--cli-binary-format raw-in-base64-out --body \'{"prompt": "test"}\' /tmp/out.json'
        )
    if model.family.endswith("embed"):
        return (
            f"aws bedrock-runtime invoke-model --region {model.region} --model-id {model.requested_id} "
            '--cli-binary-format raw-in-base64-out --body \'{"inputText": "test"}\' /tmp/out.json'
        )
    return (
        f"aws bedrock-runtime converse --region {model.region} --model-id {model.requested_id} "
        '--messages \'[{"role": "user", "content": [{"text": "hello"}]}]\''
    )


def subscribe_fix(model: Configured) -> tuple[str, str]:
    anthropic = " Anthropic models also need the first-use form (see its line)." if model.family == "anthropic" else ""
    return (
        "An administrator whose identity has aws-marketplace:Subscribe, aws-marketplace:Unsubscribe and "
        "aws-marketplace:ViewSubscriptions, in an account with a valid payment method for AWS Marketplace, invokes the model "
        f"once: `{_invoke_example(model)}`. Bedrock then subscribes the account in the background (up to 15 minutes; "
        "calls may be refused for up to 2 minutes after a fix). Do not add these permissions to the functions' roles: "
        f"the subscription is a one-time, account-wide step.{anthropic}",
        "AWS Marketplace 구독 권한(aws-marketplace:Subscribe, Unsubscribe, ViewSubscriptions)이 있고 결제 수단이 등록된 "
        "관리자가 이 모델을 한 번 호출하세요 (구독 완료까지 최대 15분). 함수 역할에는 이 권한을 주지 마세요.",
    )


def verdict(model: Configured, answer: dict[str, Any]) -> Check:
    """One model's availability answer, read as above."""
    title = f"model access {model.foundation_id}"
    agreement = answer.get("agreementAvailability") or {}
    agreed, note = agreement.get("status", ""), agreement.get("errorMessage", "")
    entitled, authorized, offered = (
        answer.get("entitlementAvailability"),
        answer.get("authorizationStatus"),
        answer.get("regionAvailability"),
    )
    states = f"agreement {agreed}, entitlement {entitled}, authorization {authorized}, region {offered}"
    if offered == "NOT_AVAILABLE":
        return fail(
            title,
            f"not offered in {model.region} ({states})",
            "Choose a model offered in this region, or deploy in another (models.*, REGION=).",
            "이 리전에서 제공되는 모델을 고르거나 다른 리전에 배포하세요.",
        )
    if authorized == "NOT_AUTHORIZED":
        return fail(
            title,
            f"your identity may not use this model ({states}): an IAM policy or an Organizations SCP denies it",
            "Allow bedrock:InvokeModel on this model for the administrators and the account (check SCPs with your "
            "organization's administrator). The doctor reads this with your credentials, not the functions' role.",
            "IAM 정책 또는 SCP가 이 모델을 막고 있습니다. 조직 관리자와 함께 허용하세요.",
        )
    if model.family in MARKETPLACE_FAMILIES:
        fix, fix_ko = subscribe_fix(model)
        if agreed == "PENDING":
            return warn(
                title,
                f"the AWS Marketplace subscription is in progress ({states})",
                "Wait (up to 15 minutes) and run `make doctor` again.",
                "구독이 진행 중입니다. 최대 15분 뒤 다시 확인하세요.",
            )
        if agreed == "ERROR":
            return fail(title, f"the AWS Marketplace subscription failed ({states}{': ' + note if note else ''})", fix, fix_ko)
        if agreed == "NOT_AVAILABLE" or entitled == "NOT_AVAILABLE":
            return fail(title, f"not subscribed yet: the functions' calls would fail with AccessDeniedException ({states})", fix, fix_ko)
    elif entitled == "NOT_AVAILABLE":
        return fail(
            title,
            f"the account is not entitled to this model ({states})",
            "Amazon's models need no subscription: check that no SCP or IAM policy blocks Bedrock for the account, then ask AWS Support.",
            "SCP나 IAM 정책이 Bedrock을 막는지 확인하고, 계속되면 AWS Support에 문의하세요.",
        )
    subscribed = " (AWS Marketplace subscription in place)" if model.family in MARKETPLACE_FAMILIES else ""
    return ok(title, f"ready in {model.region}{subscribed}")


def access_checks(target: Target) -> list[Check]:
    assert target.deployment is not None
    checks: list[Check] = []
    seen: set[tuple[str, str]] = set()
    for model in configured(target.deployment):
        if (model.foundation_id, model.region) in seen:
            continue
        seen.add((model.foundation_id, model.region))
        client = target.session.client("bedrock", region_name=model.region, config=aws.CONFIG)
        try:
            answer = client.get_foundation_model_availability(modelId=model.foundation_id)
        except aws.AWS_ERRORS as err:
            checks.append(
                warn(
                    f"model access {model.foundation_id}",
                    f"cannot verify: {aws.code(err)}: {aws.message(err)}",
                    "Grant bedrock:GetFoundationModelAvailability (docs/doctor.md) to check model access.",
                    "모델 접근을 확인하려면 bedrock:GetFoundationModelAvailability 권한을 주세요.",
                )
            )
            continue
        checks.append(verdict(model, answer))
    if any(m.family == "anthropic" for m in configured(target.deployment)):
        checks.append(anthropic_form(target))
    return checks


def anthropic_form(target: Target) -> Check:
    title = "Anthropic first-use form"
    client = target.session.client("bedrock", region_name=target.region, config=aws.CONFIG)
    try:
        client.get_use_case_for_model_access()
    except aws.AWS_ERRORS as err:
        if aws.not_found(err):
            return fail(
                title,
                "not submitted for this account: Anthropic models refuse calls (AccessDeniedException) until it is",
                "Submit the use-case details once (per account, or once in the Organization's management account, which member "
                "accounts inherit): Bedrock console → Model catalog → an Anthropic model → submit use case details, or "
                "`aws bedrock put-use-case-for-model-access --form-data fileb://use-case.json`. Access follows immediately.",
                "Anthropic 사용 사례 양식을 한 번 제출하세요 (Bedrock 콘솔 → 모델 카탈로그 → Anthropic 모델, 또는 "
                "`aws bedrock put-use-case-for-model-access`). 제출 즉시 사용할 수 있습니다.",
            )
        return warn(
            title,
            f"cannot verify: {aws.code(err)}: {aws.message(err)}",
            "Grant bedrock:GetUseCaseForModelAccess (docs/doctor.md), or check the form in the Bedrock console.",
            "bedrock:GetUseCaseForModelAccess 권한을 주거나 콘솔에서 확인하세요.",
        )
    return ok(title, "submitted")
