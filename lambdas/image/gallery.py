"""The caller's own pictures, newest first: one DynamoDB record per stored image, and the page listing them.

S3 lists keys in ascending UTF-8 order only (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ListingKeysUsingAPIs.html)
and ListObjectsV2 does not return an object's user metadata, so a newest-first listing from the bucket would read
every key of the user and HEAD each one for its model and prompt. Instead each stored picture gets a record in the
stack's table, in a partition of its own per user:

  image record  pk = IMAGES#<sub>   sk = <created ISO, microseconds>#<image id>
                key, created_at, model_id, prompt (what the user asked, masked as the guardrail masked it), task,
                width, height, seed, expires_at (epoch seconds: when the bucket's lifecycle rule removes the object)

One Query on the partition, descending (`ScanIndexForward=False`), reads a page newest first; its
`LastEvaluatedKey` is the page token (lambdas/common/pagination.py), pinned to the caller's own partition, so a
token naming anyone else's is a 400 before DynamoDB is asked. A record whose object the lifecycle rule has removed
is filtered out until the table's TTL deletes it ("items that have expired, but haven't yet been deleted … still
appear in reads": https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html). The image
function may touch these partitions only (dynamodb:LeadingKeys, infra/constructs/image_records.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from common.observability import MetricUnit, logger, metrics
from common.pagination import TokenShape, decode_token, encode_token, start_key_errors
from common.storage import storage_failure

PREFIX = "images/"  # the pictures' objects in the images bucket (infra/constants.py IMAGES_PREFIX grants this prefix)
PARTITION = "IMAGES#"  # infra/constructs/image_records.py grants the image function these partitions only
URL_SECONDS = 900
RECORD_FAILED = "ImageRecordFailed"
_to_dynamo, _from_dynamo = TypeSerializer(), TypeDeserializer()


class StoredImage(BaseModel):
    key: str = Field(description="The object key: `images/<sub>/<id>.png` (POST /images/verify and source_image take it)")
    url: str = Field(description="A presigned GET of the PNG, valid for 15 minutes")
    created_at: str = Field(description="When it was made (ISO 8601, UTC)")
    model_id: str
    prompt: str | None = Field(description="What the user asked for, masked as the guardrail masked it; null for background removal")
    task: str
    width: int
    height: int
    seed: int | None


class ImageList(BaseModel):
    images: list[StoredImage]
    next_token: str | None


def object_key(sub: str, image_id: str) -> str:
    """Where a stored picture's PNG is: under the caller's own prefix, named by its id."""
    return f"{PREFIX}{sub}/{image_id}.png"


def partition(sub: str) -> str:
    return f"{PARTITION}{sub}"


def record_item(
    sub: str, key: str, created: datetime, retention_days: int, *, model_id: str, prompt: str | None, task: str, picture: dict[str, Any]
) -> dict[str, Any]:
    """The table item for one stored picture (`picture`: the POST /images entry, its width, height and seed)."""
    image_id = key.rsplit("/", 1)[-1].removesuffix(".png")
    created = created.astimezone(UTC)
    item: dict[str, Any] = {
        "pk": partition(sub),
        "sk": f"{created.isoformat(timespec='microseconds')}#{image_id}",
        "key": key,
        "created_at": created.isoformat(timespec="milliseconds"),
        "model_id": model_id,
        "task": task,
        "width": picture["width"],
        "height": picture["height"],
        "expires_at": int((created + timedelta(days=retention_days)).timestamp()),
    }
    if prompt is not None:
        item["prompt"] = prompt
    if picture.get("seed") is not None:
        item["seed"] = picture["seed"]
    return {k: _to_dynamo.serialize(v) for k, v in item.items()}


def remember(db: Any, table: str, item: dict[str, Any]) -> None:
    """Write the record. If it cannot be written, the picture (already paid for and stored) is still returned by
    POST /images: it is only missing from the listing, logged and counted (ImageRecordFailed), rather than answered
    as a failure the user would pay again to retry."""
    try:
        db.put_item(TableName=table, Item=item)
    except ClientError as err:
        logger.warning("image record not written", extra={"key": item["key"]["S"], "code": err.response.get("Error", {}).get("Code")})
        metrics.add_metric(name=RECORD_FAILED, unit=MetricUnit.Count, value=1)


def list_page(db: Any, s3: Any, *, table: str, bucket: str, sub: str, limit: int, token: str | None, now: datetime) -> ImageList:
    params: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk",
        "FilterExpression": "expires_at > :now",
        "ExpressionAttributeValues": {":pk": {"S": partition(sub)}, ":now": {"N": str(int(now.timestamp()))}},
        "ScanIndexForward": False,
        "Limit": limit,
        # A Query is eventually consistent unless it asks: the picture just made must be on the page read right after
        # (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html).
        "ConsistentRead": True,
    }
    if token:
        position = decode_token(token, TokenShape(fixed={"pk": partition(sub)}, prefixed={"sk": ""}))
        params["ExclusiveStartKey"] = {k: {"S": v} for k, v in position.items()}
    try:
        with start_key_errors(params):
            response = db.query(**params)
        images = [_entry(s3, bucket, item) for item in response.get("Items", [])]
    except ClientError as err:
        raise storage_failure(err, "image records") from err
    last = response.get("LastEvaluatedKey")
    return ImageList(images=images, next_token=encode_token({k: v["S"] for k, v in last.items()}) if last else None)


def _entry(s3: Any, bucket: str, item: dict[str, Any]) -> StoredImage:
    plain = {k: _from_dynamo.deserialize(v) for k, v in item.items()}
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": plain["key"]}, ExpiresIn=URL_SECONDS)
    seed = plain.get("seed")
    return StoredImage(
        key=plain["key"],
        url=url,
        created_at=plain["created_at"],
        model_id=plain["model_id"],
        prompt=plain.get("prompt"),
        task=plain["task"],
        width=int(plain["width"]),
        height=int(plain["height"]),
        seed=None if seed is None else int(seed),
    )
