"""Helpers that read a synthesized template the way CloudFormation would resolve it."""

from __future__ import annotations

from typing import Any

from tests.infra.conftest import TEST_ACCOUNT, TEST_REGION

PSEUDO = {"AWS::Partition": "aws", "AWS::Region": TEST_REGION, "AWS::AccountId": TEST_ACCOUNT, "AWS::URLSuffix": "amazonaws.com"}


def render(value: Any) -> Any:
    """Resolve Fn::Join and pseudo parameters; other references become <Logical.Attr> / <Logical>."""
    if isinstance(value, list):
        return [render(v) for v in value]
    if isinstance(value, dict):
        if "Fn::Join" in value:
            sep, parts = value["Fn::Join"]
            return sep.join(str(render(p)) for p in parts)
        if "Ref" in value:
            return PSEUDO.get(value["Ref"], f"<{value['Ref']}>")
        if "Fn::GetAtt" in value:
            return f"<{'.'.join(value['Fn::GetAtt'])}>"
        return {k: render(v) for k, v in value.items()}
    return value


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_statements(resources: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Role logical id -> every statement attached to it (inline policies and AWS::IAM::Policy)."""
    by_role: dict[str, list[dict[str, Any]]] = {}
    for logical_id, resource in resources.items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Policy":
            for role in props.get("Roles", []):
                by_role.setdefault(role["Ref"], []).extend(render(props["PolicyDocument"]["Statement"]))
        elif resource["Type"] == "AWS::IAM::Role":
            for policy in props.get("Policies", []):
                by_role.setdefault(logical_id, []).extend(render(policy["PolicyDocument"]["Statement"]))
    return by_role


def allowed(statements: list[dict[str, Any]], action: str) -> list[str]:
    """Every resource `action` is allowed on, across `statements`."""
    found: list[str] = []
    for statement in statements:
        if statement.get("Effect") == "Allow" and action in as_list(statement["Action"]):
            found.extend(as_list(statement["Resource"]))
    return found
