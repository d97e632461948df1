"""Knowledge-base documents in S3: presigned uploads, listing with ingestion state, deletion.

Names are single file names under the data source prefix (no folders): a name is normalized
(NFC), stripped of any path, checked for traversal and control characters, and keeps its
Unicode (Korean) letters readable.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Annotated, Any
from urllib.parse import unquote

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field

from common.errors import ApiError, NotFoundError, PayloadTooLargeError, ThrottledError, UpstreamUnavailableError, ValidationFailedError
from common.storage import THROTTLING_CODES, object_missing, storage_failure
from rag.listing import SIDECAR, list_page

UPLOAD_SECONDS = 900
# What a Bedrock Knowledge Base parses, by extension.
CONTENT_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_UNSAFE = re.compile(r"[^\w\s.\-()\[\]&+,@]", re.UNICODE)
MetadataValue = str | int | float | bool | list[str]


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    filename: Annotated[str, Field(min_length=1, max_length=255)]
    content_type: Annotated[str, Field(min_length=1, max_length=200)]
    size: Annotated[int, Field(ge=1)]
    metadata: Annotated[dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{1,64}$")], MetadataValue], Field(max_length=20)] | None = None


def clean_name(raw: str, field: str = "filename") -> str:
    """A safe, readable file name, or a 400 naming what is wrong with it."""
    name = unicodedata.normalize("NFC", raw).strip()
    problems = []
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        problems.append("control characters are not allowed")
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith(".."):
        problems.append("a name may not contain a path (/, \\ or ..)")
    if name.endswith(SIDECAR):
        problems.append(f"names ending in {SIDECAR} are reserved for metadata")
    if not problems and _UNSAFE.search(name):
        name = _UNSAFE.sub("_", name)
    if not problems and len(name.encode("utf-8")) > 400:
        problems.append("the name is longer than 400 bytes")
    if problems or not name:
        raise ValidationFailedError("invalid document name", details=[{"field": field, "message": "; ".join(problems) or "empty name"}])
    return name


class Documents:
    def __init__(self, s3: Any, bucket: str, prefix: str, max_bytes: int) -> None:
        self.s3 = s3
        self._s3, self._bucket, self._prefix, self._max = s3, bucket, prefix, max_bytes

    def _key(self, name: str) -> str:
        return f"{self._prefix}{name}"

    def create_upload(self, request: UploadRequest) -> dict[str, Any]:
        name = clean_name(request.filename)
        extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        expected = CONTENT_TYPES.get(extension)
        if expected is None:
            raise ValidationFailedError(
                "this file type cannot be ingested",
                details=[{"field": "filename", "message": f"allowed extensions: {', '.join(sorted(CONTENT_TYPES))}"}],
            )
        if request.content_type != expected:
            raise ValidationFailedError(
                "content_type does not match the file name",
                details=[{"field": "content_type", "message": f"{extension} files are {expected}"}],
            )
        if request.size > self._max:
            raise PayloadTooLargeError(f"documents may be at most {self._max} bytes; this one is {request.size}")
        if request.metadata is not None and len(json.dumps(request.metadata, ensure_ascii=False).encode()) > 1024:
            raise ValidationFailedError("metadata is too large", details=[{"field": "metadata", "message": "at most 1 KiB of JSON"}])
        key = self._key(name)
        try:
            if request.metadata is not None:
                sidecar = json.dumps({"metadataAttributes": request.metadata}, ensure_ascii=False).encode("utf-8")
                self._s3.put_object(
                    Bucket=self._bucket, Key=key + SIDECAR, Body=sidecar, ContentType="application/json", ServerSideEncryption="AES256"
                )
            post = self._s3.generate_presigned_post(
                Bucket=self._bucket,
                Key=key,
                Fields={"Content-Type": expected, "x-amz-server-side-encryption": "AES256"},
                Conditions=[
                    {"Content-Type": expected},
                    {"x-amz-server-side-encryption": "AES256"},
                    ["content-length-range", 1, request.size],
                ],
                ExpiresIn=UPLOAD_SECONDS,
            )
        except ClientError as err:
            raise storage_failure(err, "document storage") from err
        return {
            "name": name,
            "key": key,
            "upload": {"url": post["url"], "fields": post["fields"]},
            "expires_in": UPLOAD_SECONDS,
            "metadata_written": request.metadata is not None,
        }

    def list(self, jobs: list[dict[str, Any]], limit: int, token: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of documents in key order (rag/listing.py) and the token of the next page, if any."""
        page = list_page(self._s3, self._bucket, self._prefix, limit, token)
        documents = [
            {
                "name": item["Key"][len(self._prefix) :],
                "key": item["Key"],
                "size": item["Size"],
                "last_modified": item["LastModified"].isoformat(),
                "has_metadata": page.has_metadata[item["Key"]],
                "ingestion": ingestion_state(item["Key"], item["LastModified"].isoformat(), jobs),
            }
            for item in page.documents
        ]
        return documents, page.next_token

    def delete(self, raw_name: str) -> None:
        # REST API path parameters arrive percent-encoded; stored names never contain "%" (see clean_name).
        key = self._key(clean_name(unquote(raw_name), field="key"))
        if not (self._exists(key) or self._exists(key + SIDECAR)):  # a sidecar left by an earlier failure still goes
            raise NotFoundError("document not found")
        try:
            result = self._s3.delete_objects(Bucket=self._bucket, Delete={"Objects": [{"Key": key}, {"Key": key + SIDECAR}], "Quiet": True})
        except ClientError as err:
            raise storage_failure(err, "document storage") from err
        # Quiet mode lists only the keys S3 failed to delete, each with its own error code; the call itself is a 200
        # (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html).
        if result.get("Errors"):
            raise not_deleted(result["Errors"], self._prefix)

    def _exists(self, key: str) -> bool:
        try:
            self._s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as err:
            if object_missing(err):
                return False
            raise storage_failure(err, "document storage") from err
        return True


def not_deleted(errors: list[dict[str, Any]], prefix: str) -> ApiError:
    """What the admin is told when S3 kept some of the files: which remain, and 429 if S3 asked to slow down."""
    names = ", ".join(str(e.get("Key", ""))[len(prefix) :] for e in errors)
    if any(e.get("Code") in THROTTLING_CODES for e in errors):
        return ThrottledError(f"document storage is busy; not deleted: {names}; retry the delete shortly")
    details = [{"name": str(e.get("Key", ""))[len(prefix) :], "code": e.get("Code"), "message": e.get("Message")} for e in errors]
    return UpstreamUnavailableError(f"document storage did not delete {names}; they remain: retry the delete", details=details)


def ingestion_state(key: str, modified: str, jobs: list[dict[str, Any]]) -> str:
    """INDEXED, INGESTING, FAILED or PENDING, from the newest job that started after the last change."""
    for job in jobs:  # newest first
        if job["started_at"] < modified:
            break
        if any(key in reason for reason in job.get("failure_reasons", [])):
            return "FAILED"
        if job["status"] == "COMPLETE":
            return "INDEXED"
        if job["status"] in ("STARTING", "IN_PROGRESS"):
            return "INGESTING"
    return "PENDING"
