"""The usage table and the usage function: keys and index per the contract, a role that reads usage and writes only
budget overrides, its routes behind the authorizer, CORS preflight that admits PUT."""

from __future__ import annotations

from typing import Any

from tests.infra.cfn import as_list, policy_statements, render

USAGE_ROUTES = {
    ("GET", "/usage"),
    ("GET", "/admin/usage"),
    ("GET", "/admin/budgets"),
    ("PUT", "/admin/budgets/users/{sub}"),
    ("DELETE", "/admin/budgets/users/{sub}"),
    ("PUT", "/admin/budgets/groups/{name}"),
    ("DELETE", "/admin/budgets/groups/{name}"),
}


def _usage_table(synth) -> tuple[str, dict[str, Any]]:
    logical_id = synth.stack.get_logical_id(synth.stack.usage.table.node.default_child)
    return logical_id, synth.json["Resources"][logical_id]


def _usage_statements(synth) -> list[dict[str, Any]]:
    role = synth.stack.get_logical_id(synth.stack.functions.roles["usage"].node.default_child)
    return policy_statements(synth.json["Resources"])[role]


def test_given_the_usage_table_then_on_demand_pitr_ttl_and_the_by_period_index_of_the_contract(each_profile):
    _, table = _usage_table(each_profile)
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["Replicas"][0]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert props["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    (index,) = props["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "by_period"
    assert index["KeySchema"] == [{"AttributeName": "period", "KeyType": "HASH"}, {"AttributeName": "user", "KeyType": "RANGE"}]
    assert index["Projection"] == {"ProjectionType": "ALL"}


def test_given_prod_then_the_usage_table_is_retained_and_protected(dev, prod):
    assert _usage_table(dev)[1]["DeletionPolicy"] == "Delete"
    _, table = _usage_table(prod)
    assert table["DeletionPolicy"] == "Retain"
    assert table["Properties"]["Replicas"][0]["DeletionProtectionEnabled"] is True


def test_given_the_usage_role_then_it_reads_the_table_and_index_and_writes_only_budget_items(dev):
    logical_id, _ = _usage_table(dev)
    table_arn, index_arn = f"<{logical_id}.Arn>", f"<{logical_id}.Arn>/index/by_period"
    granted: dict[str, set[str]] = {}
    conditions: dict[str, Any] = {}
    for statement in _usage_statements(dev):
        for action in as_list(statement["Action"]):
            if action.startswith(("dynamodb:", "cognito-idp:", "bedrock:", "s3:")):
                granted.setdefault(action, set()).update(as_list(statement["Resource"]))
                conditions[action] = statement.get("Condition")
    pool = render({"Fn::GetAtt": [dev.stack.get_logical_id(dev.stack.auth.user_pool.node.default_child), "Arn"]})
    assert granted == {
        "dynamodb:Query": {table_arn, index_arn},
        "dynamodb:GetItem": {table_arn},
        "dynamodb:BatchGetItem": {table_arn},
        "dynamodb:PutItem": {table_arn},
        "dynamodb:DeleteItem": {table_arn},
        "cognito-idp:ListUsers": {pool},
    }
    # IAM compares each partition key the write names with the list: a user's counters or the ACCOUNT row are refused.
    budget_only = {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["BUDGET"]}}
    assert (conditions["dynamodb:PutItem"], conditions["dynamodb:DeleteItem"]) == (budget_only, budget_only)
    assert conditions["dynamodb:Query"] is None


def test_given_the_usage_function_then_its_environment_names_the_table_the_pool_and_the_admin_group(dev):
    function = dev.json["Resources"][dev.stack.get_logical_id(dev.stack.functions.functions["usage"].node.default_child)]["Properties"]
    env = function["Environment"]["Variables"]
    assert env["USAGE_TABLE"] == {"Ref": _usage_table(dev)[0]}
    assert env["USER_POOL_ID"] == {"Ref": dev.stack.get_logical_id(dev.stack.auth.user_pool.node.default_child)}
    assert env["ADMIN_GROUP"] == "admin"
    assert (function["Handler"], function["Timeout"]) == ("usage.handler.handler", 29)
    assert dev.json["Outputs"]["UsageTableName"]["Value"] == {"Ref": _usage_table(dev)[0]}


def _paths(synth) -> dict[str, str]:
    """Resource logical id -> its full path."""
    resources = synth.resources("AWS::ApiGateway::Resource")
    paths: dict[str, str] = {}

    def path_of(logical_id: str) -> str:
        if logical_id not in paths:
            props = resources[logical_id]["Properties"]
            parent = props["ParentId"]
            prefix = path_of(parent["Ref"]) if "Ref" in parent else ""
            paths[logical_id] = f"{prefix}/{props['PathPart']}"
        return paths[logical_id]

    for logical_id in resources:
        path_of(logical_id)
    return paths


def test_given_the_usage_routes_then_each_calls_the_usage_function_behind_cognito(dev):
    paths, alias = _paths(dev), dev.stack.get_logical_id(dev.stack.functions.aliases["usage"].node.default_child)
    found = set()
    for method in dev.resources("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        resource = props["ResourceId"].get("Ref")
        key = (props["HttpMethod"], paths.get(resource, "/"))
        if key in USAGE_ROUTES:
            found.add(key)
            assert props["AuthorizationType"] == "COGNITO_USER_POOLS"
            assert alias in str(props["Integration"]["Uri"])
    assert found == USAGE_ROUTES


def test_given_cors_preflight_then_put_is_an_allowed_method(dev):
    options = [m["Properties"] for m in dev.resources("AWS::ApiGateway::Method").values() if m["Properties"]["HttpMethod"] == "OPTIONS"]
    methods = options[0]["Integration"]["IntegrationResponses"][0]["ResponseParameters"][
        "method.response.header.Access-Control-Allow-Methods"
    ]
    assert "PUT" in methods.strip("'").split(",")
