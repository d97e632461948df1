"""Does the region offer what the stack builds: S3 Vectors, Bedrock Knowledge Bases, the guardrail's
cross-region profile (STANDARD tier) and image content filters.

S3 Vectors and Knowledge Bases are probed live with a one-item list call: AWS publishes no API that says
whether a service exists in a region, and botocore resolves an endpoint name for any region string. Where a
service has no endpoint the call cannot connect (EndpointConnectionError; a DNS failure for the hostname), which
is read as "not offered here". The exact failure in an unsupported region is not documented. AccessDenied
means the service answered: it exists, but the caller may not list it (a warning, not a failure).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from infra.doctor import aws
from infra.doctor.report import Check, fail, ok, warn
from infra.doctor.target import Target
from infra.guardrail_policy import (
    CONTENT_FILTER_TYPES,
    IMAGE_FILTER_DOC,
    IMAGE_FILTER_GA_REGIONS,
    GuardrailRegionError,
    guardrail_profile,
    image_filter_plan,
)

MOVE_REGION = "Deploy in a region that offers it: set `region` in cdk.json or an override file, or pass REGION=<name> (-c region=<name>)."
MOVE_REGION_KO = "이 기능을 제공하는 리전에 배포하세요: cdk.json 또는 재정의 파일의 `region`, 또는 REGION=<이름>."


def _probe(title: str, what: str, action: str, call: Callable[[], Any], region: str) -> Check:
    try:
        call()
    except aws.AWS_ERRORS as err:
        if aws.unreachable(err):
            return fail(title, f"not offered in {region}: no {what} endpoint answered ({aws.code(err)})", MOVE_REGION, MOVE_REGION_KO)
        if aws.denied(err):
            return warn(
                title,
                f"cannot verify: {action} was refused ({aws.code(err)}); the service answered, so it exists in {region}",
                f"Grant {action} to run this check (docs/doctor.md lists the doctor's read permissions).",
                f"이 검사를 하려면 {action} 권한을 주세요 (docs/doctor.md).",
            )
        return warn(title, f"cannot verify: {aws.code(err)}: {aws.message(err)}")
    return ok(title, f"offered in {region}")


def s3_vectors(target: Target) -> Check:
    client = target.session.client("s3vectors", region_name=target.region, config=aws.CONFIG)
    return _probe(
        "S3 Vectors", "S3 Vectors", "s3vectors:ListVectorBuckets", lambda: client.list_vector_buckets(maxResults=1), target.region
    )


def knowledge_bases(target: Target) -> Check:
    client = target.session.client("bedrock-agent", region_name=target.region, config=aws.CONFIG)
    return _probe(
        "Bedrock Knowledge Bases",
        "Bedrock Agents (bedrock-agent)",
        "bedrock:ListKnowledgeBases",
        lambda: client.list_knowledge_bases(maxResults=1),
        target.region,
    )


def guardrail_region(target: Target) -> Check:
    """The STANDARD tier (the one that reads Korean) runs through a cross-region guardrail profile
    (infra/guardrail_policy.py, from the user guide's guardrails-cross-region-support table)."""
    title = "guardrail profile"
    if target.config is None:
        return warn(title, "skipped: the configuration does not load")
    if target.config.guardrail.tier == "CLASSIC":
        return ok(title, "CLASSIC tier: no cross-region profile needed (CLASSIC reads English, French and Spanish only)")
    try:
        profile = guardrail_profile(target.region)
    except GuardrailRegionError as err:
        return fail(
            title,
            str(err),
            MOVE_REGION + " Or set guardrail.tier to CLASSIC (no Korean).",
            MOVE_REGION_KO + " 또는 guardrail.tier를 CLASSIC으로 (한국어 미지원).",
        )
    return ok(title, f"STANDARD tier through {profile.profile_id} ({', '.join(profile.destinations)})")


def image_filters(target: Target) -> Check:
    title = "image content filters"
    if target.config is None:
        return warn(title, "skipped: the configuration does not load")
    filters = target.config.guardrail.content_filters
    wanted = tuple(t for t in CONTENT_FILTER_TYPES if getattr(filters, t).images)
    if not wanted:
        return ok(title, "not configured (no content filter has images: true)")
    plan = image_filter_plan(target.region, wanted)
    if plan.error:
        return fail(title, plan.error, MOVE_REGION, MOVE_REGION_KO + " 또는 content_filters의 images를 false로 하세요.")
    if plan.warnings:
        return warn(
            title,
            " ".join(plan.warnings),
            f"For production, deploy in a region where they are generally available: "
            f"{', '.join(IMAGE_FILTER_GA_REGIONS)} ({IMAGE_FILTER_DOC}).",
            f"운영 환경은 이미지 필터가 정식 제공되는 리전에 배포하세요: {', '.join(IMAGE_FILTER_GA_REGIONS)}.",
        )
    return ok(title, f"generally available in {target.region} for {', '.join(wanted)}")
