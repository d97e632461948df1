"""Lambda concurrency for the stack's reserved concurrency, and the Bedrock quotas of the default models.

Lambda: "You can reserve up to the Unreserved account concurrency value that is shown, minus 100 for functions that
don't have reserved concurrency" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html);
a deploy that breaks this fails on the ingest function's ReservedConcurrentExecutions ("... decreases account's
UnreservedConcurrentExecution below its minimum value of [100]"; accounts with a lowered limit have reported a
lower floor, e.g. [50]). GetAccountSettings reports ConcurrentExecutions and UnreservedConcurrentExecutions.

Bedrock: "New AWS accounts might receive reduced quotas" (https://docs.aws.amazon.com/bedrock/latest/userguide/quotas-runtime.html);
the values that apply are the ones Service Quotas reports (https://docs.aws.amazon.com/bedrock/latest/userguide/quotas.html).
A quota of 0 refuses every call
(ThrottlingException). Quotas are read for the models the stack calls most: the default chat model and the RAG
model, for the way they are called (on demand, cross-region or global profile). Image models' quotas are not
read: their names in Service Quotas could not be confirmed.
"""

from __future__ import annotations

from typing import Any

from infra import constants
from infra.catalog import CHAT_MODELS
from infra.doctor import aws
from infra.doctor.quotas import quotas_for
from infra.doctor.report import Check, fail, ok, warn
from infra.doctor.target import Target

MIN_UNRESERVED = 100
CONCURRENCY_QUOTA = "L-B99A9384"  # Lambda "Concurrent executions" (docs/operations.md)


def _stack_exists(target: Target) -> bool:
    """A deployed stack already holds its reservation (it is inside UnreservedConcurrentExecutions' difference)."""
    assert target.config is not None
    client = target.session.client("cloudformation", region_name=target.region, config=aws.CONFIG)
    try:
        stack = client.describe_stacks(StackName=target.config.stack_name)["Stacks"][0]
    except aws.AWS_ERRORS:
        return False
    return str(stack.get("StackStatus", "")) not in ("REVIEW_IN_PROGRESS", "DELETE_COMPLETE")


def concurrency(target: Target) -> Check:
    title = "Lambda concurrency"
    try:
        limit = target.session.client("lambda", region_name=target.region, config=aws.CONFIG).get_account_settings()["AccountLimit"]
    except aws.AWS_ERRORS as err:
        return warn(
            title,
            f"cannot verify: {aws.code(err)}: {aws.message(err)}",
            "Grant lambda:GetAccountSettings (docs/doctor.md).",
            "lambda:GetAccountSettings 권한을 주세요.",
        )
    total, unreserved = int(limit.get("ConcurrentExecutions", 0)), int(limit.get("UnreservedConcurrentExecutions", 0))
    needed = 0 if target.config is not None and _stack_exists(target) else constants.INGEST_RESERVED_CONCURRENCY
    detail = f"account limit {total}, unreserved {unreserved}; the stack reserves {constants.INGEST_RESERVED_CONCURRENCY} (ingest)"
    if unreserved - needed < MIN_UNRESERVED:
        wanted = max(1000, total + MIN_UNRESERVED)
        return fail(
            title,
            f"{detail}: Lambda must keep {MIN_UNRESERVED} unreserved, so the deploy would fail on ReservedConcurrentExecutions",
            f"Ask for more concurrency: `aws service-quotas request-service-quota-increase --region {target.region} --service-code lambda "
            f"--quota-code {CONCURRENCY_QUOTA} --desired-value {wanted}` (new accounts often start at 10), or free reserved concurrency.",
            f"Lambda 동시 실행 한도 증가를 요청하세요 (서비스 할당량 lambda {CONCURRENCY_QUOTA}, 예: {wanted}).",
        )
    return ok(title, detail)


def _bedrock_quotas(target: Target) -> list[dict[str, Any]] | Exception:
    client = target.session.client("service-quotas", region_name=target.region, config=aws.CONFIG)
    try:
        return [q for page in client.get_paginator("list_service_quotas").paginate(ServiceCode="bedrock") for q in page["Quotas"]]
    except aws.AWS_ERRORS as err:
        return err


def quota_checks(target: Target) -> list[Check]:
    assert target.deployment is not None
    assert target.config is not None
    quotas = _bedrock_quotas(target)
    if isinstance(quotas, Exception):
        return [
            warn(
                "Bedrock quotas",
                f"skipped: Service Quotas could not be read ({aws.code(quotas)}: {aws.message(quotas)})",
                "Grant servicequotas:ListServiceQuotas (docs/doctor.md), or read them in the Service Quotas console (Amazon Bedrock).",
                "servicequotas:ListServiceQuotas 권한을 주거나 Service Quotas 콘솔에서 확인하세요.",
            )
        ]
    default = target.config.models.chat.default
    models = {m.requested_id: m for m in target.deployment.text_models if m.requested_id in (default, target.config.models.rag)}
    return [_quota_check(target, model.requested_id, model.foundation_model_id, model.profile_prefix, quotas) for model in models.values()]


def _quota_check(target: Target, requested_id: str, foundation_id: str, prefix: str | None, quotas: list[dict[str, Any]]) -> Check:
    title = f"Bedrock quotas {requested_id}"
    name = CHAT_MODELS[foundation_id].name
    found = quotas_for(name, prefix, quotas)
    if not found:
        return warn(
            title,
            f"no per-minute quota named for {name} ({'on-demand' if prefix is None else prefix + ' profile'}) was found",
            "Quota names vary; check Service Quotas → Amazon Bedrock for this model's tokens and requests per minute.",
            "Service Quotas 콘솔에서 이 모델의 분당 토큰/요청 할당량을 확인하세요.",
        )
    shown = ", ".join(f"{q.value:,.0f} {q.unit}/min" for q in found)
    zero = [q for q in found if q.value <= 0]
    if zero:
        steps = "; ".join(
            f"`aws service-quotas request-service-quota-increase --region {target.region} --service-code bedrock --quota-code {q.code} "
            f'--desired-value <n>` ("{q.name}")'
            if q.adjustable
            else f'"{q.name}" is not adjustable: ask AWS Support'
            for q in zero
        )
        return fail(
            title,
            f"{shown}: a quota of 0 refuses every call (ThrottlingException)",
            f"Request an increase (new accounts may start with reduced quotas): {steps}.",
            "할당량이 0이면 모든 호출이 거부됩니다. Service Quotas에서 증가를 요청하세요.",
        )
    return ok(title, f"{shown} ({found[0].kind})")
