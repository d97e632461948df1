"""PATCH /conversations/{id} (rename) in the template: Cognito, validated body, the chat function, least privilege, CORS."""

from __future__ import annotations

import json

from tests.infra.cfn import allowed, policy_statements
from tests.infra.test_api import _methods, _paths


def _method(synth, http_method: str, path: str) -> dict:
    paths = _paths(synth)
    found = [
        m["Properties"]
        for m in _methods(synth).values()
        if m["Properties"]["HttpMethod"] == http_method and paths.get(m["Properties"]["ResourceId"].get("Ref", "")) == path
    ]
    assert len(found) == 1, (http_method, path)
    return found[0]


def test_given_the_rename_route_then_patch_is_cognito_authorized_validated_and_served_by_the_chat_function(dev):
    patch = _method(dev, "PATCH", "/conversations/{id}")
    assert patch["AuthorizationType"] == "COGNITO_USER_POOLS"
    assert "AuthorizerId" in patch
    assert "RequestValidatorId" in patch
    assert "application/json" in patch["RequestModels"]
    assert patch["RequestParameters"] == {"method.request.path.id": True}
    assert patch["Integration"]["Type"] == "AWS_PROXY"
    assert "FunctionsChatLive" in json.dumps(patch["Integration"]["Uri"])  # the chat function's live alias
    assert json.dumps(patch["Integration"]["Uri"]) == json.dumps(_method(dev, "GET", "/conversations/{id}")["Integration"]["Uri"])


def test_given_the_rename_then_only_chat_may_update_the_table_and_only_on_the_table_and_its_index(dev):
    statements = policy_statements(dev.json["Resources"])
    table_id = dev.stack.get_logical_id(dev.stack.conversations.table.node.default_child)
    chat = dev.stack.get_logical_id(dev.stack.functions.functions["chat"].role.node.default_child)
    on_table = [r for r in allowed(statements[chat], "dynamodb:UpdateItem") if r.startswith(f"<{table_id}.")]
    assert sorted(on_table) == sorted([f"<{table_id}.Arn>", f"<{table_id}.Arn>/index/by_user_updated"])
    assert allowed(statements[chat], "bedrock:ApplyGuardrail")  # the typed title is checked by the guardrail
    assert not allowed(statements[chat], "dynamodb:Scan")  # search is a Query on the user's index, never a Scan
    for key in ("rag", "image", "rag_stream"):
        role = dev.stack.get_logical_id(dev.stack.functions.functions[key].role.node.default_child)
        updates = allowed(statements.get(role, []), "dynamodb:UpdateItem")
        assert not [r for r in updates if r.startswith(f"<{table_id}.")], key


def test_given_browser_origins_then_the_preflight_allows_patch(dev):
    options = [m["Properties"] for m in _methods(dev).values() if m["Properties"]["HttpMethod"] == "OPTIONS"]
    headers = options[0]["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
    assert "PATCH" in headers["method.response.header.Access-Control-Allow-Methods"].strip("'").split(",")
