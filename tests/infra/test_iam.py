"""Least privilege: each function has its own role, and every grant names exact ARNs.

One wildcard shape is allowed: a foundation model in any region (`bedrock:*::foundation-model/<id>`),
only in a statement whose ARN condition on bedrock:InferenceProfileArn names one exact inference
profile. That is how a geographic profile keeps working when AWS adds a destination region.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from infra.catalog import CHAT_MODELS
from tests.infra.cfn import allowed, as_list, policy_statements, render

SCOPED_SERVICES = ("bedrock:", "s3vectors:", "dynamodb:")
ANY_REGION_MODEL = re.compile(r"^arn:aws:bedrock:\*::foundation-model/[^*?]+$")
EXACT_PROFILE = re.compile(r"^arn:aws:bedrock:[a-z0-9-]+:\d{12}:inference-profile/[^*?]+$")


def _role_of(synth, function_key: str) -> str:
    function = synth.stack.functions.functions[function_key]
    return synth.stack.get_logical_id(function.role.node.default_child)


def _through_one_profile(statement: dict[str, Any]) -> bool:
    """An ARN condition operator on bedrock:InferenceProfileArn naming one exact profile ARN."""
    conditions = statement.get("Condition", {})
    profiles = [conditions.get(operator, {}).get("bedrock:InferenceProfileArn") for operator in ("ArnEquals", "ArnLike")]
    return any(isinstance(p, str) and EXACT_PROFILE.match(p) for p in profiles)


def wildcard_violations(statements: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every Bedrock, S3 Vectors or DynamoDB resource with a wildcard, except the any-region model through one profile."""
    found = []
    for role, role_statements in statements.items():
        for statement in role_statements:
            actions = as_list(statement["Action"])
            if not any(a.startswith(SCOPED_SERVICES) for a in actions):
                continue
            for resource in as_list(statement["Resource"]):
                if "*" in resource and not (ANY_REGION_MODEL.match(resource) and _through_one_profile(statement)):
                    found.append(f"{role}: {actions} on {resource}")
    return found


def test_given_each_profile_when_policies_resolve_then_no_wildcard_resource_for_bedrock_vectors_or_dynamodb(each_profile):
    statements = policy_statements(each_profile.json["Resources"])
    assert statements, "no policies found"
    assert wildcard_violations(statements) == []


def test_given_the_any_region_model_grant_without_its_profile_condition_then_the_rule_refuses_it(dev):
    role = _role_of(dev, "chat")
    statements = policy_statements(dev.json["Resources"])
    granted = [s for s in statements[role] if any(ANY_REGION_MODEL.match(r) for r in as_list(s["Resource"]))]
    assert granted  # the shape is emitted ...
    for statement in granted:
        unconditioned = {k: v for k, v in statement.items() if k != "Condition"}
        loose = {**statement, "Condition": {"ArnLike": {"bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/*"}}}
        # ... and is allowed only because of its condition
        assert wildcard_violations({role: [unconditioned]}) != []
        assert wildcard_violations({role: [loose]}) != []
        assert wildcard_violations({role: [{**statement, "Resource": "arn:aws:bedrock:*::foundation-model/*"}]}) != []


def test_given_each_function_when_roles_are_listed_then_every_function_has_its_own_role(dev):
    functions = dev.resources("AWS::Lambda::Function")
    roles = [f["Properties"]["Role"]["Fn::GetAtt"][0] for k, f in functions.items() if "Functions" in k]
    assert len(roles) == 7  # chat, rag, image, ingest, chat_stream, rag_stream, usage
    assert len(set(roles)) == 7


def test_given_us_profile_models_when_chat_invokes_then_the_profile_and_the_model_in_any_region_are_allowed(dev):
    statements = policy_statements(dev.json["Resources"])[_role_of(dev, "chat")]
    resources = set(allowed(statements, "bedrock:InvokeModel"))
    expected = set()
    for model_id in dev.stack.deployment.config.models.chat.allowed:
        base = model_id.removeprefix("us.")
        assert base in CHAT_MODELS
        expected.add(f"arn:aws:bedrock:us-west-2:123456789012:inference-profile/{model_id}")
        expected.add(f"arn:aws:bedrock:*::foundation-model/{base}")  # today's destinations and any AWS adds
    assert resources == expected


def test_given_profile_routed_models_when_foundation_arns_are_granted_then_only_through_that_profile(dev):
    statements = policy_statements(dev.json["Resources"])[_role_of(dev, "chat")]
    for statement in statements:
        resources = as_list(statement.get("Resource", []))
        if any(":foundation-model/" in r for r in resources):
            (base,) = {r.rsplit("/", 1)[1] for r in resources}
            profile = statement["Condition"]["ArnEquals"]["bedrock:InferenceProfileArn"]
            assert profile == f"arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.{base}"


def test_given_a_global_profile_then_the_documented_region_less_pattern_is_kept(tmp_path):
    from tests.infra.conftest import cdk_context, synth

    context = cdk_context("dev")
    model = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
    context["genai:profiles"]["dev"]["models"] = {"chat": {"allowed": [model], "default": model}, "rag": model}
    result = synth(context, tmp_path)
    statements = policy_statements(result.json["Resources"])[_role_of(result, "chat")]
    base = model.removeprefix("global.")
    profile = f"arn:aws:bedrock:us-west-2:123456789012:inference-profile/{model}"
    conditions = {tuple(as_list(s["Resource"])): s.get("Condition") for s in statements if "bedrock:InvokeModel" in as_list(s["Action"])}
    assert conditions == {
        (profile,): None,
        (f"arn:aws:bedrock:us-west-2::foundation-model/{base}",): {"StringEquals": {"bedrock:InferenceProfileArn": profile}},
        (f"arn:aws:bedrock:::foundation-model/{base}",): {
            "StringEquals": {"bedrock:InferenceProfileArn": profile, "aws:RequestedRegion": "unspecified"}
        },
    }


def test_given_image_function_when_granted_then_image_models_in_the_image_region_and_the_translation_model(dev):
    statements = policy_statements(dev.json["Resources"])[_role_of(dev, "image")]
    resources = set(allowed(statements, "bedrock:InvokeModel"))
    images = {f"arn:aws:bedrock:us-west-2::foundation-model/{m}" for m in dev.stack.deployment.config.models.image.allowed}
    translator = dev.stack.deployment.config.models.chat.default  # Korean prompts are translated first
    base = translator.removeprefix("us.")
    translation = {f"arn:aws:bedrock:us-west-2:123456789012:inference-profile/{translator}"}
    translation.add(f"arn:aws:bedrock:*::foundation-model/{base}")
    assert resources == images | translation


def test_given_translation_off_then_the_image_role_has_no_text_model(tmp_path):
    from tests.infra.conftest import cdk_context, synth

    context = cdk_context("dev")
    context["genai:profiles"]["dev"]["models"] = {"image": {"translate_prompts": False}}
    result = synth(context, tmp_path)
    statements = policy_statements(result.json["Resources"])[_role_of(result, "image")]
    assert not [r for r in allowed(statements, "bedrock:InvokeModel") if "inference-profile" in r]


@pytest.mark.parametrize("function_key", ["chat", "rag", "image"])
def test_given_api_functions_when_guardrail_applies_then_on_guardrail_and_profile_in_every_destination(dev, function_key):
    statements = policy_statements(dev.json["Resources"])[_role_of(dev, function_key)]
    resources = allowed(statements, "bedrock:ApplyGuardrail")
    guardrail_id = dev.stack.get_logical_id(dev.stack.guardrail.guardrail)
    assert f"<{guardrail_id}.GuardrailArn>" in resources
    profiles = {r for r in resources if ":guardrail-profile/" in r}
    assert profiles == {
        f"arn:aws:bedrock:{r}:123456789012:guardrail-profile/us.guardrail.v1:0" for r in ("us-east-1", "us-east-2", "us-west-2")
    }


def test_given_ingest_function_when_granted_then_only_ingestion_jobs_on_the_knowledge_base(dev):
    statements = policy_statements(dev.json["Resources"])[_role_of(dev, "ingest")]
    bedrock_actions = {a for s in statements for a in as_list(s["Action"]) if a.startswith("bedrock:")}
    assert bedrock_actions == {"bedrock:StartIngestionJob", "bedrock:GetIngestionJob", "bedrock:ListIngestionJobs"}
    kb_id = dev.stack.get_logical_id(dev.stack.knowledge_base.knowledge_base)
    assert allowed(statements, "bedrock:StartIngestionJob") == [f"<{kb_id}.KnowledgeBaseArn>"]
    assert not any(a.startswith(("dynamodb:", "s3:")) for s in statements for a in as_list(s["Action"]))


def test_given_chat_function_when_table_is_granted_then_table_and_exact_index_arn(dev):
    statements = policy_statements(dev.json["Resources"])[_role_of(dev, "chat")]
    table_id = dev.stack.get_logical_id(dev.stack.conversations.table.node.default_child)
    assert sorted(allowed(statements, "dynamodb:Query")) == sorted([f"<{table_id}.Arn>", f"<{table_id}.Arn>/index/by_user_updated"])
    assert not any(a.startswith(("s3:", "s3vectors:")) for s in statements for a in as_list(s["Action"]))


def test_given_rag_function_when_documents_are_granted_then_only_under_the_prefix(dev):
    statements = policy_statements(dev.json["Resources"])[_role_of(dev, "rag")]
    bucket_id = dev.stack.get_logical_id(dev.stack.knowledge_base.documents_bucket.node.default_child)
    for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):
        assert allowed(statements, action) == [f"<{bucket_id}.Arn>/documents/*"]
    listing = [s for s in statements if "s3:ListBucket" in as_list(s["Action"])]
    assert listing[0]["Condition"] == {"StringLike": {"s3:prefix": ["documents/", "documents/*"]}}


def test_given_knowledge_base_role_when_rendered_then_embedding_model_prefix_and_index_only(dev):
    kb = dev.stack.knowledge_base
    statements = policy_statements(dev.json["Resources"])[dev.stack.get_logical_id(kb.role.node.default_child)]
    assert allowed(statements, "bedrock:InvokeModel") == ["arn:aws:bedrock:us-west-2::foundation-model/amazon.titan-embed-text-v2:0"]
    index_id = dev.stack.get_logical_id(kb.index)
    for action in ("s3vectors:PutVectors", "s3vectors:QueryVectors", "s3vectors:DeleteVectors"):
        assert allowed(statements, action) == [f"<{index_id}.IndexArn>"]
    trust = render(dev.json["Resources"][dev.stack.get_logical_id(kb.role.node.default_child)]["Properties"]["AssumeRolePolicyDocument"])
    condition = trust["Statement"][0]["Condition"]
    assert condition["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert condition["ArnLike"] == {"aws:SourceArn": "arn:aws:bedrock:us-west-2:123456789012:knowledge-base/*"}
