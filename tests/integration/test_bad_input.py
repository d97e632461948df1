"""Bad input anywhere is a 4xx with the error shape, never a 5xx (every route, many malformed bodies)."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from chat import handler as chat_handler
from chat import stream as chat_stream
from customize import handler as customize_handler
from image import handler as image_handler
from infra.routes import ROUTES
from rag import handler as rag_handler
from rag import stream as rag_stream
from tests.events import FakeContext, rest_event

HANDLERS = {
    "chat": chat_handler.handler,
    "rag": rag_handler.handler,
    "image": image_handler.handler,
    "customize": customize_handler.handler,
}
STREAM_APPS = {"chat_stream": TestClient(chat_stream.app), "rag_stream": TestClient(rag_stream.app)}
BODIES = [
    "",
    "{",
    "null",
    "[]",
    '"a string"',
    "12345",
    '{"": ""}',
    json.dumps({"message": None, "question": None, "prompt": None}),
    json.dumps({"message": ["x"], "question": {"a": 1}, "prompt": 7}),
    json.dumps({"message": "x", "params": {"temperature": 1e308, "top_k": -(2**63)}}),
    json.dumps({"question": "x", "number_of_results": 10**20, "filter": {"andAll": "no"}}),
    json.dumps({"prompt": "x", "seed": 2**64, "aspect_ratio": "1:1\u0000"}),
    json.dumps({"filename": "\u202e\u0000evil.txt", "content_type": "text/plain", "size": -1}),
    json.dumps({"image": "=" * 100}),
    json.dumps({"conversation_id": "' OR 1=1 --", "message": "💥" * 10}),
    json.dumps({"model_id": "../../etc/passwd", "message": "x", "question": "x", "prompt": "x"}),
]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method == "POST"], ids=lambda r: f"{r.method} {r.path}")
def test_given_malformed_bodies_on_every_post_route_then_4xx_with_the_error_shape(sim, route):
    path = route.path.replace("{id}", "s" * 24)
    for raw in BODIES:
        if route.stream:  # the streaming function's own app, as the Lambda Web Adapter calls it
            claims = {"requestId": "r-1", "authorizer": {"claims": {"sub": "fuzzer", "cognito:groups": "admin"}}}
            answer = STREAM_APPS[route.function].post(path, content=raw, headers={"x-amzn-request-context": json.dumps(claims)})
            status, text = answer.status_code, answer.text
        else:
            event = rest_event(route.method, path, resource=route.path, sub="fuzzer", groups="admin")
            event["body"] = raw
            response = HANDLERS[route.function](event, FakeContext(route.function))
            status, text = response["statusCode"], response["body"]
        assert 200 <= status < 500, (route.path, raw, text)
        if status >= 400:
            assert json.loads(text)["error"]["code"], (route.path, raw)


@pytest.mark.parametrize(
    ("method", "path", "resource", "query"),
    [
        ("GET", "/conversations", None, {"limit": "-5"}),
        ("GET", "/conversations", None, {"limit": "abc"}),
        ("GET", "/conversations", None, {"next_token": "%%%"}),
        ("GET", "/conversations/..%2F..", "/conversations/{id}", None),
        ("GET", "/conversations/" + "a" * 500, "/conversations/{id}", None),
        ("DELETE", "/conversations/short", "/conversations/{id}", None),
        ("DELETE", "/documents/%00", "/documents/{key+}", None),
    ],
)
def test_given_bad_paths_and_queries_then_4xx(sim, method, path, resource, query):
    event = rest_event(method, path, resource=resource, sub="fuzzer", groups="admin")
    if query:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    handler = rag_handler.handler if path.startswith("/documents") else chat_handler.handler
    response = handler(event, FakeContext("x"))
    assert 400 <= response["statusCode"] < 500, (path, response["body"])
