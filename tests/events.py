"""API Gateway REST proxy events, shaped like the ones the Cognito-authorized API delivers."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext


def rest_event(
    method: str, path: str, *, resource: str | None = None, body: Any = None, sub: str = "user-a", groups: str = ""
) -> dict[str, Any]:
    request_id = str(uuid.uuid4())
    return {
        "resource": resource or path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource or path,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": request_id,
            "authorizer": {"claims": {"sub": sub, "cognito:groups": groups, "email": f"{sub}@example.com"}},
        },
        "body": None if body is None else json.dumps(body, ensure_ascii=False),
        "isBase64Encoded": False,
    }


class FakeContext(LambdaContext):
    """The few LambdaContext fields Powertools reads, and Lambda's countdown from the invocation's start."""

    def __init__(self, name: str = "fn", timeout_seconds: float = 29) -> None:
        self._function_name = name
        self._memory_limit_in_mb = 512
        self._invoked_function_arn = f"arn:aws:lambda:us-west-2:123456789012:function:{name}"
        self._aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:  # type: ignore[override]
        return max(0, int((self._deadline - time.monotonic()) * 1000))
