"""What the functions answer today: the model catalog, 501 for unbuilt routes, 404 for unknown ones."""

from __future__ import annotations

import json

import pytest

from chat import handler as chat
from common.custom_models import ModelRegistry
from customize import handler as customize
from image import handler as image
from infra.routes import ROUTES
from rag import handler as rag
from tests.events import FakeContext, rest_event
from usage import handler as usage

HANDLERS = {"chat": chat.handler, "rag": rag.handler, "image": image.handler, "customize": customize.handler, "usage": usage.handler}


class _NoRegistrations:
    """A DynamoDB client with an empty registry partition (unit tests have no network)."""

    def query(self, **_: object) -> dict:
        return {"Items": []}


@pytest.fixture
def no_registrations(monkeypatch):
    monkeypatch.setattr(chat, "_registry", lambda: ModelRegistry(_NoRegistrations(), "table"))


def _call(function: str, method: str, path: str, **kwargs):
    response = HANDLERS[function](rest_event(method, path, **kwargs), FakeContext(function))
    return response["statusCode"], json.loads(response["body"])


def test_given_configured_models_when_listing_then_catalog_with_ranges_and_defaults(runtime_config_file, no_registrations):
    status, body = _call("chat", "GET", "/models")
    assert status == 200
    ids = [m["id"] for m in body["chat_models"]]
    assert ids == [m["id"] for m in runtime_config_file["chat_models"]]
    assert body["default_chat_model"] in ids
    listed = {m["id"]: m for m in body["chat_models"]}
    haiku = listed["us.anthropic.claude-haiku-4-5-20251001-v1:0"]
    assert haiku["params"]["temperature"] == [0.0, 1.0]
    assert (haiku["max_output_tokens"], haiku["reasoning"]) == (64000, None)
    # The default (Haiku 5.5) takes no sampling parameter; its thinking and effort rules are listed instead.
    default = listed[body["default_chat_model"]]
    assert default["params"] == {"temperature": None, "top_p": None, "top_k": None}
    assert default["reasoning"]["efforts"] == ["low", "medium", "high", "xhigh", "max"]
    assert (default["reasoning"]["thinking"], default["reasoning"]["efforts_without_thinking"]) == ("optional", ["low", "medium", "high"])
    assert body["default_image_model"] in [m["id"] for m in body["image_models"]]


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.stream], ids=lambda r: f"{r.method} {r.path}")
def test_given_every_route_when_called_without_a_verified_caller_then_401_from_the_function_too(route):
    """API Gateway's authorizer is the first line; each handler still refuses a request with no claims
    (the streaming apps: tests/unit/test_stream_apps.py)."""
    path = route.path.replace("{id}", "c" * 24).replace("{key+}", "handbook.pdf")
    path = path.replace("{sub}", "0b0c3e4a-1111-4222-8333-444455556666").replace("{name}", "users")
    event = rest_event(route.method, path, resource=route.path, body=_valid_body(route.path))
    event["requestContext"]["authorizer"] = {}
    response = HANDLERS[route.function](event, FakeContext(route.function))
    assert response["statusCode"] == 401, response["body"]
    assert json.loads(response["body"])["error"]["code"] == "unauthorized"


def _valid_body(path: str) -> dict | None:
    bodies: dict[str, dict] = {
        "/chat": {"message": "hi"},
        "/conversations/{id}": {"title": "hi"},  # PATCH (rename); GET and DELETE ignore a body
        "/chat/attachments": {"name": "a.png", "content_type": "image/png", "size": 1},
        "/rag/query": {"question": "hi"},
        "/documents": {"filename": "a.txt", "content_type": "text/plain", "size": 1},
        "/images": {"prompt": "a cat"},
        "/images/verify": {"image": "aGk="},
        "/admin/budgets/users/{sub}": {"unlimited": True},
        "/admin/budgets/groups/{name}": {"tokens_per_day": 1000},
    }
    return bodies.get(path)


def test_given_an_unknown_route_when_called_then_404_json():
    status, body = _call("chat", "GET", "/nope")
    assert status == 404
    assert body["error"] == {"code": "not_found", "message": "no route GET /nope"}


@pytest.mark.parametrize("route", [r for r in ROUTES if r.path.startswith("/documents")], ids=lambda r: f"{r.method} {r.path}")
def test_given_a_caller_outside_the_admin_group_then_document_routes_are_forbidden(route):
    path = route.path.replace("{key+}", "handbook.pdf")
    body = {"filename": "a.txt", "content_type": "text/plain", "size": 1} if route.json_body else None
    status, answer = _call("rag", route.method, path, resource=route.path, body=body, groups="users")
    assert status == 403
    assert answer["error"]["code"] == "forbidden"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.function == "customize"], ids=lambda r: f"{r.method} {r.path}")
def test_given_a_caller_outside_the_admin_group_then_customize_routes_are_forbidden_before_anything_is_read(route):
    """403 before validation or any AWS call (unit tests have no network: a call would fail, not answer 403)."""
    path = route.path.replace("{id}", "tone")
    body = {"unexpected": True} if route.json_body else None
    status, answer = _call("customize", route.method, path, resource=route.path, body=body, groups="users")
    assert status == 403, answer
    assert answer["error"]["code"] == "forbidden"


def test_given_a_blank_message_then_the_400_detail_is_the_validators_own_words():
    response = chat.handler(rest_event("POST", "/chat", body={"message": "   "}), FakeContext("chat"))
    detail = json.loads(response["body"])["error"]["details"][0]
    assert response["statusCode"] == 400
    assert detail["field"] == "message"
    assert not detail["message"].startswith("Value error")


def test_given_the_route_table_then_no_method_and_path_is_listed_twice():
    keys = [(route.method, route.path) for route in ROUTES]
    assert len(keys) == len(set(keys))
