"""Offline model customization (bedrock control plane): jobs, custom models, on-demand deployments.

Shapes follow botocore's `bedrock` service model (the server validates every request and answer against it).
Rules, from infra/catalog/customizable.json (its sources) and the API reference:
* a job names a base model the catalog lists for its method in the signed Region, a role ARN, and S3 URIs in a
  bucket that exists; its hyperparameters are strings within the model's ranges (docs silent on whether Bedrock
  checks ranges at once or when the job runs: checked at once here);
* the job is InProgress for `job_seconds`, then Completed (its custom model Active) or, when the training data
  breaks the format or the record limits, Failed with a failureMessage, as Bedrock reports data problems
  asynchronously (GetModelCustomizationJob `failureMessage`); a stop makes it Stopping, then Stopped;
* on completion it writes `step_wise_training_metrics.csv` (and `validation_metrics.csv` with a validation set)
  under `<output>/model-customization-job-<id>/` (model-customization-analyze.html) and reports trainingLoss;
* DISTILLATION needs customizationConfig.distillationConfig naming a teacher the catalog pairs with the student in
  the signed Region (prequisites-model-distillation.html); another method with a distillationConfig, or a teacher
  not paired, is a ValidationException (the wording is the simulator's: the docs give none). Its data is prompts
  (distillation-prepare-datasets.html): the assistant turn is optional, at least 100 records;
* a base model or teacher past its catalog end-of-life date (on the account scenario's `today`) is a
  ResourceNotFoundException with Bedrock's end-of-life message (customization_data.END_OF_LIFE: what Bedrock answers
  requests to a retired model; its answer to this operation is not documented);
* a deployment (deploy-custom-model-on-demand.html) needs an Active custom model whose base model the catalog
  lists for on-demand inference in the signed Region; Creating for `deploy_seconds`, then Active. Converse on its
  ARN answers as that custom model; once deleted, the ARN is refused.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from infra.catalog import customizable
from local.bedrock_sim import customization_data
from local.bedrock_sim.deployments import DeploymentOperations
from local.bedrock_sim.protocol import SimError, json_answer
from local.bedrock_sim.state import REGION

if TYPE_CHECKING:
    from local.bedrock_sim.server import BedrockSimulator


def _now() -> float:
    return time.time()


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Job:
    arn: str
    params: dict[str, Any]
    region: str
    created: float
    failure: str | None  # decided when the job was created (the data is read then)
    stop_at: float | None = None
    model_arn: str | None = None
    loss: float | None = None


@dataclass
class Deployment:
    arn: str
    name: str
    model_arn: str
    created: float
    tags: list[dict[str, str]] = field(default_factory=list)
    description: str = ""


class Customization(DeploymentOperations):
    def __init__(self, simulator: BedrockSimulator) -> None:
        self._sim = simulator
        self.s3: Any = None  # the local stack's S3 client (moto): data read, metrics written; None: no S3 checks
        self.job_seconds = 2.0
        self.stop_seconds = 0.5
        self.deploy_seconds = 1.0
        self.fail_next_job: str | None = None  # test/dev control: the next job fails with this message
        self.jobs: dict[str, Job] = {}
        self.models: dict[str, dict[str, Any]] = {}
        self.deployments: dict[str, Deployment] = {}
        self._lock = threading.RLock()

    def reset(self) -> None:
        """Forget every job, model and deployment and restore the default timings (the S3 client is kept)."""
        with self._lock:
            self.jobs.clear()
            self.models.clear()
            self.deployments.clear()
            self.job_seconds, self.stop_seconds, self.deploy_seconds, self.fail_next_job = 2.0, 0.5, 1.0, None

    def _arn(self, region: str, kind: str, tail: str) -> str:
        return f"arn:aws:bedrock:{region}:{self._sim.account.account_id}:{kind}/{tail}"

    # --- jobs ---------------------------------------------------------------------------------

    def create_model_customization_job(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        region, method = REGION.get(), params.get("customizationType", "FINE_TUNING")
        base = customizable.base_model(params["baseModelIdentifier"].rsplit("/", 1)[-1])
        today = self._sim.account.on()
        if base is not None:
            customization_data.refuse_retired(base, today)
        if base is None or region not in base["methods"].get(method, []):
            raise SimError("ValidationException", f"The base model {params['baseModelIdentifier']} does not support {method} in {region}.")
        customization_data.check_teacher(base, method, region, params.get("customizationConfig"), today)
        customization_data.check_hyperparameters(base, params.get("hyperParameters", {}))
        failure = self.fail_next_job or customization_data.data_failure(self.s3, base, method, params)
        self.fail_next_job = None
        with self._lock:
            if any(j.params["jobName"] == params["jobName"] for j in self.jobs.values()):
                raise SimError("ConflictException", f"A job with the name {params['jobName']} already exists.")
            if any(m["modelName"] == params["customModelName"] for m in self.models.values()):
                raise SimError("ConflictException", f"A custom model with the name {params['customModelName']} already exists.")
            arn = self._arn(region, "model-customization-job", f"{base['id']}/{secrets.token_hex(6)}")
            self.jobs[arn] = Job(arn, params, region, _now(), failure)
        return 201, {"Content-Type": "application/json"}, json.dumps({"jobArn": arn}).encode()

    def _job(self, identifier: str) -> Job:
        with self._lock:
            job = self.jobs.get(identifier) or next((j for j in self.jobs.values() if j.params["jobName"] == identifier), None)
        if job is None:
            raise SimError("ResourceNotFoundException", f"The job {identifier} was not found.")
        self._advance(job)
        return job

    def _status(self, job: Job) -> str:
        now = _now()
        if job.stop_at is not None:
            return "Stopped" if now >= job.stop_at + self.stop_seconds else "Stopping"
        if now < job.created + self.job_seconds:
            return "InProgress"
        return "Failed" if job.failure else "Completed"

    def _advance(self, job: Job) -> None:
        """On the first read after completion: the custom model and the metrics files."""
        with self._lock:
            if self._status(job) != "Completed" or job.model_arn is not None:
                return
            params = job.params
            base_id = params["baseModelIdentifier"].rsplit("/", 1)[-1]
            job.model_arn = self._arn(job.region, "custom-model", f"{base_id}/{secrets.token_hex(6)}")
            job.loss = customization_data.write_metrics(self.s3, job.arn, params)
            self.models[job.model_arn] = {
                "modelArn": job.model_arn,
                "modelName": params["customModelName"],
                "jobName": params["jobName"],
                "jobArn": job.arn,
                "baseModelArn": f"arn:aws:bedrock:{job.region}::foundation-model/{base_id}",
                "customizationType": params.get("customizationType", "FINE_TUNING"),
                "hyperParameters": params.get("hyperParameters", {}),
                "trainingDataConfig": params["trainingDataConfig"],
                "outputDataConfig": params["outputDataConfig"],
                "trainingMetrics": {"trainingLoss": job.loss},
                **({"customizationConfig": params["customizationConfig"]} if "customizationConfig" in params else {}),
                "creationTime": _iso(job.created + self.job_seconds),
                "modelStatus": "Active",
                "tags": params.get("customModelTags", []),
            }

    def _document(self, job: Job) -> dict[str, Any]:
        status, params = self._status(job), job.params
        stage = {"InProgress": "InProgress", "Completed": "Completed", "Failed": "Failed", "Stopping": "Stopping", "Stopped": "Stopped"}[
            status
        ]
        failed_in_validation = status == "Failed"
        details = {
            "validationDetails": {
                "status": "Failed" if failed_in_validation else ("Completed" if status != "InProgress" else "InProgress")
            },
            "dataProcessingDetails": {
                "status": "NotStarted" if failed_in_validation else ("Completed" if status == "Completed" else stage)
            },
            "trainingDetails": {"status": "NotStarted" if failed_in_validation else stage},
        }
        ended = status in ("Completed", "Failed", "Stopped")
        document: dict[str, Any] = {
            "jobArn": job.arn,
            "jobName": params["jobName"],
            "outputModelName": params["customModelName"],
            "roleArn": params["roleArn"],
            "status": status,
            "statusDetails": details,
            "creationTime": _iso(job.created),
            "lastModifiedTime": _iso(_now()),
            "baseModelArn": f"arn:aws:bedrock:{job.region}::foundation-model/{params['baseModelIdentifier'].rsplit('/', 1)[-1]}",
            "hyperParameters": params.get("hyperParameters", {}),
            "trainingDataConfig": params["trainingDataConfig"],
            "validationDataConfig": params.get("validationDataConfig", {"validators": []}),
            "outputDataConfig": params["outputDataConfig"],
            "customizationType": params.get("customizationType", "FINE_TUNING"),
        }
        if "customizationConfig" in params:
            document["customizationConfig"] = params["customizationConfig"]
        if "clientRequestToken" in params:
            document["clientRequestToken"] = params["clientRequestToken"]
        if ended:
            document["endTime"] = _iso(min(_now(), job.created + self.job_seconds) if status != "Stopped" else _now())
        if status == "Failed":
            document["failureMessage"] = job.failure
        if job.model_arn:
            document["outputModelArn"] = job.model_arn
            document["trainingMetrics"] = {"trainingLoss": job.loss}
            if "validationDataConfig" in params:
                document["validationMetrics"] = [{"validationLoss": round((job.loss or 0) * 1.1, 4)}]
        return document

    def get_model_customization_job(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        return json_answer(self._document(self._job(params["jobIdentifier"])))

    def list_model_customization_jobs(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            jobs = list(self.jobs.values())
        for job in jobs:
            self._advance(job)
        docs = [self._document(j) for j in jobs if params.get("nameContains", "") in j.params["jobName"]]
        docs = [d for d in docs if params.get("statusEquals") in (None, d["status"])]
        docs.sort(key=lambda d: d["creationTime"], reverse=params.get("sortOrder", "Descending") == "Descending")
        keep = (
            "jobArn",
            "baseModelArn",
            "jobName",
            "status",
            "statusDetails",
            "lastModifiedTime",
            "creationTime",
            "endTime",
            "customizationType",
        )
        summaries = [
            {
                **{k: d[k] for k in keep if k in d},
                **({"customModelArn": d["outputModelArn"]} if "outputModelArn" in d else {}),
                "customModelName": d["outputModelName"],
            }
            for d in docs[: int(params.get("maxResults", 100))]
        ]
        return json_answer({"modelCustomizationJobSummaries": summaries})

    def stop_model_customization_job(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        job = self._job(params["jobIdentifier"])
        with self._lock:
            if self._status(job) != "InProgress":
                raise SimError(
                    "ValidationException", f"The job {job.params['jobName']} is {self._status(job)}: only a job in progress can be stopped."
                )
            job.stop_at = _now()
        return json_answer({})

    # --- custom models ------------------------------------------------------------------------

    def _model(self, identifier: str) -> dict[str, Any]:
        with self._lock:
            for job in list(self.jobs.values()):
                self._advance(job)
            found = self.models.get(identifier) or next((m for m in self.models.values() if m["modelName"] == identifier), None)
        if found is None:
            raise SimError("ResourceNotFoundException", f"The custom model {identifier} was not found.")
        return found

    def get_custom_model(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        return json_answer({k: v for k, v in self._model(params["modelIdentifier"]).items() if k != "tags"})

    def list_custom_models(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            for job in list(self.jobs.values()):
                self._advance(job)
            models = [m for m in self.models.values() if params.get("nameContains", "") in m["modelName"]]
        summaries = [
            {
                "modelArn": m["modelArn"],
                "modelName": m["modelName"],
                "creationTime": m["creationTime"],
                "baseModelArn": m["baseModelArn"],
                "baseModelName": m["baseModelArn"].rsplit("/", 1)[-1].split(":")[0],
                "customizationType": m["customizationType"],
                "ownerAccountId": self._sim.account.account_id,
                "modelStatus": m["modelStatus"],
            }
            for m in models
        ]
        return json_answer({"modelSummaries": summaries[: int(params.get("maxResults", 100))]})

    def delete_custom_model(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        model = self._model(params["modelIdentifier"])
        with self._lock:
            if any(d.model_arn == model["modelArn"] for d in self.deployments.values()):
                raise SimError("ConflictException", f"The custom model {model['modelName']} has a deployment; delete it first.")
            del self.models[model["modelArn"]]
        return json_answer({})
