"""GET /images and DELETE /images/{id}: the routes behind Cognito; the image function's records in the table by exact ARN, its
partitions only; its objects under images/ only, DeleteObject included (no version deletion, no listing)."""

from __future__ import annotations

import json

import pytest

from tests.infra.cfn import as_list, policy_statements, render
from tests.infra.test_api import _methods, _paths


def _image_statements(synth) -> list[dict]:
    role = synth.stack.functions.functions["image"].role
    return policy_statements(synth.json["Resources"])[synth.stack.get_logical_id(role.node.default_child)]


def _table_arn(synth) -> str:
    return f"<{synth.stack.get_logical_id(synth.stack.conversations.table.node.default_child)}.Arn>"


@pytest.mark.parametrize(("verb", "path"), [("GET", "/images"), ("DELETE", "/images/{id}")])
def test_given_each_profile_then_the_listing_and_deleting_routes_are_cognito_authorized_methods_on_the_image_function(
    each_profile, verb, path
):
    paths = _paths(each_profile)
    (method,) = [
        m["Properties"]
        for m in _methods(each_profile).values()
        if m["Properties"]["HttpMethod"] == verb and paths.get(m["Properties"]["ResourceId"].get("Ref", "")) == path
    ]
    assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
    assert "AuthorizerId" in method
    image_alias = each_profile.stack.get_logical_id(each_profile.stack.functions.aliases["image"].node.default_child)
    assert image_alias in json.dumps(method["Integration"]["Uri"])


def test_given_the_image_function_then_put_query_and_delete_on_the_exact_table_arn_only_for_image_partitions(each_profile):
    statements = [s for s in _image_statements(each_profile) if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))]
    table = _table_arn(each_profile)
    records = [s for s in statements if table in as_list(s["Resource"])]
    assert len(records) == 1, records
    (record,) = records
    assert sorted(as_list(record["Action"])) == ["dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Query"]
    assert as_list(record["Resource"]) == [table]  # no index, no wildcard
    assert record["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["IMAGES#*"]}}


def test_given_the_image_function_then_its_environment_names_the_table_its_records_live_in(dev):
    function = dev.stack.functions.functions["image"]
    props = dev.json["Resources"][dev.stack.get_logical_id(function.node.default_child)]["Properties"]
    table = dev.stack.get_logical_id(dev.stack.conversations.table.node.default_child)
    assert render(props["Environment"]["Variables"]["TABLE_NAME"]) == f"<{table}>"


def test_given_the_image_function_then_get_put_and_delete_object_only_under_images_and_nothing_else_in_s3(each_profile):
    """DeleteObject on images/* for DELETE /images/{id}; no s3:DeleteObjectVersion (the bucket is not versioned: a plain
    DeleteObject removes the object for good), no s3:ListBucket, no other prefix."""
    bucket = each_profile.stack.get_logical_id(each_profile.stack.images_bucket.node.default_child)
    statements = [s for s in _image_statements(each_profile) if any(a.startswith("s3:") for a in as_list(s["Action"]))]
    assert len(statements) == 1, statements
    (objects,) = statements
    assert sorted(as_list(objects["Action"])) == ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    assert [render(r) for r in as_list(objects["Resource"])] == [f"<{bucket}.Arn>/images/*"]
    assert "Condition" not in objects
    versioning = each_profile.json["Resources"][bucket]["Properties"].get("VersioningConfiguration")
    assert versioning is None or versioning.get("Status") != "Enabled"
