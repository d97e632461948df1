"""Custom models and their on-demand deployments: list, deploy, register as a chat model, delete.

On-demand deployment (CreateCustomModelDeployment) exists only for the base models and Regions the catalog names,
for models customized on or after 2025-07-16
(https://docs.aws.amazon.com/bedrock/latest/userguide/deploy-custom-model-on-demand.html). Any other custom model
can be served only through Provisioned Throughput, billed by the hour whether used or not: the API explains it with
the catalog's hourly price and never buys it. Deleting a deployment does not delete the custom model, which keeps
its monthly storage charge until it is deleted too. A custom model whose base model is past its Bedrock end of life
serves nothing: deploy and register refuse it first (customize/base_lifecycle.py), and the list says so.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from common.custom_models import END_OF_LIFE, ModelRegistry
from common.errors import ApiError, ConflictError, NotFoundError
from common.runtime_config import ChatModelSpec, ParamRanges, Price
from customize import aws, base_lifecycle
from customize.customization_catalog import BaseModelInfo
from customize.jobs import Context
from customize.models import CustomModel, Deleted, Deployment, DeploymentRequest


class ProvisionedThroughputOnlyError(ApiError):
    status = 409
    code = "provisioned_throughput_only"


def _base_of(ctx: Context, found: dict[str, Any]) -> BaseModelInfo | None:
    base_id = found["baseModelArn"].rsplit("/", 1)[-1]
    return next((m for m in ctx.catalog.base_models if m.id == base_id), None)


def _model(ctx: Context, name: str) -> dict[str, Any]:
    with aws.control_errors(f"custom model {name}"):
        found: dict[str, Any] = ctx.bedrock.get_custom_model(modelIdentifier=aws.full_name(ctx.stack_tag, name))
    if aws.short_name(ctx.stack_tag, found["modelName"]) is None:
        raise NotFoundError(f"custom model {name} not found")
    return found


def _deployments(ctx: Context) -> list[dict[str, Any]]:
    with aws.control_errors("deployments"):
        page = ctx.bedrock.list_custom_model_deployments(nameContains=aws.prefix(ctx.stack_tag) + "-", maxResults=100)
    return [d for d in page.get("modelDeploymentSummaries", []) if aws.short_name(ctx.stack_tag, d["customModelDeploymentName"])]


def _deploy_option(ctx: Context, base: BaseModelInfo | None) -> dict[str, Any]:
    if base is not None and base.on_demand and ctx.catalog.region in base.on_demand.regions:
        return {"on_demand": True, "source": base.on_demand.source}
    hourly = base.prices.provisioned_throughput_per_hour if base else None
    sources = ctx.catalog.sources_of(base, "provisioned_throughput_per_hour") if base else []
    cited = "; ".join(f"[{s['label']}] {s['url'] or s['what']}" for s in sources)
    price = "priced per hour (see the Bedrock price page)"
    if hourly:
        price = f"about ${hourly:.2f} an hour per model unit (no commitment) [{cited}]"
    regions = ", ".join(base.on_demand.regions) if base and base.on_demand else "none"
    return {
        "on_demand": False,
        "message": f"On-demand deployment is not available for this base model in {ctx.catalog.region} (on-demand Regions: {regions}). "
        f"It can be served only through Provisioned Throughput, {price}, billed whether used or not; this product never buys it. "
        "/ 이 모델은 이 리전에서 온디맨드 배포가 되지 않습니다. 프로비저닝된 처리량(시간당 과금)만 가능하며 자동으로 구매하지 않습니다.",
        "provisioned_throughput_per_hour_usd": hourly,
        "source": "https://docs.aws.amazon.com/bedrock/latest/userguide/deploy-custom-model-on-demand.html",
    }


def _retired_option(note: str | None) -> dict[str, Any]:
    return {"on_demand": False, "end_of_life": True, "message": note, "source": base_lifecycle.SOURCE}


def list_models(ctx: Context, today: date) -> list[CustomModel]:
    with aws.control_errors("custom models"):
        page = ctx.bedrock.list_custom_models(nameContains=aws.prefix(ctx.stack_tag) + "-", maxResults=100)
    found = []
    for summary in page.get("modelSummaries", []):
        short = aws.short_name(ctx.stack_tag, summary["modelName"])
        if short is None:
            continue
        base = _base_of(ctx, summary)
        lifecycle = base_lifecycle.view(short, base, today)
        retired = lifecycle is not None and not lifecycle.usable  # nothing serves it: no Provisioned Throughput offer
        found.append(
            CustomModel(
                name=short,
                arn=summary["modelArn"],
                base_model_id=summary["baseModelArn"].rsplit("/", 1)[-1],
                status=summary.get("modelStatus"),
                created_at=aws.iso(summary["creationTime"]) or "",
                storage_per_month_usd=base.prices.storage_per_month if base else None,
                deployment=_retired_option(lifecycle.note if lifecycle else None) if retired else _deploy_option(ctx, base),
                base_lifecycle=lifecycle,
            )
        )
    return found


def delete_model(name: str, ctx: Context) -> Deleted:
    found = _model(ctx, name)
    using = [d["customModelDeploymentName"] for d in _deployments(ctx) if d["modelArn"] == found["modelArn"]]
    if using:
        raise ConflictError(f"custom model {name} is deployed ({', '.join(using)}): delete the deployment first")
    with aws.control_errors(f"custom model {name}"):
        ctx.bedrock.delete_custom_model(modelIdentifier=found["modelArn"])
    base = _base_of(ctx, found)
    storage = base.prices.storage_per_month if base else None
    note = (
        f"its storage charge (about ${storage:.2f} a month) stops" if storage else "its monthly storage charge stops"
    ) + "; the training data and output stay in the training bucket"
    return Deleted(name=name, deleted=True, note=note)


def _deployment(found: dict[str, Any], short: str, registry: ModelRegistry) -> Deployment:
    registered = registry.get(found["customModelDeploymentArn"])
    return Deployment(
        name=short,
        arn=found["customModelDeploymentArn"],
        model_arn=found["modelArn"],
        status=found["status"],
        created_at=aws.iso(found["createdAt"]) or "",
        failure_message=found.get("failureMessage"),
        registered=registered is not None,
        display_name=registered.name if registered else None,
    )


def deploy(request: DeploymentRequest, ctx: Context, registry: ModelRegistry, today: date) -> Deployment:
    """`today` decides the base model's lifecycle: past its end of life a 400 (before the on-demand or Provisioned
    Throughput answer: nothing can serve the model), Legacy a warning on the answer."""
    model = _model(ctx, request.model_name)
    base = _base_of(ctx, model)
    base_lifecycle.refuse_retired(request.model_name, base, today, field="model_name")
    if model.get("modelStatus", "Active") != "Active":
        raise ConflictError(f"custom model {request.model_name} is {model.get('modelStatus')}: it can be deployed once Active")
    option = _deploy_option(ctx, base)
    if not option["on_demand"]:
        raise ProvisionedThroughputOnlyError(option["message"], details=[option])
    name = aws.full_name(ctx.stack_tag, request.name or request.model_name)
    with aws.control_errors(f"deployment {request.name or request.model_name}"):
        ctx.bedrock.create_custom_model_deployment(
            modelDeploymentName=name,
            modelArn=model["modelArn"],
            clientRequestToken=name,
            tags=aws.tags(ctx.stack_tag),
            description=f"{ctx.stack_tag}: {request.model_name}",
        )
    created = get_deployment(request.name or request.model_name, ctx, registry)
    return created.model_copy(update={"warnings": base_lifecycle.warnings(base, today)})


def get_deployment(name: str, ctx: Context, registry: ModelRegistry) -> Deployment:
    with aws.control_errors(f"deployment {name}"):
        found = ctx.bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=aws.full_name(ctx.stack_tag, name))
    if aws.short_name(ctx.stack_tag, found["modelDeploymentName"]) is None:
        raise NotFoundError(f"deployment {name} not found")
    return _deployment({**found, "customModelDeploymentName": found["modelDeploymentName"]}, name, registry)


def list_deployments(ctx: Context, registry: ModelRegistry) -> list[Deployment]:
    return [_deployment(d, aws.short_name(ctx.stack_tag, d["customModelDeploymentName"]) or "", registry) for d in _deployments(ctx)]


def delete_deployment(name: str, ctx: Context, registry: ModelRegistry) -> Deleted:
    found = get_deployment(name, ctx, registry)
    registry.delete(found.arn)  # gone from the picker first: no turn starts on a deployment being deleted
    with aws.control_errors(f"deployment {name}"):
        ctx.bedrock.delete_custom_model_deployment(customModelDeploymentIdentifier=found.arn)
    return Deleted(name=name, deleted=True, note="the custom model is kept (delete it to stop its monthly storage charge)")


def register(name: str, display_name: str, ctx: Context, registry: ModelRegistry, today: date) -> Deployment:
    found = get_deployment(name, ctx, registry)
    with aws.control_errors(f"deployment {name}"):
        model = ctx.bedrock.get_custom_model(modelIdentifier=found.model_arn)
    base = _base_of(ctx, model)
    short = aws.short_name(ctx.stack_tag, model["modelName"]) or model["modelName"]
    base_lifecycle.refuse_retired(short, base, today, field="name")  # a chat model no request could reach
    if found.status != "Active":
        raise ConflictError(f"deployment {name} is {found.status}: it can be registered once Active")
    if base is None:
        raise ConflictError(f"the base model of {name} is not in the customization catalog: its parameter rules are unknown")
    rules = base.inference
    spec = ChatModelSpec(
        id=found.arn,
        name=display_name,
        family=base.family,
        max_output_tokens=rules.max_output_tokens,
        params=ParamRanges(temperature=rules.temperature, top_p=rules.top_p, top_k=rules.top_k),
        temperature_with_top_p=rules.temperature_with_top_p,
        max_stop_sequences=rules.max_stop_sequences,
        output_tokens_per_second=rules.output_tokens_per_second,
        price=Price(input_per_million=base.prices.input_per_million or 0.0, output_per_million=base.prices.output_per_million or 0.0),
    )
    details = {"deployment_name": name, "base_model_id": base.id}
    if base.lifecycle.end_of_life:  # the chat functions stop offering it from that date (common/custom_models.py)
        details[END_OF_LIFE] = base.lifecycle.end_of_life
    registry.put(spec, details)
    return found.model_copy(update={"registered": True, "display_name": display_name})


def unregister(name: str, ctx: Context, registry: ModelRegistry) -> None:
    found = get_deployment(name, ctx, registry)
    if not registry.delete(found.arn):
        raise NotFoundError(f"deployment {name} is not registered")
