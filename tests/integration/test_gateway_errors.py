"""The local gateway answers a function that fails the way API Gateway does: 502, never a dropped connection."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from local.gateway import LocalGateway
from tests.integration.gateways import start_gateway


def _raises(event, context):
    raise RuntimeError("the function broke")


def _malformed(event, context):
    return {"body": "a proxy response without statusCode"}


def _fine(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps({"ok": True})}


@pytest.fixture
def gateway(moto_server: str) -> Iterator[tuple[LocalGateway, str]]:
    handlers = {"chat": _raises, "rag": _malformed, "image": _fine}
    local, token = start_gateway(moto_server, handlers, cors_origins=("http://localhost:8501",))
    yield local, token
    local.stop()


def _get(local: LocalGateway, path: str, token: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        local.url + path,
        method="POST" if path.startswith("images") else "GET",
        data=b"{}" if path.startswith("images") else None,
        headers={"Authorization": token, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), dict(err.headers)


def test_given_a_function_that_raises_or_answers_malformed_then_502_internal_server_error_and_the_traceback_logged(gateway, caplog):
    local, token = gateway
    with caplog.at_level(logging.ERROR, logger="local.gateway"):
        for path in ("models", "documents"):  # chat raises; rag answers without statusCode
            status, body, headers = _get(local, path, token)
            assert status == 502
            assert body["error"] == {"code": "DEFAULT_5XX", "message": "Internal server error"}  # nothing of the failure leaks
            assert body["request_id"]
            assert headers["Access-Control-Allow-Origin"] == "http://localhost:8501"
    failures = [r for r in caplog.records if r.name == "local.gateway"]
    assert len(failures) == 2
    assert all(r.exc_info for r in failures)  # the traceback is logged server-side
    assert "RuntimeError: the function broke" in caplog.text
    assert _get(local, "images", token)[:2] == (200, {"ok": True})  # the gateway keeps serving
