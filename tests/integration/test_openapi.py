"""The published OpenAPI document: generated from the code, kept in docs/, and what the API sends matches it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from chat import handler as chat_handler
from infra.routes import ROUTES
from local.openapi import build_spec
from tests.events import FakeContext, rest_event

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def spec() -> dict:
    return build_spec()


def _validator(spec: dict, name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})


def test_given_the_code_then_docs_openapi_json_is_up_to_date(spec):
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(spec)), "run `make openapi` and commit docs/openapi.json"


def test_given_the_spec_then_every_api_route_is_described_with_the_error_shape_and_cognito(spec):
    described = {(m.upper(), re.sub(r"\{[^}]+\}", "{}", p)) for p, ops in spec["paths"].items() for m in ops}
    for route in ROUTES:
        assert (route.method, re.sub(r"\{[^}]+\}", "{}", route.path)) in described, route
    for operations in spec["paths"].values():
        for operation in operations.values():
            assert "422" not in operation["responses"]
            assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
    assert spec["security"] == [{"CognitoIdToken": []}]


def test_given_real_responses_then_they_match_the_published_schemas(spec, sim):
    ok = chat_handler.handler(rest_event("POST", "/chat", body={"message": "스키마 확인"}), FakeContext("chat"))
    _validator(spec, "ChatResponse").validate(json.loads(ok["body"]))
    bad = chat_handler.handler(rest_event("POST", "/chat", body={"message": "", "params": {"top_k": 0}}), FakeContext("chat"))
    assert bad["statusCode"] == 400
    _validator(spec, "ErrorResponse").validate(json.loads(bad["body"]))
    listing = chat_handler.handler(rest_event("GET", "/conversations"), FakeContext("chat"))
    _validator(spec, "ConversationList").validate(json.loads(listing["body"]))
