"""Documents (admin only), presigned uploads, ingestion jobs on demand and from S3 events."""

from __future__ import annotations

import json

import pytest
import requests

from rag import handler as rag_handler
from rag import ingest_handler
from tests.events import FakeContext, rest_event
from tests.integration.conftest import DOCUMENTS_BUCKET, wait_for_jobs


def call(method: str, path: str, body=None, *, sub: str = "admin-1", groups: str = "admin", resource: str | None = None):
    event = rest_event(method, path, resource=resource, body=body, sub=sub, groups=groups)
    response = rag_handler.handler(event, FakeContext("rag"))
    return response["statusCode"], json.loads(response.get("body") or "null")


def upload(name: str, data: bytes, content_type: str, metadata=None) -> dict:
    status, body = call(
        "POST",
        "/documents",
        {"filename": name, "content_type": content_type, "size": len(data), **({"metadata": metadata} if metadata else {})},
    )
    assert status == 201, body
    post = body["upload"]
    response = requests.post(post["url"], data=post["fields"], files={"file": (name, data)}, timeout=10)
    assert response.status_code in (200, 204), response.text
    return body


@pytest.fixture
def slow_jobs(sim):
    """Jobs that run long enough that a second start certainly finds one running, even on a loaded machine."""
    assert sim.knowledge is not None
    before = sim.knowledge.job_seconds
    sim.knowledge.job_seconds = 3.0
    yield
    sim.knowledge.job_seconds = before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/documents"),
        ("POST", "/documents"),
        ("DELETE", "/documents/a.txt"),
        ("GET", "/documents/sync"),
        ("POST", "/documents/sync"),
    ],
)
def test_given_a_user_outside_the_admin_group_then_document_routes_answer_403(sim, method, path):
    body = {"filename": "a.txt", "content_type": "text/plain", "size": 1} if method == "POST" and path == "/documents" else None
    status, answer = call(method, path, body, sub="user-x", groups="", resource="/documents/{key+}" if "a.txt" in path else None)
    assert status == 403
    assert answer["error"]["code"] == "forbidden"


def test_given_an_admin_when_uploading_a_korean_named_document_then_it_lands_under_the_prefix_encrypted(empty_bucket):
    data = "휴가 신청은 인사 시스템에서 합니다.".encode()
    body = upload("인사 규정 FAQ.md", data, "text/markdown")
    assert body["key"] == "documents/인사 규정 FAQ.md"
    assert body["upload"]["fields"]["x-amz-server-side-encryption"] == "AES256"
    head = empty_bucket.head_object(Bucket=DOCUMENTS_BUCKET, Key="documents/인사 규정 FAQ.md")
    assert head["ContentLength"] == len(data)
    assert head["ContentType"] == "text/markdown"
    status, listing = call("GET", "/documents")
    assert status == 200
    assert [d["name"] for d in listing["documents"]] == ["인사 규정 FAQ.md"]
    assert listing["documents"][0]["ingestion"] == "PENDING"


@pytest.mark.parametrize(
    ("request_body", "status", "field"),
    [
        ({"filename": "tool.exe", "content_type": "application/octet-stream", "size": 10}, 400, "filename"),
        ({"filename": "notes.txt", "content_type": "application/pdf", "size": 10}, 400, "content_type"),
        ({"filename": "../../etc/passwd.txt", "content_type": "text/plain", "size": 10}, 400, "filename"),
        ({"filename": "a/b.txt", "content_type": "text/plain", "size": 10}, 400, "filename"),
        ({"filename": "x.txt.metadata.json", "content_type": "text/plain", "size": 10}, 400, "filename"),
        ({"filename": "big.pdf", "content_type": "application/pdf", "size": 60 * 1024 * 1024}, 413, None),
        ({"filename": "a.txt", "content_type": "text/plain", "size": 0}, 400, "size"),
        ({"filename": "a.txt", "content_type": "text/plain", "size": 5, "metadata": {"bad key!": "x"}}, 400, "metadata.bad key!.[key]"),
    ],
)
def test_given_a_bad_upload_request_then_it_is_refused_before_any_url_is_issued(empty_bucket, request_body, status, field):
    got, body = call("POST", "/documents", request_body)
    assert got == status, body
    if field:
        assert field in [d["field"] for d in body["error"]["details"]], body
    assert "Contents" not in empty_bucket.list_objects_v2(Bucket=DOCUMENTS_BUCKET)


def test_given_metadata_then_a_sidecar_bedrock_reads_is_written(empty_bucket):
    upload("policy.txt", b"Remote work is allowed two days a week.", "text/plain", metadata={"department": "hr", "year": 2026})
    sidecar = json.loads(empty_bucket.get_object(Bucket=DOCUMENTS_BUCKET, Key="documents/policy.txt.metadata.json")["Body"].read())
    assert sidecar == {"metadataAttributes": {"department": "hr", "year": 2026}}
    _, listing = call("GET", "/documents")
    assert listing["documents"][0]["has_metadata"] is True
    assert len(listing["documents"]) == 1


def test_given_a_document_when_deleted_then_object_and_sidecar_are_gone_and_traversal_is_refused(empty_bucket):
    upload("old.txt", b"old", "text/plain", metadata={"k": "v"})
    assert call("DELETE", "/documents/..", resource="/documents/{key+}")[0] == 400
    status, _ = call("DELETE", "/documents/old.txt", resource="/documents/{key+}")
    assert status == 204
    assert "Contents" not in empty_bucket.list_objects_v2(Bucket=DOCUMENTS_BUCKET)
    assert call("DELETE", "/documents/old.txt", resource="/documents/{key+}")[0] == 404


def test_given_a_sidecar_left_without_its_document_then_delete_removes_it_and_only_nothing_at_all_is_404(empty_bucket):
    empty_bucket.put_object(Bucket=DOCUMENTS_BUCKET, Key="documents/gone.txt.metadata.json", Body=b'{"metadataAttributes": {}}')
    assert call("DELETE", "/documents/gone.txt", resource="/documents/{key+}")[0] == 204
    assert "Contents" not in empty_bucket.list_objects_v2(Bucket=DOCUMENTS_BUCKET)
    assert call("DELETE", "/documents/gone.txt", resource="/documents/{key+}")[0] == 404


def test_given_sync_when_a_job_runs_then_409_names_it_and_later_the_documents_are_indexed(empty_bucket, sim, slow_jobs):
    upload("handbook.md", b"# Handbook\nThe office opens at 9.", "text/markdown")
    status, job = call("POST", "/documents/sync")
    assert status == 202
    assert job["status"] in ("STARTING", "IN_PROGRESS")
    status, conflict = call("POST", "/documents/sync")
    assert status == 409
    assert conflict["error"]["details"]["running_job_id"] == job["job_id"]
    wait_for_jobs(sim)
    status, jobs = call("GET", "/documents/sync")
    assert jobs["jobs"][0]["job_id"] == job["job_id"]
    assert jobs["jobs"][0]["status"] == "COMPLETE"
    assert jobs["jobs"][0]["statistics"]["numberOfNewDocumentsIndexed"] == 1
    _, listing = call("GET", "/documents")
    assert listing["documents"][0]["ingestion"] == "INDEXED"


def _sqs_event(keys: list[str]) -> dict:
    return {
        "Records": [
            {"messageId": f"m-{i}", "body": json.dumps({"detail-type": "Object Created", "detail": {"object": {"key": key}}})}
            for i, key in enumerate(keys)
        ]
    }


def test_given_many_document_events_then_one_job_and_while_it_runs_the_next_batch_is_handed_back(empty_bucket, sim, slow_jobs):
    for n in range(3):
        upload(f"doc{n}.txt", f"document {n}".encode(), "text/plain")
    first = ingest_handler.handler(_sqs_event([f"documents/doc{n}.txt" for n in range(3)]), FakeContext("ingest"))
    assert first == {"batchItemFailures": []}
    assert len(sim.recorded("StartIngestionJob")) == 1
    second = ingest_handler.handler(_sqs_event(["documents/doc9.txt", "documents/doc8.txt"]), FakeContext("ingest"))
    assert second == {"batchItemFailures": [{"itemIdentifier": "m-0"}, {"itemIdentifier": "m-1"}]}
    wait_for_jobs(sim)
    retried = ingest_handler.handler(_sqs_event(["documents/doc9.txt", "documents/doc8.txt"]), FakeContext("ingest"))
    assert retried == {"batchItemFailures": []}


def test_given_bedrock_throttling_then_the_batch_is_handed_back_not_dropped(empty_bucket, sim):
    sim.inject("ThrottlingException", operation="StartIngestionJob", times=3)
    result = ingest_handler.handler(_sqs_event(["documents/x.txt"]), FakeContext("ingest"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-0"}]}


def test_given_a_percent_encoded_korean_name_then_delete_finds_it(empty_bucket):
    from urllib.parse import quote

    upload("연차 안내.txt", "연차는 15일입니다.".encode(), "text/plain")
    status, _ = call("DELETE", "/documents/" + quote("연차 안내.txt"), resource="/documents/{key+}")
    assert status == 204
    assert "Contents" not in empty_bucket.list_objects_v2(Bucket=DOCUMENTS_BUCKET)


def test_given_metadata_written_through_the_api_then_a_filtered_query_uses_it(empty_bucket, sim):
    from rag import handler as rag

    upload("remote-2027.txt", b"From 2027 remote work is allowed three days a week.", "text/plain", metadata={"year": 2027})
    upload("remote-2026.txt", b"In 2026 remote work is allowed two days a week.", "text/plain", metadata={"year": 2026})
    assert call("POST", "/documents/sync")[0] == 202
    wait_for_jobs(sim)
    body = {"question": "How many days of remote work are allowed?", "filter": {"equals": {"key": "year", "value": 2027}}}
    response = rag.handler(rest_event("POST", "/rag/query", body=body, sub="reader"), FakeContext("rag"))
    answer = json.loads(response["body"])
    assert [c["source"]["name"] for c in answer["citations"]] == ["remote-2027.txt"]
    assert "three days" in answer["answer"]
