"""An offline Knowledge Base over the local documents bucket.

Ingestion jobs read every object under the data source's prefix (plain text, Markdown, HTML,
CSV, PDF), with `<key>.metadata.json` sidecars, chunk them as the data source is configured
(fixed size, in the simulator's token estimate) and swap the new index in when the job ends.
Retrieval is a nearest-neighbour search like the S3 Vectors index behind a real knowledge base
(`vectors.py`): TF-IDF vectors over words, and over character bigrams inside Hangul runs so Korean
matches without a morphological analyzer, ranked by cosine; every query over a non-empty index gets
its top `numberOfResults` with scores. Filters follow S3 Vectors (`filters.py`). Deterministic.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from local.bedrock_sim import filters, vectors
from local.bedrock_sim.documents import SUPPORTED, chunk, extract, terms
from local.bedrock_sim.protocol import SimError

SIDECAR = ".metadata.json"
MAX_RESULTS = 100  # numberOfResults: 1-100 in the bedrock-agent-runtime service model


@dataclass
class Chunk:
    chunk_id: str
    uri: str
    text: str
    page: int | None
    metadata: dict[str, Any]
    counts: Counter[str]
    position: int  # order within its document: the tie-breaker after the URI
    vector: vectors.Vector = field(default_factory=dict)


@dataclass
class Job:
    job_id: str
    description: str | None
    started: float
    finishes: float
    statistics: dict[str, int]
    index: list[Chunk]
    documents: dict[str, str]  # key -> etag
    failures: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)  # the index's idf, which queries are embedded with

    def status(self, now: float) -> str:
        if now < self.started + 0.05:
            return "STARTING"
        return "IN_PROGRESS" if now < self.finishes else "COMPLETE"

    def to_dict(self, kb_id: str, ds_id: str, now: float) -> dict[str, Any]:
        iso = lambda t: datetime.fromtimestamp(t, UTC).isoformat()  # noqa: E731
        status = self.status(now)
        job: dict[str, Any] = {
            "knowledgeBaseId": kb_id,
            "dataSourceId": ds_id,
            "ingestionJobId": self.job_id,
            "status": status,
            "statistics": self.statistics,
            "startedAt": iso(self.started),
            "updatedAt": iso(min(now, self.finishes)),
        }
        if self.description:
            job["description"] = self.description
        if self.failures and status == "COMPLETE":
            job["failureReasons"] = self.failures
        return job


class KnowledgeStore:
    """One knowledge base with one S3 data source, fed from a (moto) S3 bucket."""

    def __init__(
        self,
        *,
        knowledge_base_id: str,
        data_source_id: str,
        s3: Any,
        bucket: str,
        prefix: str,
        max_tokens: int = 300,
        overlap_percentage: int = 20,
        job_seconds: float = 0.5,
    ) -> None:
        self.knowledge_base_id = knowledge_base_id
        self.data_source_id = data_source_id
        self._s3, self._bucket, self._prefix = s3, bucket, prefix
        self._max_tokens, self._overlap = max_tokens, overlap_percentage
        self.job_seconds = job_seconds
        self._jobs: list[Job] = []
        self._live: list[Chunk] = []
        self._weights: dict[str, float] = {}
        self._documents: dict[str, str] = {}
        self._lock = threading.Lock()

    def _check(self, kb_id: str, ds_id: str | None = None) -> None:
        if kb_id != self.knowledge_base_id or (ds_id is not None and ds_id != self.data_source_id):
            raise SimError("ResourceNotFoundException", f"Knowledge base {kb_id} / data source {ds_id} was not found.")

    def _settle(self, now: float) -> None:
        for job in self._jobs:
            if job.status(now) == "COMPLETE" and job.index is not None:
                self._live, self._documents, self._weights = job.index, job.documents, job.weights
                job.index = None  # type: ignore[assignment]

    # --- ingestion ----------------------------------------------------------------------------

    def start_job(self, kb_id: str, ds_id: str, description: str | None) -> dict[str, Any]:
        self._check(kb_id, ds_id)
        with self._lock:
            now = time.time()
            self._settle(now)
            running = [j for j in self._jobs if j.status(now) != "COMPLETE"]
            if running:
                raise SimError("ConflictException", f"An ingestion job is already running for this data source: {running[0].job_id}")
            job = self._scan(description, now)
            self._jobs.append(job)
            return job.to_dict(kb_id, ds_id, now)

    def get_job(self, kb_id: str, ds_id: str, job_id: str) -> dict[str, Any]:
        self._check(kb_id, ds_id)
        with self._lock:
            now = time.time()
            self._settle(now)
            for job in self._jobs:
                if job.job_id == job_id:
                    return job.to_dict(kb_id, ds_id, now)
        raise SimError("ResourceNotFoundException", f"Ingestion job {job_id} was not found.")

    def list_jobs(self, kb_id: str, ds_id: str, max_results: int | None) -> list[dict[str, Any]]:
        self._check(kb_id, ds_id)
        with self._lock:
            now = time.time()
            self._settle(now)
            jobs = sorted(self._jobs, key=lambda j: j.started, reverse=True)[: max_results or 100]
            return [j.to_dict(kb_id, ds_id, now) for j in jobs]

    def _scan(self, description: str | None, now: float) -> Job:
        objects: dict[str, dict[str, Any]] = {}
        paginator = self._s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self._bucket, Prefix=self._prefix):
            for item in page.get("Contents", []):
                objects[item["Key"]] = item
        stats = Counter(
            {
                "numberOfDocumentsScanned": 0,
                "numberOfMetadataDocumentsScanned": 0,
                "numberOfNewDocumentsIndexed": 0,
                "numberOfModifiedDocumentsIndexed": 0,
                "numberOfMetadataDocumentsModified": 0,
                "numberOfDocumentsDeleted": 0,
                "numberOfDocumentsFailed": 0,
                "numberOfDocumentsSkipped": 0,
            }
        )
        index: list[Chunk] = []
        documents: dict[str, str] = {}
        failures: list[str] = []
        for key, item in sorted(objects.items()):
            if key.endswith(SIDECAR):
                stats["numberOfMetadataDocumentsScanned"] += 1
                continue
            stats["numberOfDocumentsScanned"] += 1
            if not key.lower().endswith(SUPPORTED):
                stats["numberOfDocumentsFailed"] += 1
                failures.append(f"Unsupported file type: s3://{self._bucket}/{key}")
                continue
            try:
                body = self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
                metadata = self._sidecar(key, objects)
                pages = extract(key, body)
            except Exception as err:
                stats["numberOfDocumentsFailed"] += 1
                failures.append(f"Failed to parse s3://{self._bucket}/{key}: {err}")
                continue
            etag = str(item.get("ETag")) + str(objects.get(key + SIDECAR, {}).get("ETag"))
            documents[key] = etag
            if key not in self._documents:
                stats["numberOfNewDocumentsIndexed"] += 1
            elif self._documents[key] != etag:
                stats["numberOfModifiedDocumentsIndexed"] += 1
            uri = f"s3://{self._bucket}/{key}"
            pieces = [(piece, page) for text, page in pages for piece in chunk(text, self._max_tokens, self._overlap)]
            for position, (piece, page) in enumerate(pieces):
                meta = {**metadata, "x-amz-bedrock-kb-source-uri": uri, "x-amz-bedrock-kb-data-source-id": self.data_source_id}
                if page is not None:
                    meta["x-amz-bedrock-kb-document-page-number"] = page
                index.append(Chunk(str(uuid.uuid4()), uri, piece, page, meta, vectors.features(terms(piece)), position))
        stats["numberOfDocumentsDeleted"] = len(set(self._documents) - set(documents))
        weights = vectors.idf(c.counts for c in index)
        for c in index:
            c.vector = vectors.embed(c.counts, weights)
        job_id = uuid.uuid4().hex[:10].upper()
        return Job(job_id, description, now, now + self.job_seconds, dict(stats), index, documents, failures, weights)

    def _sidecar(self, key: str, objects: dict[str, Any]) -> dict[str, Any]:
        if key + SIDECAR not in objects:
            return {}
        document = json.loads(self._s3.get_object(Bucket=self._bucket, Key=key + SIDECAR)["Body"].read())
        attributes = document.get("metadataAttributes", {})
        if not isinstance(attributes, dict):
            raise ValueError("metadataAttributes must be an object")
        return attributes

    # --- retrieval ------------------------------------------------------------------------------

    def retrieve(self, kb_id: str, query: str, number_of_results: int, condition: dict[str, Any] | None) -> list[dict[str, Any]]:
        """The `number_of_results` nearest chunks that pass the filter, best first, each with a score."""
        self._check(kb_id)
        if not 1 <= number_of_results <= MAX_RESULTS:  # botocore checks only the minimum client-side
            bound = f"less than or equal to {MAX_RESULTS}" if number_of_results > MAX_RESULTS else "greater than or equal to 1"
            raise SimError(
                "ValidationException",
                f"1 validation error detected: Value '{number_of_results}' at 'retrievalConfiguration.vectorSearchConfiguration."
                f"numberOfResults' failed to satisfy constraint: Member must have value {bound}",
            )
        if condition is not None:
            filters.check(condition)
        with self._lock:
            self._settle(time.time())
            weights = self._weights
            chunks = [c for c in self._live if condition is None or filters.matches(condition, c.metadata)]
        query_vector = vectors.embed(vectors.features(terms(query)), weights)
        return [
            {
                "content": {"text": c.text, "type": "TEXT"},
                "location": {"type": "S3", "s3Location": {"uri": c.uri}},
                "score": score,
                "metadata": {**c.metadata, "x-amz-bedrock-kb-chunk-id": c.chunk_id},
            }
            for score, c in vectors.nearest(query_vector, chunks, number_of_results)
        ]
