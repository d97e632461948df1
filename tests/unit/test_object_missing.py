"""lambdas/common/storage.py `object_missing`: what a GetObject/HeadObject error means for the functions, whose roles
hold no unconditioned s3:ListBucket (S3 then answers a missing object 403: API_GetObject, API_HeadObject "Permissions")."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from common.storage import object_missing, storage_failure


def _error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "x"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject")


@pytest.mark.parametrize(
    ("code", "status"),
    [("NoSuchKey", 404), ("404", 404), ("NotFound", 404), ("AccessDenied", 403), ("403", 403)],
)
def test_given_s3s_answers_to_a_missing_object_then_each_means_not_there(code, status):
    assert object_missing(_error(code, status))


@pytest.mark.parametrize(("code", "status"), [("SlowDown", 503), ("InternalError", 500), ("NoSuchBucket", 404), ("400", 400)])
def test_given_any_other_storage_error_then_it_is_not_a_missing_object_and_stays_a_failure(code, status):
    assert not object_missing(_error(code, status))
    assert storage_failure(_error(code, status), "storage").status in (429, 503)
