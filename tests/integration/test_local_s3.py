"""The local S3's answer to a missing object (local/moto_s3.py): 403 AccessDenied, as S3 answers a caller without
s3:ListBucket (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html ,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html, section "Permissions"), through real boto3 clients
against both servers that carry it: the local stack's (SerialMotoServer) and the integration tests' moto fixture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from local.moto_server import SerialMotoServer

BUCKET = "missing-objects-test"


@pytest.fixture(scope="module")
def serial_server() -> Iterator[str]:
    server = SerialMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(params=["local stack", "test fixture"])
def s3(request: pytest.FixtureRequest, serial_server: str, moto_server: str) -> Any:
    """An S3 client (SigV4, as the functions sign) on a bucket holding one object, `here.txt`."""
    endpoint = serial_server if request.param == "local stack" else moto_server
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-west-2",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(signature_version="s3v4", retries={"total_max_attempts": 1}),
    )
    if BUCKET not in {b["Name"] for b in client.list_buckets()["Buckets"]}:  # both servers share moto's backend
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    client.put_object(Bucket=BUCKET, Key="here.txt", Body=b"hello")
    return client


def _error(call: Any, **params: Any) -> tuple[int, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]["Code"]


def test_given_a_missing_key_when_got_then_403_access_denied(s3):
    assert _error(s3.get_object, Bucket=BUCKET, Key="not/there.txt") == (403, "AccessDenied")


def test_given_a_missing_key_when_headed_then_403(s3):
    # A HEAD's error has no body: botocore names it by the status.
    assert _error(s3.head_object, Bucket=BUCKET, Key="not/there.txt") == (403, "403")


def test_given_a_missing_key_when_a_presigned_url_is_got_then_403_with_s3s_error_document(s3):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "not-there.png"})
    assert "X-Amz-Credential" in url
    response = requests.get(url, timeout=10)
    assert response.status_code == 403
    assert "<Code>AccessDenied</Code>" in response.text


def test_given_an_existing_key_when_got_or_headed_then_200(s3):
    got = s3.get_object(Bucket=BUCKET, Key="here.txt")
    assert (got["ResponseMetadata"]["HTTPStatusCode"], got["Body"].read()) == (200, b"hello")
    assert s3.head_object(Bucket=BUCKET, Key="here.txt")["ContentLength"] == 5


def test_given_listing_and_a_missing_bucket_then_motos_own_answers(s3):
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="not/")
    assert (listed["ResponseMetadata"]["HTTPStatusCode"], listed["KeyCount"]) == (200, 0)
    assert _error(s3.get_object, Bucket="no-such-bucket-here", Key="a.txt") == (404, "NoSuchBucket")
    assert _error(s3.head_object, Bucket="no-such-bucket-here", Key="a.txt") == (404, "404")
    assert _error(s3.list_objects_v2, Bucket="no-such-bucket-here") == (404, "NoSuchBucket")
