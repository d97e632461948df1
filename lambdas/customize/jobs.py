"""Customization jobs: start (CreateModelCustomizationJob), list, status with loss metrics, stop.

A job starts only from a dataset that passed POST /customize/datasets, for the base model and method it was checked
for, with hyperparameters checked against that model's ranges, the stack's service role, the dataset under the
training prefix and output under the output prefix (`output/<job name>/`). Bedrock writes the training loss per step
to `<output>/model-customization-job-<id>/training_artifacts/step_wise_training_metrics.csv` and, with a validation
set, `validation_artifacts/post_fine_tuning_validation/validation/validation_metrics.csv`
(https://docs.aws.amazon.com/bedrock/latest/userguide/model-customization-analyze.html); the status answer reads
them once they exist. Metering (issue 14): jobs are not metered (docs/customization.md#costs says why); a job is billed
for the tokens trained (dataset tokens x epochs) as it runs, and the place to record that usage would be `job()` seeing
a Completed status for the first time.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from botocore.exceptions import ClientError

from common.errors import BadRequestError, NotFoundError
from common.storage import storage_failure
from customize import aws, datasets, hyperparams
from customize.customization_catalog import BaseModelInfo, Catalog, Teacher
from customize.models import Job, JobRequest

OUTPUT_PREFIX = "output/"
MAX_STEPS = 500  # metric rows returned per file (the last ones)


@dataclass(frozen=True)
class Context:
    catalog: Catalog
    bedrock: Any
    s3: Any
    bucket: str
    role_arn: str
    stack_tag: str


def start(request: JobRequest, ctx: Context, today: date) -> Job:
    """`today` decides the base model's and the teacher's lifecycle: past the end of life a 400 (Bedrock would refuse
    the job), Legacy a warning on the answer."""
    found = datasets.manifest(ctx.s3, ctx.bucket, request.dataset_id)
    model = ctx.catalog.base(found["base_model_id"])
    ctx.catalog.check_pair(model, found["method"], today)  # the catalog, or the date, may have changed since the check
    values = hyperparams.checked(request.hyperparameters, ctx.catalog.hyperparameter_set(model), model.name)
    train_uri, validation_uri = datasets.uris(ctx.bucket, found)
    name = aws.full_name(ctx.stack_tag, request.name)
    call: dict[str, Any] = {
        "jobName": name,
        "customModelName": name,
        "roleArn": ctx.role_arn,
        "clientRequestToken": name,
        "baseModelIdentifier": model.id,
        "customizationType": found["method"],
        "hyperParameters": values,
        "trainingDataConfig": {"s3Uri": train_uri},
        "outputDataConfig": {"s3Uri": f"s3://{ctx.bucket}/{OUTPUT_PREFIX}{name}/"},
        "jobTags": aws.tags(ctx.stack_tag),
        "customModelTags": aws.tags(ctx.stack_tag),
    }
    if validation_uri:
        call["validationDataConfig"] = {"validators": [{"s3Uri": validation_uri}]}
    config, teacher = _customization_config(request, found["method"], model, ctx.catalog, today)
    if config:
        call["customizationConfig"] = config
    # ResourceNotFoundException here is Bedrock refusing the base model or the teacher (end of life), not a missing job
    with aws.control_errors(f"job {request.name}", gone="the base model or the teacher"):
        ctx.bedrock.create_model_customization_job(**call)
    started = job(request.name, ctx)
    return started.model_copy(update={"warnings": ctx.catalog.warnings(model, teacher, today)})


def _customization_config(
    request: JobRequest, method: str, model: BaseModelInfo, catalog: Catalog, today: date
) -> tuple[dict[str, Any], Teacher | None]:
    """DISTILLATION's customizationConfig.distillationConfig.teacherModelConfig (botocore TeacherModelConfig), the
    teacher checked against the catalog on `today`; nothing for the other methods, which take no teacher."""
    if method != "DISTILLATION":
        if request.distillation is not None:
            message = f"the dataset was checked for {method}: a teacher is only for DISTILLATION / 증류 작업에만 교사 모델을 지정합니다"
            raise BadRequestError(message, details=[{"field": "distillation", "message": message}])
        return {}, None
    if request.distillation is None:
        allowed = [t.id for t in catalog.teachers_for(model, today)]
        message = f"a DISTILLATION job needs distillation.teacher_model_id, one of: {', '.join(allowed)} / 교사 모델을 지정하세요"
        raise BadRequestError(message, details=[{"field": "distillation", "message": message, "allowed": allowed}])
    asked = request.distillation
    teacher, length = catalog.teacher(model, asked.teacher_model_id, asked.max_response_length, today)
    config = {"teacherModelConfig": {"teacherModelIdentifier": teacher.id, "maxResponseLengthForInference": length}}
    return {"distillationConfig": config}, teacher


def _own(ctx: Context, full: str) -> str:
    short = aws.short_name(ctx.stack_tag, full)
    if short is None:
        raise NotFoundError("job not found")
    return short


def list_jobs(ctx: Context) -> list[Job]:
    head = aws.prefix(ctx.stack_tag) + "-"
    found: list[Job] = []
    params: dict[str, Any] = {"nameContains": head, "sortBy": "CreationTime", "sortOrder": "Descending", "maxResults": 100}
    with aws.control_errors("jobs"):
        page = ctx.bedrock.list_model_customization_jobs(**params)
    for summary in page.get("modelCustomizationJobSummaries", []):
        short = aws.short_name(ctx.stack_tag, summary["jobName"])
        if short is None:
            continue
        found.append(
            Job(
                name=short,
                job_arn=summary["jobArn"],
                status=summary["status"],
                base_model_id=summary["baseModelArn"].rsplit("/", 1)[-1],
                method=summary.get("customizationType"),
                custom_model_name=summary.get("customModelName"),
                custom_model_arn=summary.get("customModelArn"),
                created_at=aws.iso(summary["creationTime"]) or "",
                ended_at=aws.iso(summary.get("endTime")),
                status_details=_details(summary.get("statusDetails")),
            )
        )
    return found


def _details(details: dict[str, Any] | None) -> dict[str, str]:
    return {k.removesuffix("Details"): v["status"] for k, v in (details or {}).items() if isinstance(v, dict) and "status" in v}


def job(name: str, ctx: Context) -> Job:
    full = aws.full_name(ctx.stack_tag, name)
    with aws.control_errors(f"job {name}"):
        found = ctx.bedrock.get_model_customization_job(jobIdentifier=full)
    _own(ctx, found["jobName"])
    metrics: dict[str, Any] = {}
    if "trainingMetrics" in found:
        metrics["training_loss"] = found["trainingMetrics"].get("trainingLoss")
    if found.get("validationMetrics"):
        metrics["validation_loss"] = [v.get("validationLoss") for v in found["validationMetrics"]]
    metrics.update(_metric_files(ctx, found["outputDataConfig"]["s3Uri"]))
    return Job(
        name=name,
        job_arn=found["jobArn"],
        status=found["status"],
        base_model_id=found["baseModelArn"].rsplit("/", 1)[-1],
        method=found.get("customizationType"),
        custom_model_name=found["outputModelName"],
        custom_model_arn=found.get("outputModelArn"),
        created_at=aws.iso(found["creationTime"]) or "",
        ended_at=aws.iso(found.get("endTime")),
        failure_message=found.get("failureMessage"),
        status_details=_details(found.get("statusDetails")),
        hyperparameters=found.get("hyperParameters", {}),
        metrics=metrics,
        **_teacher(found.get("customizationConfig")),
    )


def _teacher(config: dict[str, Any] | None) -> dict[str, Any]:
    teacher = (config or {}).get("distillationConfig", {}).get("teacherModelConfig")
    if not teacher:
        return {}
    return {"teacher_model_id": teacher["teacherModelIdentifier"], "max_response_length": teacher.get("maxResponseLengthForInference")}


def stop(name: str, ctx: Context) -> Job:
    full = aws.full_name(ctx.stack_tag, name)
    job(name, ctx)  # 404 for a job that is not this stack's
    with aws.control_errors(f"job {name}"):
        ctx.bedrock.stop_model_customization_job(jobIdentifier=full)
    return job(name, ctx)


def _metric_files(ctx: Context, output_uri: str) -> dict[str, Any]:
    """The step-wise loss Bedrock wrote under the job's output prefix (empty until it writes them)."""
    prefix = output_uri.removeprefix(f"s3://{ctx.bucket}/")
    wanted = {"step_wise_training_metrics.csv": "training_steps", "validation_metrics.csv": "validation_steps"}
    found: dict[str, Any] = {}
    try:
        listing = ctx.s3.list_objects_v2(Bucket=ctx.bucket, Prefix=prefix, MaxKeys=1000)
        for item in listing.get("Contents", []):
            label = wanted.get(item["Key"].rsplit("/", 1)[-1])
            if label:
                text = ctx.s3.get_object(Bucket=ctx.bucket, Key=item["Key"])["Body"].read().decode("utf-8")
                found[label] = _rows(text)
    except ClientError as err:
        raise storage_failure(err, "the training bucket") from err
    return found


def _rows(text: str) -> list[dict[str, float]]:
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        try:
            rows.append({k: float(v) for k, v in row.items() if k and v not in (None, "")})
        except ValueError:
            continue  # a row Bedrock wrote in a shape this reader does not know: skipped, never a 5xx
    return rows[-MAX_STEPS:]
