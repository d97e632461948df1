"""Files in chat (infra/attachments.py): the attachments/ prefix of the images bucket, its expiry, and the grants on it."""

from __future__ import annotations

from typing import Any

from tests.infra.cfn import allowed, as_list, policy_statements, render


def _statements(synth, function_key: str) -> list[dict[str, Any]]:
    role = synth.stack.functions.functions[function_key].role
    return policy_statements(synth.json["Resources"])[synth.stack.get_logical_id(role.node.default_child)]


def _images_id(synth) -> str:
    return str(synth.stack.get_logical_id(synth.stack.images_bucket.node.default_child))


def _s3_actions(statements: list[dict[str, Any]]) -> set[str]:
    return {a for s in statements for a in as_list(s["Action"]) if a.startswith("s3:")}


def test_given_the_chat_function_then_it_reads_signs_uploads_and_deletes_under_attachments_only(dev):
    statements = _statements(dev, "chat")
    prefix = f"<{_images_id(dev)}.Arn>/attachments/*"
    for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):
        assert allowed(statements, action) == [prefix]
    assert _s3_actions(statements) == {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}  # no listing, no other prefix


def test_given_the_chat_stream_function_then_it_only_reads_attachments(dev):
    statements = _statements(dev, "chat_stream")
    assert allowed(statements, "s3:GetObject") == [f"<{_images_id(dev)}.Arn>/attachments/*"]
    assert _s3_actions(statements) == {"s3:GetObject"}


def test_given_other_functions_then_none_reaches_the_attachments_prefix(dev):
    for key in ("rag", "rag_stream", "image", "ingest", "customize", "usage"):
        resources = [r for s in _statements(dev, key) for r in as_list(s.get("Resource", []))]
        assert not any("attachments/" in str(r) for r in resources), key


def test_given_each_profile_then_attachments_expire_a_day_after_the_conversation_ttl(each_profile):
    bucket = each_profile.json["Resources"][_images_id(each_profile)]["Properties"]
    rules = {r["Id"]: r for r in bucket["LifecycleConfiguration"]["Rules"]}
    ttl_days = each_profile.stack.deployment.config.memory.conversation_ttl_days
    assert rules["expire-attachments"] == {
        "Id": "expire-attachments",
        "Prefix": "attachments/",
        "ExpirationInDays": ttl_days + 1,
        "Status": "Enabled",
    }
    assert rules["expire-images"]["Prefix"] == "images/"  # the images' own rule is untouched


def test_given_the_chat_functions_then_they_name_the_images_bucket_for_attachments(dev):
    for key in ("chat", "chat_stream"):
        function = dev.stack.functions.functions[key]
        props = dev.json["Resources"][dev.stack.get_logical_id(function.node.default_child)]["Properties"]
        assert render(props["Environment"]["Variables"]["ATTACHMENTS_BUCKET"]) == f"<{_images_id(dev)}>"
