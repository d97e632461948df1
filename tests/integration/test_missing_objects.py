"""A missing S3 object through each function that reads one, on a local S3 that answers as S3 answers the functions:
403 AccessDenied, not 404, as their roles hold no s3:ListBucket (local/moto_s3.py; lambdas/common/storage.py
`object_missing`). Each route keeps the answer it gives a missing object, never a 503."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from common.clock import Clock
from customize import handler as customize_handler
from tests.clock import TODAY
from tests.events import FakeContext, rest_event
from tests.integration.conftest import DOCUMENTS_BUCKET, IMAGES_BUCKET, PREFIX
from tests.integration.test_chat import chat
from tests.integration.test_documents import call as documents_call
from tests.integration.test_documents_pages import _list, _put
from tests.integration.test_images import verify

LLAMA33 = "meta.llama3-3-70b-instruct-v1:0:128k"  # customizable in the tests' us-west-2 on their date (Legacy)


def test_given_the_local_s3_when_a_function_reads_a_missing_object_then_it_meets_s3s_403(sim):
    with pytest.raises(boto3.client("s3").exceptions.ClientError) as caught:
        boto3.client("s3").get_object(Bucket=IMAGES_BUCKET, Key="attachments/user-a/never/there.png")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_given_an_attachment_never_uploaded_when_chatting_with_its_key_then_404_naming_the_file(sim):
    status, body, _ = chat("what is in it?", attachments=[{"key": "attachments/user-a/abcdefghijklmnop/never.png"}])

    assert (status, body["error"]["code"]) == (404, "not_found"), body
    assert body["error"]["details"] == [{"field": "attachments[0]", "message": "never.png: not uploaded, or expired"}]


def test_given_an_own_image_key_with_no_object_when_verified_then_404(sim):
    status, body = verify({"key": "images/artist/never-generated.png"})

    assert (status, body["error"]["code"]) == (404, "not_found"), body


@pytest.fixture
def customize_call(sim, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The customize handler as an admin, on the suite's date (its injected clock, as test_customize_lifecycle.py)."""
    monkeypatch.setattr(customize_handler, "clock", Clock(TODAY))
    sim.account.today = TODAY.isoformat()

    def call(method: str, path: str, body: Any) -> tuple[int, Any]:
        response = customize_handler.handler(rest_event(method, path, body=body, sub="admin-1", groups="admin"), FakeContext("customize"))
        return response["statusCode"], json.loads(response["body"])

    return call


def test_given_an_upload_id_never_sent_when_its_dataset_is_checked_then_404(customize_call):
    status, body = customize_call("POST", "/customize/datasets", {"base_model_id": LLAMA33, "upload_id": "up-0000000000000000"})

    assert (status, body["error"]["code"]) == (404, "not_found"), body
    assert "up-0000000000000000" in body["error"]["message"]


def test_given_a_dataset_id_never_checked_when_a_job_starts_from_it_then_404(customize_call):
    status, body = customize_call("POST", "/customize/jobs", {"dataset_id": "ds-0000000000000000", "name": "never-checked"})

    assert (status, body["error"]["code"]) == (404, "not_found"), body
    assert "ds-0000000000000000" in body["error"]["message"]


def test_given_no_such_document_when_deleted_then_404(empty_bucket):
    status, body = documents_call("DELETE", "/documents/never-uploaded.txt", resource="/documents/{key+}")

    assert (status, body["error"]["code"]) == (404, "not_found"), body


def test_given_a_document_whose_sidecar_sorts_past_the_listing_and_is_missing_then_has_metadata_is_false(empty_bucket):
    # The first read of keys stops at "a.md-3"; "a.md.metadata.json" sorts after it, so it is asked for (HeadObject).
    for name in ("a.md", "a.md-1", "a.md-2", "a.md-3", "a.md-4", "b.md"):
        _put(empty_bucket, name)

    status, body = _list(limit="1")

    assert status == 200, body
    assert [(d["name"], d["has_metadata"]) for d in body["documents"]] == [("a.md", False)]
    assert empty_bucket.list_objects_v2(Bucket=DOCUMENTS_BUCKET, Prefix=PREFIX)["KeyCount"] == 6
