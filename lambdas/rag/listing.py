"""One page of documents from S3: documents in key order, sidecars never counted, `has_metadata` right at the edges.

S3 lists keys in UTF-8 binary order (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ListingKeysUsingAPIs.html)
and StartAfter resumes after any key (API_ListObjectsV2). A page token is the last document's key; the next page
starts after it. A document's sidecar `<key>.metadata.json` need not come right after the document ("a.md-b"
sorts between "a.md" and "a.md.metadata.json"), so a sidecar the listing has not reached yet is asked for with
HeadObject. Python compares str by code point, which is the UTF-8 byte order S3 uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from common.pagination import TokenShape, decode_token, encode_token
from common.storage import object_missing, storage_failure

SIDECAR = ".metadata.json"
MAX_KEY_BYTES = 1024  # an S3 object key is at most 1,024 bytes of UTF-8 (userguide/object-keys.html)


@dataclass(frozen=True)
class Page:
    documents: list[dict[str, Any]]  # ListObjectsV2 Contents entries, sidecars left out
    has_metadata: dict[str, bool]
    next_token: str | None


def list_page(s3: Any, bucket: str, prefix: str, limit: int, token: str | None) -> Page:
    start = decode_token(token, TokenShape(prefixed={"key": prefix}, max_bytes=MAX_KEY_BYTES))["key"] if token else None
    seen: set[str] = set()
    documents: list[dict[str, Any]] = []
    last, exhausted = start or prefix, False
    try:
        while len(documents) <= limit:  # one document past the page says whether another page follows
            params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": min(1000, 2 * limit + 2)}
            if last > prefix:
                params["StartAfter"] = last
            response = s3.list_objects_v2(**params)
            for item in response.get("Contents", []):
                seen.add(item["Key"])
                if not item["Key"].endswith(SIDECAR):
                    documents.append(item)
                last = item["Key"]
            if not response.get("IsTruncated"):
                exhausted = True
                break
        page = documents[:limit]
        has_metadata = {d["Key"]: _has_sidecar(s3, bucket, d["Key"] + SIDECAR, seen, last, exhausted) for d in page}
    except ClientError as err:
        raise storage_failure(err, "document storage") from err
    more = len(documents) > limit
    return Page(page, has_metadata, encode_token({"key": page[-1]["Key"]}) if more else None)


def _has_sidecar(s3: Any, bucket: str, sidecar: str, seen: set[str], last: str, exhausted: bool) -> bool:
    if sidecar in seen:
        return True
    if exhausted or sidecar <= last:  # the listing went past where it would be
        return False
    try:
        s3.head_object(Bucket=bucket, Key=sidecar)
    except ClientError as err:
        if object_missing(err):
            return False
        raise
    return True
