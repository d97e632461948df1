"""AWS faults: what the API answers, how often botocore retried, and that nothing is lost or half-written.

Bedrock faults come from the simulator (it records every attempt it received, failed ones too);
DynamoDB and S3 faults from a proxy in front of moto that answers chosen calls with the services'
own error responses (tests/integration/fault_proxy.py) and counts the attempts.
"""

from __future__ import annotations

import base64
import json
import os
import time
from typing import Any

import boto3
import pytest
from botocore.config import Config

from common.bedrock import bedrock_errors, runtime_client
from common.errors import UpstreamTimeoutError
from image import handler as image_handler
from rag import handler as rag_handler
from tests.events import FakeContext, rest_event
from tests.integration.conftest import DOCUMENTS_BUCKET, IMAGES_BUCKET, PREFIX, TABLE
from tests.integration.test_chat import call, chat

HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def _user_messages(sub: str, conversation: str) -> list[str]:
    _, detail, _ = call("GET", f"/conversations/{conversation}", sub=sub, resource="/conversations/{id}")
    return [m["content"] for m in detail["messages"] if m["role"] == "user"]


def _direct(service: str) -> Any:
    """A client straight to moto (past the proxy): what is really stored, without counting as an attempt."""
    return boto3.client(service, endpoint_url=os.environ.get("MOTO_DIRECT") or os.environ[f"AWS_ENDPOINT_URL_{service.upper()}"])


def _items(sub: str, conversation: str) -> list[dict]:
    return _direct("dynamodb").query(
        TableName=TABLE, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": f"USER#{sub}#CONV#{conversation}"}}
    )["Items"]


# --- Bedrock -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "status", "code", "attempts"),
    [
        ("ThrottlingException", 429, "throttled", 3),
        ("ModelTimeoutException", 504, "upstream_timeout", 1),
        # A 5xx may mean Bedrock received the request and is processing (and billing) it: never sent twice.
        ("ServiceUnavailableException", 503, "upstream_unavailable", 1),
        ("InternalServerException", 503, "upstream_unavailable", 1),
        ("AccessDeniedException", 503, "model_not_enabled", 1),
        ("ValidationException", 400, "bad_request", 1),
    ],
)
def test_given_a_persistent_bedrock_fault_then_a_clear_status_the_retries_and_no_turn_is_stored(sim, fault, status, code, attempts):
    _, first, _ = chat("before the fault", sub="faulty")
    conversation = first["conversation_id"]
    sim.reset()
    sim.inject(fault, operation="Converse", times=10)
    got, body, headers = chat("during the fault", conversation_id=conversation, sub="faulty")
    assert (got, body["error"]["code"]) == (status, code)
    assert body["request_id"]
    assert len(sim.recorded("Converse")) == attempts  # retried only when retrying can help
    if fault == "ThrottlingException":
        assert headers.get("Retry-After") == "2"
    if fault == "AccessDeniedException":  # the current process, not the retired "Model access" page
        message = body["error"]["message"]
        for step in (
            "AWS Marketplace",
            "aws-marketplace:Subscribe",
            "aws-marketplace:ViewSubscriptions",
            "payment method",
            "first-use form",
            "make doctor",
        ):
            assert step in message, step
        assert "Model access" not in message
    assert _user_messages("faulty", conversation) == ["before the fault"]
    assert len(_items("faulty", conversation)) == 3  # summary + one turn: no dangling user message


@pytest.mark.parametrize("fault", ["ThrottlingException", "ModelNotReadyException"])
def test_given_a_transient_throttling_fault_then_the_retry_answers_and_the_turn_is_stored_once(sim, fault):
    sim.inject(fault, operation="Converse", times=2)
    status, body, _ = chat("retry me", sub="retrier")
    assert status == 200
    assert len(sim.recorded("Converse")) == 3  # refused before processing: safe to send again
    assert _user_messages("retrier", body["conversation_id"]) == ["retry me"]


def test_given_a_single_5xx_then_it_is_not_sent_again_and_nothing_is_stored(sim):
    sim.inject("ServiceUnavailableException", operation="Converse", times=1)
    status, body, _ = chat("only once", sub="once-5xx")
    assert (status, body["error"]["code"]) == (503, "upstream_unavailable")
    assert len(sim.recorded("Converse")) == 1
    listed = call("GET", "/conversations", sub="once-5xx")[1]["conversations"]
    assert listed == []


def test_given_bedrock_stops_answering_then_the_functions_client_does_not_send_it_again(sim):
    """A real socket timeout (the simulator holds the answer longer than the client waits), with the
    functions' own client configuration and only its read timeout shortened."""
    product = runtime_client("chat")
    client = boto3.client("bedrock-runtime", endpoint_url=sim.endpoint_url, config=product.meta.config.merge(Config(read_timeout=0.3)))
    sim.latency_ms = 1500
    try:
        with pytest.raises(UpstreamTimeoutError, match="max_tokens"), bedrock_errors(HAIKU):
            client.converse(modelId=HAIKU, messages=[{"role": "user", "content": [{"text": "are you there?"}]}])
    finally:
        sim.latency_ms = 0
    # Each attempt is recorded when it arrives, before the held answer; poll with a deadline, never a fixed sleep.
    deadline = time.monotonic() + 10
    while not sim.recorded("Converse") and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # a retry, if any, would arrive right after the timeout
    assert len(sim.recorded("Converse")) == 1  # botocore retries read timeouts in every mode; this client does not


def test_given_the_image_guardrail_is_throttled_then_429_and_no_image_is_stored(sim):
    sim.inject("ThrottlingException", operation="ApplyGuardrail", times=10)
    event = rest_event("POST", "/images", body={"prompt": "a lighthouse at dawn"}, sub="guard-throttled")
    response = image_handler.handler(event, FakeContext("image"))
    assert response["statusCode"] == 429
    assert len(sim.recorded("ApplyGuardrail")) == 3
    assert not sim.recorded("InvokeModel")  # no paid generation after the guardrail failed
    listing = _direct("s3").list_objects_v2(Bucket=IMAGES_BUCKET, Prefix="images/guard-throttled/")
    assert listing.get("KeyCount", 0) == 0


# --- DynamoDB ------------------------------------------------------------------------------


def test_given_dynamodb_throttles_the_turn_write_then_429_three_attempts_and_nothing_half_written(proxy, sim):
    _, first, _ = chat("first turn", sub="ddb-throttled")
    conversation = first["conversation_id"]
    before = _items("ddb-throttled", conversation)
    proxy.reset()
    proxy.fail("dynamodb", "TransactWriteItems", "ProvisionedThroughputExceededException", table=TABLE)  # the turn's, not the reservation
    started = time.perf_counter()
    status, body, headers = chat("second turn", conversation_id=conversation, sub="ddb-throttled")
    elapsed = time.perf_counter() - started
    assert (status, body["error"]["code"]) == (429, "throttled")
    assert headers.get("Retry-After") == "2"
    assert proxy.count("dynamodb", "TransactWriteItems", TABLE) == 3
    # Bounded retries (3 attempts, above) answer inside API Gateway's 29 s integration timeout: the requirement
    # itself, not a speed figure (it takes about a second), so a loaded machine does not fail it.
    assert elapsed < 29
    assert _items("ddb-throttled", conversation) == before  # the user message, reply and summary move together or not at all


def test_given_dynamodb_throttles_once_then_the_retry_stores_the_turn_exactly_once(proxy, sim):
    _, first, _ = chat("first turn", sub="ddb-once")
    conversation = first["conversation_id"]
    proxy.fail("dynamodb", "TransactWriteItems", "ThrottlingException", times=1, table=TABLE)
    status, _, _ = chat("second turn", conversation_id=conversation, sub="ddb-once")
    assert status == 200
    assert proxy.count("dynamodb", "TransactWriteItems", TABLE) == 3  # first turn 1, second turn 1 + 1 retry
    assert _user_messages("ddb-once", conversation) == ["first turn", "second turn"]
    assert len(sim.recorded("Converse")) == 2  # one model call per turn: the retry was the write only


def test_given_dynamodb_fails_on_the_history_read_then_503_and_no_model_call(proxy, sim):
    _, first, _ = chat("first turn", sub="ddb-down")
    conversation = first["conversation_id"]
    sim.reset()
    proxy.fail("dynamodb", "Query", "InternalServerError")
    status, body, _ = chat("second turn", conversation_id=conversation, sub="ddb-down")
    assert (status, body["error"]["code"]) == (503, "upstream_unavailable")
    assert proxy.count("dynamodb", "Query") == 3
    assert not sim.recorded("Converse")  # nothing paid for a turn that cannot be stored
    status, body, _ = call("GET", "/conversations", sub="ddb-down")
    assert (status, body["error"]["code"]) == (503, "upstream_unavailable")


def test_given_dynamodb_throttles_the_listing_then_429(proxy, sim):
    proxy.fail("dynamodb", "Query", "ProvisionedThroughputExceededException")
    status, body, headers = call("GET", "/conversations", sub="lister")
    assert (status, body["error"]["code"], headers.get("Retry-After")) == (429, "throttled", "2")
    assert proxy.count("dynamodb", "Query") == 3


def test_given_a_delete_whose_batch_write_is_throttled_once_then_it_completes(proxy, sim):
    _, first, _ = chat("delete me", sub="ddb-delete")
    conversation = first["conversation_id"]
    proxy.fail("dynamodb", "BatchWriteItem", "ProvisionedThroughputExceededException", times=1)
    status, _, _ = call("DELETE", f"/conversations/{conversation}", sub="ddb-delete", resource="/conversations/{id}")
    assert status == 204
    assert proxy.count("dynamodb", "BatchWriteItem") == 2
    assert _items("ddb-delete", conversation) == []


# --- DynamoDB transactions cancelled (what concurrent writers cause on AWS) ---------------------
# The local stack runs one request per function at a time and the proxy forwards one at a time, so
# moto never cancels a transaction for a conflict: the proxy answers with DynamoDB's own
# TransactionCanceledException instead. The turn's actions are [user message, reply, summary].


def test_given_dynamodb_cancels_the_turn_for_a_transaction_conflict_then_it_is_retried_and_stored_once(proxy, sim):
    _, first, _ = chat("first turn", sub="ddb-conflict")
    conversation = first["conversation_id"]
    sim.reset()
    proxy.cancel_transaction(["None", "None", "TransactionConflict"], times=2, table=TABLE)
    status, body, _ = chat("second turn", conversation_id=conversation, sub="ddb-conflict")
    assert status == 200, body
    assert proxy.count("dynamodb", "TransactWriteItems", TABLE) == 1 + 3  # first turn 1; second turn: 2 conflicts, then stored
    assert len(sim.recorded("Converse")) == 1  # the retry rewrites; the model is not called again
    assert _user_messages("ddb-conflict", conversation) == ["first turn", "second turn"]
    summary = next(i for i in _items("ddb-conflict", conversation) if i["sk"]["S"] == "SUMMARY")
    assert summary["turns"]["N"] == "2"


def test_given_the_conversation_is_deleted_while_the_turn_commits_then_404_and_nothing_is_stored(proxy, sim):
    _, first, _ = chat("first turn", sub="ddb-gone")
    conversation = first["conversation_id"]
    before = _items("ddb-gone", conversation)
    proxy.cancel_transaction(["None", "None", "ConditionalCheckFailed"], table=TABLE)  # the summary's attribute_exists(pk) failed
    status, body, _ = chat("second turn", conversation_id=conversation, sub="ddb-gone")
    assert (status, body["error"]["code"]) == (404, "not_found")
    assert "deleted" in body["error"]["message"]
    assert proxy.count("dynamodb", "TransactWriteItems", TABLE) == 2  # not retried: the conversation is gone
    assert _items("ddb-gone", conversation) == before


def test_given_the_proxys_cancellation_then_botocore_parses_dynamodbs_cancellation_reasons(proxy, sim):
    """The fault is DynamoDB's wire shape: botocore's own parser finds the code and the modeled CancellationReasons."""
    client = boto3.client("dynamodb", endpoint_url=proxy.endpoint_url)
    proxy.cancel_transaction(["None", "TransactionConflict", "ConditionalCheckFailed"])
    item = {"pk": {"S": "USER#x#CONV#y"}, "sk": {"S": "SUMMARY"}}
    with pytest.raises(client.exceptions.TransactionCanceledException) as info:
        client.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE, "Item": item}}] * 3)
    error = info.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    assert error["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]
    assert error["Error"]["Message"].endswith("[None, TransactionConflict, ConditionalCheckFailed]")


# --- S3 ------------------------------------------------------------------------------------


def _generate(sub: str) -> tuple[int, dict]:
    response = image_handler.handler(rest_event("POST", "/images", body={"prompt": "a red bicycle"}, sub=sub), FakeContext("image"))
    return response["statusCode"], json.loads(response["body"])


def test_given_s3_fails_to_store_a_generated_image_then_503_and_no_image_is_left(proxy, sim):
    proxy.fail("s3", "PutObject", "InternalError")
    status, body = _generate("s3-down")
    assert (status, body["error"]["code"]) == (503, "upstream_unavailable")
    assert proxy.count("s3", "PutObject") == 3
    listing = _direct("s3").list_objects_v2(Bucket=IMAGES_BUCKET, Prefix="images/s3-down/")
    assert listing.get("KeyCount", 0) == 0


def test_given_s3_slows_down_once_then_the_retry_stores_exactly_one_image(proxy, sim):
    proxy.fail("s3", "PutObject", "SlowDown", times=1)
    status, body = _generate("s3-slow")
    assert status == 200
    assert proxy.count("s3", "PutObject") == 2
    listing = _direct("s3").list_objects_v2(Bucket=IMAGES_BUCKET, Prefix="images/s3-slow/")
    assert [o["Key"] for o in listing["Contents"]] == [body["images"][0]["key"]]


def test_given_s3_fails_while_deleting_a_document_then_503_and_both_files_remain(proxy, sim):
    s3 = _direct("s3")
    key = f"{PREFIX}keep-me.txt"
    s3.put_object(Bucket=DOCUMENTS_BUCKET, Key=key, Body=b"still here")
    s3.put_object(Bucket=DOCUMENTS_BUCKET, Key=key + ".metadata.json", Body=b'{"metadataAttributes": {}}')
    proxy.fail("s3", "DeleteObjects", "InternalError")
    event = rest_event("DELETE", "/documents/keep-me.txt", resource="/documents/{key+}", sub="admin-1", groups="admin")
    event["pathParameters"] = {"key": "keep-me.txt"}
    response = rag_handler.handler(event, FakeContext("rag"))
    assert (response["statusCode"], json.loads(response["body"])["error"]["code"]) == (503, "upstream_unavailable")
    assert proxy.count("s3", "DeleteObjects") == 3
    remaining = {o["Key"] for o in s3.list_objects_v2(Bucket=DOCUMENTS_BUCKET, Prefix=key)["Contents"]}
    assert remaining == {key, key + ".metadata.json"}
    s3.delete_objects(Bucket=DOCUMENTS_BUCKET, Delete={"Objects": [{"Key": k} for k in remaining]})


KEPT = [("InternalError", 503, "upstream_unavailable"), ("AccessDenied", 503, "upstream_unavailable"), ("SlowDown", 429, "throttled")]


@pytest.mark.parametrize(("code", "status", "error"), KEPT)
def test_given_s3_keeps_files_in_a_200_delete_result_then_the_api_names_them_and_they_stay_listed(proxy, sim, code, status, error):
    """DeleteObjects in Quiet mode answers 200 and lists the keys it could not delete, each with its own code."""
    s3 = _direct("s3")
    key = f"{PREFIX}kept-by-s3.txt"
    s3.put_object(Bucket=DOCUMENTS_BUCKET, Key=key, Body=b"still here")
    s3.put_object(Bucket=DOCUMENTS_BUCKET, Key=key + ".metadata.json", Body=b'{"metadataAttributes": {}}')
    proxy.fail_keys(code)
    event = rest_event("DELETE", "/documents/kept-by-s3.txt", resource="/documents/{key+}", sub="admin-1", groups="admin")
    event["pathParameters"] = {"key": "kept-by-s3.txt"}
    response = rag_handler.handler(event, FakeContext("rag"))
    body = json.loads(response["body"])
    assert (response["statusCode"], body["error"]["code"]) == (status, error), body
    assert "kept-by-s3.txt, kept-by-s3.txt.metadata.json" in body["error"]["message"]
    assert proxy.count("s3", "DeleteObjects") == 1  # a 200 is not retried
    listed = rest_event("GET", "/documents", sub="admin-1", groups="admin")
    listed["queryStringParameters"], listed["multiValueQueryStringParameters"] = {"limit": "100"}, {"limit": ["100"]}
    names = [d["name"] for d in json.loads(rag_handler.handler(listed, FakeContext("rag"))["body"])["documents"]]
    assert "kept-by-s3.txt" in names
    s3.delete_objects(Bucket=DOCUMENTS_BUCKET, Delete={"Objects": [{"Key": key}, {"Key": key + ".metadata.json"}]})


def test_given_s3_slows_down_on_listing_documents_then_429_with_the_error_shape(proxy, sim):
    proxy.fail("s3", "ListObjectsV2", "SlowDown")
    event = rest_event("GET", "/documents", sub="admin-1", groups="admin")
    response = rag_handler.handler(event, FakeContext("rag"))
    body = json.loads(response["body"])
    assert (response["statusCode"], body["error"]["code"]) == (429, "throttled")  # SlowDown is S3's throttling
    assert response["multiValueHeaders"]["Retry-After"] == ["2"]
    assert proxy.count("s3", "ListObjectsV2") == 3


def test_given_s3_fails_reading_an_image_to_verify_then_503(proxy, sim):
    s3 = _direct("s3")
    key = "images/verifier/picture.png"
    s3.put_object(Bucket=IMAGES_BUCKET, Key=key, Body=base64.b64decode("iVBORw0KGgo="))
    proxy.fail("s3", "GetObject", "InternalError")
    response = image_handler.handler(rest_event("POST", "/images/verify", body={"key": key}, sub="verifier"), FakeContext("image"))
    assert (response["statusCode"], json.loads(response["body"])["error"]["code"]) == (503, "upstream_unavailable")
    assert proxy.count("s3", "GetObject") == 3
