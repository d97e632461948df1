"""DELETE /images/{id}: the caller's own picture leaves the listing and the bucket; anyone else's id, an unknown one and
a second delete are 404s; a malformed id is a 400; storage failures are 503s that a retry completes."""

from __future__ import annotations

import json
import threading
from pathlib import PurePosixPath

import boto3
import pytest

from image import handler as image_handler
from tests.events import FakeContext, rest_event
from tests.integration.conftest import TABLE

UNKNOWN = "A" * 24  # a well-formed id nobody has


def call(method: str, sub: str, path: str = "/images", body: dict | None = None) -> tuple[int, dict | None]:
    response = image_handler.handler(rest_event(method, path, body=body, sub=sub), FakeContext("image"))
    return response["statusCode"], json.loads(response["body"]) if response["body"] else None


def generate(sub: str, prompt: str) -> dict:
    status, body = call("POST", sub, body={"prompt": prompt})
    assert status == 200, body
    assert body is not None
    picture: dict = body["images"][0]
    return picture


def image_id(picture: dict) -> str:
    return PurePosixPath(picture["key"]).stem


def delete(sub: str, picture_id: str) -> tuple[int, dict | None]:
    return call("DELETE", sub, path=f"/images/{picture_id}")


def listed_keys(sub: str) -> list[str]:
    status, body = call("GET", sub)
    assert status == 200, body
    assert body is not None
    return [p["key"] for p in body["images"]]


def object_exists(key: str) -> bool:
    found = boto3.client("s3").list_objects_v2(Bucket=image_handler.env.images_bucket, Prefix=key)
    return any(o["Key"] == key for o in found.get("Contents", []))


def records(sub: str) -> list[dict]:
    db = boto3.client("dynamodb")
    items: list[dict] = db.query(
        TableName=TABLE, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": f"IMAGES#{sub}"}}
    )["Items"]
    return items


def assert_not_found(status: int, body: dict | None) -> None:
    assert status == 404, body
    assert body is not None
    assert body["error"] == {"code": "not_found", "message": "image not found"}
    assert body["request_id"]


def test_given_my_picture_when_i_delete_it_then_204_and_its_object_and_record_are_gone_and_it_is_not_listed(sim):
    kept = generate("delete-mine", "a kept lighthouse")
    gone = generate("delete-mine", "a regretted lighthouse")
    assert set(listed_keys("delete-mine")) == {kept["key"], gone["key"]}
    status, body = delete("delete-mine", image_id(gone))
    assert (status, body) == (204, None)
    assert listed_keys("delete-mine") == [kept["key"]]
    assert not object_exists(gone["key"])
    assert object_exists(kept["key"])
    assert [r["key"]["S"] for r in records("delete-mine")] == [kept["key"]]


def test_given_a_deleted_picture_when_deleted_again_then_404(sim):
    picture = generate("delete-twice", "a picture deleted twice")
    assert delete("delete-twice", image_id(picture))[0] == 204
    assert_not_found(*delete("delete-twice", image_id(picture)))


def test_given_another_users_picture_when_i_delete_its_id_then_404_like_an_unknown_one_and_it_stays(sim):
    theirs = generate("delete-owner", "someone else's garden")
    someone_elses = delete("delete-intruder", image_id(theirs))
    unknown = delete("delete-intruder", UNKNOWN)
    assert_not_found(*someone_elses)
    assert_not_found(*unknown)
    assert someone_elses[1] is not None
    assert unknown[1] is not None
    assert {k: v for k, v in someone_elses[1].items() if k != "request_id"} == {k: v for k, v in unknown[1].items() if k != "request_id"}
    assert object_exists(theirs["key"])
    assert listed_keys("delete-owner") == [theirs["key"]]


@pytest.mark.parametrize(
    "bad",
    ["short", "A" * 23, "A" * 25, "A" * 23 + "!", "A" * 23 + ".", "..%2F" + "A" * 19, "A" * 20 + ".png"],
)
def test_given_a_malformed_id_then_400_validation_error_naming_the_path(sim, bad):
    status, body = delete("delete-bad", bad)
    assert status == 400, body
    assert body is not None
    assert body["error"]["code"] == "validation_error"
    assert body["request_id"]


def test_given_a_picture_whose_record_was_never_written_then_delete_removes_its_object_and_answers_404(proxy, sim):
    """POST /images still returns a picture whose record could not be written (gallery.remember); its id reaches no
    record, so 404 — and the object under the caller's id is removed all the same."""
    proxy.fail("dynamodb", "PutItem", "InternalServerError", times=3, table=TABLE)
    picture = generate("delete-unrecorded", "a picture without a record")
    assert object_exists(picture["key"])
    assert_not_found(*delete("delete-unrecorded", image_id(picture)))
    assert not object_exists(picture["key"])


def test_given_s3_fails_after_the_record_is_deleted_then_503_it_is_not_listed_and_a_retry_removes_the_object(proxy, sim):
    picture = generate("delete-s3-down", "a picture S3 will not let go")
    proxy.fail("s3", "DeleteObject", "InternalError", times=3)
    status, body = delete("delete-s3-down", image_id(picture))
    assert status == 503, body
    assert body is not None
    assert body["error"]["code"] == "upstream_unavailable"
    assert listed_keys("delete-s3-down") == []  # the record went first: no listing entry for a picture half deleted
    assert object_exists(picture["key"])
    assert_not_found(*delete("delete-s3-down", image_id(picture)))  # nothing listed is left; the retry removes the object
    assert not object_exists(picture["key"])


@pytest.mark.parametrize(
    ("operation", "code", "status"), [("Query", "InternalServerError", 503), ("DeleteItem", "ThrottlingException", 429)]
)
def test_given_the_table_fails_then_a_clear_status_and_the_picture_is_still_listed_and_stored(proxy, sim, operation, code, status):
    picture = generate(f"delete-db-{status}", "a picture the table keeps")
    proxy.fail("dynamodb", operation, code, times=3, table=TABLE)
    answer, body = delete(f"delete-db-{status}", image_id(picture))
    assert answer == status, body
    assert body is not None
    assert set(body) == {"error", "request_id"}
    assert listed_keys(f"delete-db-{status}") == [picture["key"]]
    assert object_exists(picture["key"])


def test_given_two_deletes_of_one_picture_at_once_then_one_204_and_one_404(proxy, sim):
    """The second DELETE's Query finds the record before the first deletes it; its conditional DeleteItem then fails
    (ConditionalCheckFailedException) and it answers 404: exactly one 204."""
    picture = generate("delete-race", "one picture, two deletes")
    answers: list[int] = []
    second = threading.Thread(target=lambda: answers.append(delete("delete-race", image_id(picture))[0]))

    def run_the_second_first() -> None:
        second.start()
        second.join()

    proxy.before("dynamodb", "DeleteItem", run_the_second_first)
    answers.append(delete("delete-race", image_id(picture))[0])
    assert sorted(answers) == [204, 404]
    assert not object_exists(picture["key"])
    assert records("delete-race") == []
