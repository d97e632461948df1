"""POST /customize/datasets: check a JSONL dataset for a base model and method, and keep it for a job.

Nothing is billed here: the check runs in the function. A dataset with any bad record, or whose counts break the
model's limits, is a 400 (`invalid_dataset`) listing every problem by line (line 0: the file as a whole). A good
one is split (train/validation) and written under the training prefix the stack owns
(`datasets/<dataset_id>/train.jsonl`, `validation.jsonl`, `manifest.json`); a job names it by `dataset_id`.
"""

from __future__ import annotations

import json
import secrets
from datetime import date
from typing import Any

from botocore.exceptions import ClientError

from common.errors import ApiError, NotFoundError
from common.storage import object_missing, storage_failure
from customize import dataset, hyperparams
from customize.customization_catalog import Catalog
from customize.models import MAX_UPLOAD_BYTES, DatasetReport, DatasetRequest, Upload

TRAINING_PREFIX = "datasets/"
UPLOADS_PREFIX = "uploads/"  # files too large for a request body, sent by presigned POST; expire after a day (the bucket's rule)
UPLOAD_SECONDS = 900


class InvalidDatasetError(ApiError):
    status = 400
    code = "invalid_dataset"


def _key(dataset_id: str, name: str) -> str:
    return f"{TRAINING_PREFIX}{dataset_id}/{name}"


def presign_upload(size: int, s3: Any, bucket: str) -> Upload:
    """A presigned POST for one JSONL file of `size` bytes at most, encrypted at rest, under the uploads prefix."""
    upload_id = "up-" + secrets.token_hex(8)
    try:
        post = s3.generate_presigned_post(
            Bucket=bucket,
            Key=f"{UPLOADS_PREFIX}{upload_id}.jsonl",
            ExpiresIn=UPLOAD_SECONDS,
            Fields={"x-amz-server-side-encryption": "AES256"},
            Conditions=[{"x-amz-server-side-encryption": "AES256"}, ["content-length-range", 1, size]],
        )
    except ClientError as err:
        raise storage_failure(err, "the training bucket") from err
    return Upload(upload_id=upload_id, url=post["url"], fields=post["fields"], expires_in=UPLOAD_SECONDS, max_bytes=size)


def _uploaded(s3: Any, bucket: str, upload_id: str) -> str:
    key = f"{UPLOADS_PREFIX}{upload_id}.jsonl"
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
        if head["ContentLength"] > MAX_UPLOAD_BYTES:
            raise InvalidDatasetError(f"the uploaded file is over {MAX_UPLOAD_BYTES // 1024 // 1024} MB: split it")
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as err:
        if object_missing(err):
            raise NotFoundError(f"upload {upload_id} not found: send the file to the URL POST /customize/uploads gave") from err
        raise storage_failure(err, "the training bucket") from err
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        message = f"the file is not UTF-8 text (byte {err.start}): save it as UTF-8 / UTF-8로 저장하세요"
        raise InvalidDatasetError(message, details=[{"line": 0, "field": "", "message": message}]) from None


def check_and_store(request: DatasetRequest, catalog: Catalog, s3: Any, bucket: str, today: date) -> DatasetReport:
    """`today` decides the base model's lifecycle: past its end of life a 400, Legacy a warning in the report."""
    model = catalog.base(request.base_model_id)
    catalog.check_pair(model, request.method, today)
    content = request.content if request.content is not None else _uploaded(s3, bucket, str(request.upload_id))
    checked = dataset.check(content, model, request.method)
    fraction = request.validation_split
    train, validation = dataset.split(checked.records, fraction)
    rules = catalog.dataset_rules(model, request.method)
    problems = checked.problems + dataset.count_problems(model, len(train), len(validation), fraction, rules)
    total = checked.problem_count + len(problems) - len(checked.problems)
    if total:
        shown = f" (the first {len(problems)} are listed)" if total > len(problems) else ""
        raise InvalidDatasetError(
            f"the dataset has {total} problem(s) for {model.name} {request.method}{shown}; nothing was stored or billed "
            f"/ 데이터셋에 문제 {total}개가 있어 저장하지 않았습니다",
            details=problems,
        )
    dataset_id = "ds-" + secrets.token_hex(8)
    allowed = catalog.hyperparameter_set(model)
    epochs = request.epochs or hyperparams.epochs({}, allowed)
    train_tokens = sum(dataset.estimate_tokens(t) for r in train for t in dataset.formats.texts(r))
    cost = dataset.estimated_cost(model, train_tokens, epochs, request.method)
    cost["price_sources"] = catalog.sources_of(model, "training_per_1k_tokens", "storage_per_month")
    manifest = {
        "dataset_id": dataset_id,
        "base_model_id": model.id,
        "method": request.method,
        "train_records": len(train),
        "validation_records": len(validation),
        "train_tokens": train_tokens,
    }
    uris = {"train": f"s3://{bucket}/{_key(dataset_id, 'train.jsonl')}"}
    try:
        s3.put_object(Bucket=bucket, Key=_key(dataset_id, "train.jsonl"), Body=dataset.to_jsonl(train), ContentType="application/jsonl")
        if validation:
            s3.put_object(
                Bucket=bucket, Key=_key(dataset_id, "validation.jsonl"), Body=dataset.to_jsonl(validation), ContentType="application/jsonl"
            )
            uris["validation"] = f"s3://{bucket}/{_key(dataset_id, 'validation.jsonl')}"
        s3.put_object(
            Bucket=bucket, Key=_key(dataset_id, "manifest.json"), Body=json.dumps(manifest).encode(), ContentType="application/json"
        )
    except ClientError as err:
        raise storage_failure(err, "the training bucket") from err
    limits = rules.model_dump()
    return DatasetReport(
        dataset_id=dataset_id,
        base_model_id=model.id,
        method=request.method,
        records=len(checked.records),
        train_records=len(train),
        validation_records=len(validation),
        tokens={"total": checked.tokens, "train": train_tokens, "max_record": checked.max_record_tokens},
        limits=limits,
        estimated_cost=cost,
        s3_uris=uris,
        warnings=catalog.warnings(model, None, today),
    )


def manifest(s3: Any, bucket: str, dataset_id: str) -> dict[str, Any]:
    """The stored dataset's manifest, or 404: a job starts only from a dataset that passed the check."""
    try:
        body = s3.get_object(Bucket=bucket, Key=_key(dataset_id, "manifest.json"))["Body"].read()
    except ClientError as err:
        if object_missing(err):
            raise NotFoundError(f"dataset {dataset_id} not found: check it with POST /customize/datasets first") from err
        raise storage_failure(err, "the training bucket") from err
    document: dict[str, Any] = json.loads(body)
    return document


def uris(bucket: str, manifest_doc: dict[str, Any]) -> tuple[str, str | None]:
    dataset_id = manifest_doc["dataset_id"]
    validation = f"s3://{bucket}/{_key(dataset_id, 'validation.jsonl')}" if manifest_doc["validation_records"] else None
    return f"s3://{bucket}/{_key(dataset_id, 'train.jsonl')}", validation
