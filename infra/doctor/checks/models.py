"""Each configured model as Bedrock lists it in its region: listed at all, its lifecycle against the catalog's
dates, whether it runs on demand, and each configured inference profile with its destination regions.

ListFoundationModels: "Lists Amazon Bedrock foundation models that you can use" (botocore's bedrock model);
`modelLifecycle.status` is ACTIVE or LEGACY, with `legacyTime` and `endOfLifeTime`. There is no END_OF_LIFE
status: a model past its end of life is treated as gone when it is no longer listed (what Bedrock does then is
not documented). Real answers can carry `inferenceTypesSupported: ["INFERENCE_PROFILE"]` for models that run
only through a profile, beyond botocore's ON_DEMAND / PROVISIONED; "no ON_DEMAND" is read as "profile only".
GetInferenceProfile's `models` name one foundation-model ARN per destination region.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from infra.catalog import CHAT_MODELS, IMAGE_MODELS, Lifecycle, current_models
from infra.deployment import Deployment
from infra.doctor import aws
from infra.doctor.report import Check, fail, ok, warn
from infra.doctor.target import Target

EOL_NOTICE_DAYS = 90


@dataclass(frozen=True)
class Configured:
    """A model the stack invokes, where it invokes it."""

    requested_id: str  # as configured (a profile id like us.anthropic..., or a bare id)
    foundation_id: str
    name: str
    family: str
    region: str
    prefix: str | None  # inference profile prefix, None: invoked in-region on demand
    destinations: tuple[str, ...]  # the catalog's destination regions for the profile
    lifecycle: Lifecycle


def configured(deployment: Deployment) -> list[Configured]:
    found: dict[str, Configured] = {}
    for model in deployment.text_models:
        info = CHAT_MODELS[model.foundation_model_id]
        found[model.requested_id] = Configured(
            model.requested_id,
            info.model_id,
            info.name,
            info.family,
            deployment.region,
            model.profile_prefix,
            model.destination_regions,
            info.lifecycle,
        )
    for image in deployment.image_models:
        found[image.model_id] = Configured(
            image.model_id,
            image.model_id,
            image.name,
            image.family,
            deployment.image_region,
            None,
            (deployment.image_region,),
            image.lifecycle,
        )
    embedding = deployment.embedding
    found[embedding.model_id] = Configured(
        embedding.model_id, embedding.model_id, embedding.name, embedding.family, deployment.region, None, (deployment.region,), Lifecycle()
    )
    return list(found.values())


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10]) if value else None


def _alternatives(model: Configured, today: date) -> str:
    catalog = IMAGE_MODELS if model.foundation_id in IMAGE_MODELS else CHAT_MODELS
    return ", ".join(m for m in current_models(catalog, today) if m != model.foundation_id) or "none in the catalog"


def _lifecycle(model: Configured, summary: dict[str, Any], today: date) -> list[Check]:
    title = f"model {model.requested_id}"
    service = summary.get("modelLifecycle") or {}
    status, legacy, eol = service.get("status", "ACTIVE"), _day(service.get("legacyTime")), _day(service.get("endOfLifeTime"))
    catalog_eol = _day(model.lifecycle.end_of_life)
    move = f"Move to a current model ({_alternatives(model, today)}) in the configuration (models.*), then deploy."
    move_ko = "설정(models.*)에서 현재 모델로 바꾼 뒤 배포하세요."
    checks: list[Check] = []
    if eol and eol <= today:
        return [fail(title, f"past its end of life on {eol} (Bedrock's modelLifecycle): calls fail", move, move_ko)]
    if status == "LEGACY":
        stale = (
            " infra/catalog/models.json still calls it Active: update its Lifecycle." if model.lifecycle.status(today) == "ACTIVE" else ""
        )
        since = f" since {legacy}" if legacy else ""
        checks.append(
            warn(
                title,
                f"Legacy{since} in {model.region}, end of life {eol or 'not announced'} (Bedrock's modelLifecycle).{stale}",
                move + " Bedrock may refuse a Legacy model to accounts that have not used it recently.",
                f"{eol or '미정'}에 지원이 끝나는 Legacy 모델입니다. " + move_ko,
            )
        )
    elif eol and (eol - today).days <= EOL_NOTICE_DAYS:
        checks.append(warn(title, f"end of life on {eol}, in {(eol - today).days} days (Bedrock's modelLifecycle)", move, move_ko))
    if eol and catalog_eol and eol != catalog_eol:
        checks.append(
            warn(
                title,
                f"end-of-life dates differ: Bedrock says {eol}, infra/catalog/models.json says {catalog_eol} (Bedrock's applies)",
                "Update the model's Lifecycle in infra/catalog/models.json.",
                "infra/catalog/models.json의 수명 주기 날짜를 고치세요.",
            )
        )
    return checks


def _profile(target: Target, model: Configured) -> tuple[list[Check], str]:
    title = f"inference profile {model.requested_id}"
    client = target.session.client("bedrock", region_name=model.region, config=aws.CONFIG)
    try:
        profile = client.get_inference_profile(inferenceProfileIdentifier=model.requested_id)
    except aws.AWS_ERRORS as err:
        if aws.denied(err):
            return [warn(title, f"cannot verify: bedrock:GetInferenceProfile was refused ({aws.code(err)})")], ""
        offered = _offered_profiles(client, model.foundation_id)
        return [
            fail(
                title,
                f"not offered in {model.region} ({aws.code(err)}: {aws.message(err)})",
                f"Use a profile this region offers for {model.name}: {', '.join(offered) or 'none; pick another model or region'}.",
                f"이 리전에서 제공되는 프로파일을 쓰세요: {', '.join(offered) or '없음'}.",
            )
        ], ""
    regions = sorted({arn.split(":")[3] for arn in (m.get("modelArn", "") for m in profile.get("models", [])) if arn.count(":") >= 4})
    routes = f"; the {model.prefix} profile routes to {', '.join(regions)}"
    if model.prefix == "global" or set(regions) == set(model.destinations):
        return [], routes
    return [
        warn(
            title,
            f"routes to {', '.join(regions)}; infra/catalog/models.json lists {', '.join(model.destinations)}",
            "Nothing to do for the deploy: the functions' IAM grant allows the model in any region through this profile "
            "(infra/model_access.py). Update the profile's regions in infra/catalog/models.json.",
            "배포에는 문제없습니다 (IAM이 프로파일을 통한 모든 리전을 허용). infra/catalog/models.json의 리전 목록을 고치세요.",
        )
    ], routes


def _offered_profiles(client: Any, foundation_id: str) -> list[str]:
    try:
        pages = client.get_paginator("list_inference_profiles").paginate(typeEquals="SYSTEM_DEFINED")
        return sorted(
            p["inferenceProfileId"]
            for page in pages
            for p in page["inferenceProfileSummaries"]
            if p["inferenceProfileId"].endswith("." + foundation_id)
        )
    except aws.AWS_ERRORS:
        return []


def _listing(target: Target, region: str) -> dict[str, dict[str, Any]] | Exception:
    try:
        answer = target.session.client("bedrock", region_name=region, config=aws.CONFIG).list_foundation_models()
    except aws.AWS_ERRORS as err:
        return err
    return {m["modelId"]: m for m in answer.get("modelSummaries", [])}


def model_checks(target: Target) -> list[Check]:
    assert target.deployment is not None
    listings: dict[str, dict[str, dict[str, Any]] | Exception] = {}
    checks: list[Check] = []
    for model in configured(target.deployment):
        if model.region not in listings:
            listings[model.region] = listing = _listing(target, model.region)
            if isinstance(listing, Exception):
                checks.append(_listing_error(listing, model.region))
        listing = listings[model.region]
        if isinstance(listing, Exception):
            continue
        checks += _model(target, model, listing)
    return checks


def _listing_error(err: Exception, region: str) -> Check:
    if aws.denied(err):
        return warn(
            "models",
            f"cannot verify the models in {region}: bedrock:ListFoundationModels was refused ({aws.code(err)})",
            "Grant bedrock:ListFoundationModels (docs/doctor.md).",
            "bedrock:ListFoundationModels 권한을 주세요.",
        )
    if aws.unreachable(err):
        return fail(
            "models",
            f"Amazon Bedrock does not answer in {region} ({aws.code(err)})",
            "Deploy in a region where Amazon Bedrock is offered (REGION=<name>).",
            "Bedrock을 제공하는 리전에 배포하세요.",
        )
    return warn("models", f"cannot verify the models in {region}: {aws.code(err)}: {aws.message(err)}")


def _model(target: Target, model: Configured, listing: dict[str, dict[str, Any]]) -> list[Check]:
    title = f"model {model.requested_id}"
    summary = listing.get(model.foundation_id)
    if summary is None:
        return [
            fail(
                title,
                f"{model.foundation_id} ({model.name}) is not listed by Bedrock in {model.region}: retired, or not served there",
                f"Choose a model Bedrock lists in {model.region} ({_alternatives(model, target.today)}) in the configuration "
                "(models.*); `aws bedrock list-foundation-models` shows them.",
                f"{model.region}에서 제공되는 다른 모델을 설정(models.*)에서 고르세요.",
            )
        ]
    checks = _lifecycle(model, summary, target.today)
    routes = ""
    if model.prefix is None:
        types = summary.get("inferenceTypesSupported") or []
        if "ON_DEMAND" not in types:
            checks.append(
                fail(
                    title,
                    f"Bedrock runs {model.foundation_id} in {model.region} only through an inference profile "
                    f"(inferenceTypesSupported: {', '.join(types) or 'none'})",
                    "Configure its profile id instead (e.g. us./eu./apac./global. before the id: docs/configuration.md).",
                    "모델 ID 앞에 추론 프로파일 접두사(us., eu., apac., global.)를 붙여 설정하세요.",
                )
            )
    else:
        problems, routes = _profile(target, model)
        checks += problems
    if checks:
        return checks
    status = "Active" if (summary.get("modelLifecycle") or {}).get("status", "ACTIVE") == "ACTIVE" else "Legacy"
    return [ok(title, f"{status} in {model.region}{routes or ', on demand'}")]
