"""DELETE /images/{id}: the caller removes one of their own stored pictures, its record and its object.

The path names the picture by its id, the last part of its key without `.png` (`images/<sub>/<id>.png`: the key
has slashes, the id has none; it is what POST /images made with `secrets.token_urlsafe(18)`, 24 URL-safe
characters). The caller's sub comes from the Cognito claims, never from the path, so the object key and the record's
partition are the caller's own by construction: another user's id is answered exactly like an unknown one (404).

Finding the record. Its sort key is `<created ISO>#<id>` (image/gallery.py) and DynamoDB's key conditions match a
sort key by equality, range or `begins_with` only, never by suffix
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html). The object
does not carry the record's time: its LastModified is S3's clock, not the one the record was stamped with, and
HeadObject on a missing key answers 403, not 404, to a caller without s3:ListBucket
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html), which this function does not have. So one
strongly consistent Query on the caller's partition with `FilterExpression key = :key`, projecting the sort key only,
following LastEvaluatedKey until it is found. A filter does not reduce the capacity a Query reads
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.FilterExpression.html): it reads the caller's
records, about 300 bytes each, which the table's TTL bounds to the retention period — a few hundred pictures are a
few dozen read units, one 1 MB page in almost every case. Cheaper than a second item per picture (an id → sort key
pointer written on every POST and missing for every picture made before it), and exact.

Order. The record goes first (DeleteItem with `attribute_exists(sk)`), then the object (DeleteObject):
- GET /images lists records, so once the record is gone the picture is never listed again, and no listing entry
  ever points at an object already deleted. (The reverse order would leave such an entry whenever the second call
  failed.)
- Unless a condition is given DeleteItem is idempotent; with one, a second DELETE racing the first fails its
  condition (ConditionalCheckFailedException) and is answered 404: exactly one of them answers 204
  (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html).
- The bucket is not versioned, so DeleteObject removes the object for good ("If bucket versioning is not enabled,
  the operation permanently deletes the object": https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html),
  and deleting a key that does not exist is a success, not an error ("If you delete an object that does not exist,
  Amazon S3 will return a success": the original DELETE Object reference,
  http://docs.amazonwebservices.com/AmazonS3/2006-03-01/RESTObjectDELETE.html ; the current page does not repeat it).
- So DeleteObject runs even when no record is found: an object left without a record (its record was never written,
  see gallery.remember, or an earlier DELETE removed the record and then met an S3 failure) is removed by the next
  DELETE of its id, which answers 404 because nothing of the caller's was listed under it. After any 204 or 404,
  nothing of the caller's remains under that id.
Storage errors that outlive the retries are 429 (throttling) or 503 (common/storage.py); a 503 after the record was
deleted leaves the object to the next DELETE of the id or to the bucket's lifecycle rule.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from common.errors import NotFoundError
from common.observability import MetricUnit, metrics
from common.storage import storage_failure
from image.gallery import object_key, partition

# The id POST /images gives a stored picture (image/service.py `secrets.token_urlsafe(18)`): 24 URL-safe characters.
IMAGE_ID = r"^[A-Za-z0-9_-]{24}$"
NOT_FOUND = "image not found"


def delete_image(db: Any, s3: Any, *, table: str, bucket: str, sub: str, image_id: str) -> None:
    """Remove the caller's picture `image_id` (already matched against IMAGE_ID): its record, then its object.
    NotFoundError when the caller has no record of it (any object left under the id is removed all the same)."""
    key = object_key(sub, image_id)
    sort_key = _record_sort_key(db, table, sub, key)
    removed = sort_key is not None and _delete_record(db, table, sub, sort_key)
    try:
        s3.delete_object(Bucket=bucket, Key=key)
    except ClientError as err:
        raise storage_failure(err, "image storage") from err
    if not removed:
        raise NotFoundError(NOT_FOUND)
    metrics.add_metric(name="ImagesDeleted", unit=MetricUnit.Count, value=1)


def _record_sort_key(db: Any, table: str, sub: str, key: str) -> str | None:
    params: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk",
        "FilterExpression": "#key = :key",  # KEY is a DynamoDB reserved word
        "ProjectionExpression": "sk",
        "ExpressionAttributeNames": {"#key": "key"},
        "ExpressionAttributeValues": {":pk": {"S": partition(sub)}, ":key": {"S": key}},
        # The picture just made must be found by a DELETE sent right after it
        # (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html).
        "ConsistentRead": True,
    }
    try:
        while True:
            response = db.query(**params)
            for item in response.get("Items", []):
                found: str = item["sk"]["S"]
                return found
            if "LastEvaluatedKey" not in response:
                return None
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    except ClientError as err:
        raise storage_failure(err, "image records") from err


def _delete_record(db: Any, table: str, sub: str, sort_key: str) -> bool:
    """True when this call deleted it; False when a concurrent DELETE of the same picture did first."""
    try:
        db.delete_item(
            TableName=table,
            Key={"pk": {"S": partition(sub)}, "sk": {"S": sort_key}},
            ConditionExpression="attribute_exists(sk)",
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise storage_failure(err, "image records") from err
    return True
