"""GET /images: the caller's own pictures, newest first, in pages; another user's never; forged tokens are 400s."""

from __future__ import annotations

import base64
import json
import urllib.request

import boto3
import pytest

from image import handler as image_handler
from tests.events import FakeContext, rest_event
from tests.integration.conftest import TABLE


def call(method: str, sub: str, body: dict | None = None, query: dict | None = None) -> tuple[int, dict]:
    event = rest_event(method, "/images", body=body, sub=sub)
    if query is not None:
        event["queryStringParameters"] = query
    response = image_handler.handler(event, FakeContext("image"))
    return response["statusCode"], json.loads(response["body"])


def generate(sub: str, prompt: str) -> dict:
    status, body = call("POST", sub, body={"prompt": prompt})
    assert status == 200, body
    return body["images"][0]


def listed(sub: str, **query: str) -> tuple[int, dict]:
    return call("GET", sub, query=query or None)


def _forge(position) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def test_given_three_pictures_when_listed_two_per_page_then_newest_first_and_the_token_reaches_the_last(sim):
    made = [generate("gallery-pages", f"a lighthouse, study {n}") for n in range(3)]
    status, first = listed("gallery-pages", limit="2")
    assert status == 200, first
    assert [i["key"] for i in first["images"]] == [made[2]["key"], made[1]["key"]]
    assert first["next_token"]
    _, second = listed("gallery-pages", limit="2", next_token=first["next_token"])
    assert [i["key"] for i in second["images"]] == [made[0]["key"]]
    assert second["next_token"] is None
    newest = first["images"][0]
    assert newest["prompt"] == "a lighthouse, study 2"
    assert newest["model_id"] == "stability.stable-image-core-v1:1"
    assert (newest["width"], newest["height"], newest["task"]) == (made[2]["width"], made[2]["height"], "TEXT_IMAGE")
    assert newest["created_at"] > first["images"][1]["created_at"]


def test_given_a_listed_picture_then_its_url_downloads_the_png_that_was_stored(sim, moto_server):
    generate("gallery-download", "a red kite over fields")
    _, page = listed("gallery-download")
    (picture,) = page["images"]
    assert "X-Amz-Signature=" in picture["url"]
    with urllib.request.urlopen(picture["url"], timeout=10) as response:
        assert response.read().startswith(b"\x89PNG\r\n\x1a\n")


def test_given_two_users_then_each_lists_only_their_own_and_ones_token_is_refused_to_the_other(sim):
    mine = [generate("gallery-alice", f"alice's garden {n}") for n in range(2)]
    theirs = generate("gallery-bob", "bob's boat")
    _, alice = listed("gallery-alice", limit="1")
    _, alice_all = listed("gallery-alice")
    _, bob = listed("gallery-bob")
    assert {i["key"] for i in alice_all["images"]} == {m["key"] for m in mine}
    assert [i["key"] for i in bob["images"]] == [theirs["key"]]
    assert all(i["key"].startswith("images/gallery-alice/") for i in alice_all["images"])
    status, body = listed("gallery-bob", next_token=alice["next_token"])
    assert (status, body["error"]["code"]) == (400, "bad_request")
    assert body["error"]["details"] == [{"field": "next_token", "message": "not a token this API issued"}]


def test_given_nothing_made_yet_then_an_empty_page(sim):
    assert listed("gallery-nobody") == (200, {"images": [], "next_token": None})


@pytest.mark.parametrize(
    "token",
    [
        "not base64!",
        "e30",  # {}
        _forge({"pk": "IMAGES#someone-else", "sk": "2026-01-01T00:00:00.000000+00:00#x"}),
        _forge({"pk": "IMAGES#gallery-forger"}),
        _forge({"pk": "IMAGES#gallery-forger", "sk": 5}),
        _forge({"pk": "IMAGES#gallery-forger", "sk": "x", "extra": "y"}),
        _forge({"pk": "USER#gallery-forger#CONV#abc", "sk": "SUMMARY"}),  # a conversation's position
        _forge(["IMAGES#gallery-forger"]),
    ],
)
def test_given_a_forged_token_then_400_naming_next_token(sim, token):
    status, body = listed("gallery-forger", next_token=token)
    assert status == 400, body
    assert body["error"]["details"][0]["field"] == "next_token"


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "101"}, {"limit": "ten"}, {"next_token": "x" * 2049}])
def test_given_bad_query_parameters_then_400_validation_error(sim, query):
    status, body = listed("gallery-bad", **query)
    assert (status, body["error"]["code"]) == (400, "validation_error"), body


def test_given_a_record_past_the_retention_then_it_is_not_listed_before_ttl_deletes_it(sim):
    generate("gallery-expired", "old picture")
    db = boto3.client("dynamodb")
    (record,) = db.query(
        TableName=TABLE, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": "IMAGES#gallery-expired"}}
    )["Items"]
    assert int(record["expires_at"]["N"]) > 0
    db.update_item(
        TableName=TABLE,
        Key={"pk": record["pk"], "sk": record["sk"]},
        UpdateExpression="SET expires_at = :t",
        ExpressionAttributeValues={":t": {"N": "1"}},
    )
    assert listed("gallery-expired")[1]["images"] == []


def test_given_the_record_cannot_be_written_then_the_picture_is_still_returned_and_only_missing_from_the_list(proxy, sim):
    proxy.fail("dynamodb", "PutItem", "InternalServerError", times=3, table=TABLE)
    picture = generate("gallery-unrecorded", "a picture without a record")
    assert picture["key"].startswith("images/gallery-unrecorded/")
    assert listed("gallery-unrecorded")[1]["images"] == []


def test_given_a_picture_just_made_then_the_listing_asks_for_a_strongly_consistent_read(sim):
    """A Query is eventually consistent unless it asks (moto always answers consistently, so the request is what is
    checked): the picture just made must be in the listing the page reads right after.
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html"""
    sent: list[dict] = []

    def record(params, **_):
        sent.append(dict(params))

    client = image_handler._db()
    client.meta.events.register("provide-client-params.dynamodb.Query", record)
    try:
        generate("gallery-consistent", "just made")
        _, page = listed("gallery-consistent")
    finally:
        client.meta.events.unregister("provide-client-params.dynamodb.Query", record)
    assert len(page["images"]) == 1
    listings = [p for p in sent if p.get("ExpressionAttributeValues", {}).get(":pk") == {"S": "IMAGES#gallery-consistent"}]
    assert [p.get("ConsistentRead") for p in listings] == [True]
