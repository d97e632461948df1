"""GET /documents pages like the conversations: key order, no gaps or repeats, sidecars never counted."""

from __future__ import annotations

import base64
import json

import pytest

from rag import handler as rag_handler
from tests.events import FakeContext, rest_event
from tests.integration.conftest import DOCUMENTS_BUCKET, PREFIX
from tests.integration.gateways import start_gateway
from ui.client import Client


def _list(**query: str) -> tuple[int, dict]:
    event = rest_event("GET", "/documents", sub="admin-1", groups="admin")
    if query:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    response = rag_handler.handler(event, FakeContext("rag"))
    return response["statusCode"], json.loads(response["body"])


def _all_pages(**query: str) -> list[dict]:
    pages, token = [], None
    while True:
        status, body = _list(**query, **({"next_token": token} if token else {}))
        assert status == 200, body
        pages.append(body)
        token = body["next_token"]
        if not token:
            return pages


def _put(s3, name: str, *, sidecar: bool = False) -> None:
    s3.put_object(Bucket=DOCUMENTS_BUCKET, Key=PREFIX + name, Body=name.encode())
    if sidecar:
        s3.put_object(Bucket=DOCUMENTS_BUCKET, Key=PREFIX + name + ".metadata.json", Body=b'{"metadataAttributes": {}}')


def test_given_45_documents_then_three_pages_in_key_order_without_gaps_repeats_or_sidecars(empty_bucket):
    names = [f"doc-{n:02d}.md" for n in range(45)]
    for n, name in enumerate(names):
        _put(empty_bucket, name, sidecar=n % 3 == 0)
    pages = _all_pages()
    assert [len(p["documents"]) for p in pages] == [20, 20, 5]
    listed = [d["name"] for p in pages for d in p["documents"]]
    assert listed == sorted(names)
    assert {d["name"]: d["has_metadata"] for p in pages for d in p["documents"]} == {name: n % 3 == 0 for n, name in enumerate(names)}
    assert [len(p["documents"]) for p in _all_pages(limit="100")] == [45]


def test_given_a_sidecar_that_sorts_after_other_documents_then_has_metadata_holds_across_page_boundaries(empty_bucket):
    # "a.md-1" … sort between "a.md" and "a.md.metadata.json" ('-' < '.'): the sidecar is pages away from its document.
    _put(empty_bucket, "a.md", sidecar=True)
    for n in range(1, 6):
        _put(empty_bucket, f"a.md-{n}", sidecar=n == 5)
    _put(empty_bucket, "b.md")
    for limit in ("1", "2", "3"):
        listed = {d["name"]: d["has_metadata"] for p in _all_pages(limit=limit) for d in p["documents"]}
        assert listed == {
            "a.md": True,
            "a.md-1": False,
            "a.md-2": False,
            "a.md-3": False,
            "a.md-4": False,
            "a.md-5": True,
            "b.md": False,
        }, limit


def _forge(position) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        _forge({"key": "images/someone/x.png"}),
        _forge({"key": 5}),
        _forge({}),
        _forge({"key": PREFIX + "a.md", "extra": "x"}),
        _forge({"key": PREFIX + "a" * 1100}),
        _forge([PREFIX + "a.md"]),
        _forge({"Key": PREFIX + "a.md"}),
        "not a token!",
    ],
)
def test_given_a_forged_documents_token_then_400_naming_next_token(empty_bucket, token):
    _put(empty_bucket, "a.md")
    status, body = _list(next_token=token)
    assert (status, body["error"]["code"]) == (400, "bad_request"), body
    assert body["error"]["details"][0]["field"] == "next_token"


@pytest.mark.parametrize("limit", ["0", "101", "many"])
def test_given_a_limit_out_of_range_then_400(empty_bucket, limit):
    status, body = _list(limit=limit)
    assert (status, body["error"]["code"]) == (400, "validation_error"), body


def test_given_more_documents_than_a_page_then_the_ui_client_follows_next_token_through_the_gateway(empty_bucket, moto_server):
    names = [f"문서 {n:02d}.txt" for n in range(45)]
    for name in names:
        _put(empty_bucket, name)
    local, token = start_gateway(
        moto_server, {"chat": rag_handler.handler, "rag": rag_handler.handler, "image": rag_handler.handler}, username="admin@example.com"
    )
    try:
        client = Client(local.url, token)
        assert [d["name"] for d in client.all_pages("documents", "documents", page_size=20)] == sorted(names)
        assert [d["name"] for d in client.documents()] == sorted(names)
    finally:
        local.stop()
