"""Knowledge-base ingestion jobs: start one for the data source, list recent ones."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from common.bedrock import bedrock_errors
from common.errors import ConflictError

RUNNING = ("STARTING", "IN_PROGRESS")


class JobRunningError(ConflictError):
    def __init__(self, job_id: str | None) -> None:
        super().__init__(
            f"an ingestion job is already running ({job_id or 'id unknown'}); retry when it ends", details={"running_job_id": job_id}
        )
        self.job_id = job_id


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _job(job: dict[str, Any]) -> dict[str, Any]:
    return {
        "job_id": job["ingestionJobId"],
        "status": job["status"],
        "started_at": _iso(job.get("startedAt")),
        "updated_at": _iso(job.get("updatedAt")),
        "statistics": job.get("statistics", {}),
        "failure_reasons": job.get("failureReasons", []),
    }


class IngestionJobs:
    def __init__(self, client: Any, knowledge_base_id: str, data_source_id: str) -> None:
        self._client = client
        self._ids = {"knowledgeBaseId": knowledge_base_id, "dataSourceId": data_source_id}

    def start(self, description: str) -> dict[str, Any]:
        """Start a job; JobRunningError (409) names the job already running."""
        try:
            response = self._client.start_ingestion_job(**self._ids, description=description[:200])
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") == "ConflictException":
                raise JobRunningError(self.running_job_id()) from err
            with bedrock_errors():
                raise
        return _job(response["ingestionJob"])

    def recent(self, limit: int = 10) -> list[dict[str, Any]]:
        with bedrock_errors():
            response = self._client.list_ingestion_jobs(
                **self._ids, sortBy={"attribute": "STARTED_AT", "order": "DESCENDING"}, maxResults=limit
            )
        return [_job(job) for job in response.get("ingestionJobSummaries", [])]

    def running_job_id(self) -> str | None:
        for job in self.recent(5):
            if job["status"] in RUNNING:
                return str(job["job_id"])
        return None
