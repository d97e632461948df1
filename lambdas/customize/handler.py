"""Customize function (admin only): model customization from a dataset to a chat model (docs/customization.md).

Every route answers 401 without a verified caller and 403 to a caller outside the admin group, before it validates
or reads anything.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from common import deadline
from common.api import build_resolver, refusal
from common.auth import caller_from
from common.clock import Clock
from common.custom_models import ModelRegistry
from common.errors import ApiError
from common.observability import logger, metrics, tracer
from common.runtime_config import runtime_config
from common.settings import CustomizeSettings, load_settings
from common.storage import dynamodb_client, s3_client
from customize import aws, datasets, deployments, jobs
from customize.customization_catalog import load_catalog
from customize.models import (
    NAME,
    CustomModelList,
    DatasetReport,
    DatasetRequest,
    Deleted,
    Deployment,
    DeploymentList,
    DeploymentRequest,
    Job,
    JobList,
    JobRequest,
    RegistrationRequest,
    Upload,
    UploadRequest,
)

env = load_settings(CustomizeSettings)  # at import: a missing variable fails the cold start, not each request
config = runtime_config()
catalog = load_catalog()
clock = Clock()  # the system date decides the catalog's lifecycle states (customize/lifecycle.py); tests set a fixed one
app = build_resolver(max_body_bytes=config.limits.max_body_bytes, cors_origins=config.cors_origins)
NamePath = Annotated[str, Path(pattern=NAME, max_length=32)]


@lru_cache(maxsize=1)
def _context() -> jobs.Context:
    return jobs.Context(catalog, aws.bedrock(), s3_client(), env.bucket, env.role_arn, env.stack_tag)


@lru_cache(maxsize=1)
def _registry() -> ModelRegistry:
    return ModelRegistry(dynamodb_client(), env.table_name)


@app.get("/customize/catalog")
def get_catalog() -> dict[str, Any]:
    """Customizable base models (none past its Bedrock end of life): methods, Regions, dataset formats and limits,
    hyperparameters, deployment, prices, lifecycle, sources."""
    return catalog.listing(clock.today())


@app.post("/customize/uploads", responses={201: {"description": "Send the file to url with fields (multipart POST)"}})
def create_upload(request: UploadRequest) -> Response[Upload]:
    """A presigned POST for a dataset larger than a request body; then POST /customize/datasets with its upload_id."""
    return Response(status_code=201, body=datasets.presign_upload(request.size, _context().s3, env.bucket), content_type="application/json")


@app.post("/customize/datasets", responses={201: {"description": "Checked and stored"}})
def check_dataset(request: DatasetRequest) -> Response[DatasetReport]:
    report = datasets.check_and_store(request, catalog, _context().s3, env.bucket, clock.today())
    return Response(status_code=201, body=report, content_type="application/json")


@app.post("/customize/jobs", responses={201: {"description": "Started"}})
def start_job(request: JobRequest) -> Response[Job]:
    return Response(status_code=201, body=jobs.start(request, _context(), clock.today()), content_type="application/json")


@app.get("/customize/jobs")
def list_jobs() -> JobList:
    return JobList(jobs=jobs.list_jobs(_context()))


@app.get("/customize/jobs/<name>")
def get_job(name: NamePath) -> Job:
    return jobs.job(name, _context())


@app.post("/customize/jobs/<name>/stop", responses={202: {"description": "Stopping"}})
def stop_job(name: NamePath) -> Response[Job]:
    return Response(status_code=202, body=jobs.stop(name, _context()), content_type="application/json")


@app.get("/customize/models")
def list_models() -> CustomModelList:
    return CustomModelList(models=deployments.list_models(_context(), clock.today()))


@app.delete("/customize/models/<name>")
def delete_model(name: NamePath) -> Deleted:
    return deployments.delete_model(name, _context())


@app.post("/customize/deployments", responses={202: {"description": "Creating"}})
def create_deployment(request: DeploymentRequest) -> Response[Deployment]:
    return Response(
        status_code=202, body=deployments.deploy(request, _context(), _registry(), clock.today()), content_type="application/json"
    )


@app.get("/customize/deployments")
def list_deployments() -> DeploymentList:
    return DeploymentList(deployments=deployments.list_deployments(_context(), _registry()))


@app.get("/customize/deployments/<name>")
def get_deployment(name: NamePath) -> Deployment:
    return deployments.get_deployment(name, _context(), _registry())


@app.delete("/customize/deployments/<name>")
def delete_deployment(name: NamePath) -> Deleted:
    return deployments.delete_deployment(name, _context(), _registry())


@app.post("/customize/deployments/<name>/registration", responses={201: {"description": "Registered as a chat model"}})
def register(name: NamePath, request: RegistrationRequest) -> Response[Deployment]:
    found = deployments.register(name, request.display_name, _context(), _registry(), clock.today())
    return Response(status_code=201, body=found, content_type="application/json")


@app.delete("/customize/deployments/<name>/registration", responses={204: {"description": "Removed from the model picker"}})
def unregister(name: NamePath) -> Response[None]:
    deployments.unregister(name, _context(), _registry())
    return Response(status_code=204, body=None)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@deadline.track
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Before the resolver: its request validation runs before any middleware, and a non-admin learns nothing, not
    # even whether a body would have been valid.
    try:
        caller_from(event).require_group(env.admin_group)
    except ApiError as err:
        return refusal(event, err, config.cors_origins)
    return app.resolve(event, context)
