"""Least privilege: each function has its own role, and every grant names exact ARNs.

One wildcard shape is allowed: a foundation model in any region (`bedrock:*::foundation-model/<id>`),
only in a statement whose ARN condition on bedrock:InferenceProfileArn names one exact inference
profile. That is how a geographic profile keeps working when AWS adds a destination region.
Model customization adds two (infra/constructs/customization.py): the random id of a customization job, custom
model or deployment in this account and Region, only with a condition on this stack's tag; and Resource "*" for
the three List actions that have no resource type.
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


CUSTOM_ID = re.compile(
    r"^arn:aws:bedrock:[a-z0-9-]+:\d{12}:(model-customization-job|custom-model-deployment|custom-model/[a-z0-9.:-]+)/\*$"
)
LIST_ONLY = {"bedrock:ListModelCustomizationJobs", "bedrock:ListCustomModels", "bedrock:ListCustomModelDeployments"}


def _stack_tagged(statement: dict[str, Any]) -> bool:
    """A StringEquals condition on this stack's customization tag (resource tag, or request tag on create)."""
    equals = statement.get("Condition", {}).get("StringEquals", {})
    return any(equals.get(f"aws:{kind}/genai:stack") == "BedrockGenAi" for kind in ("ResourceTag", "RequestTag"))


def _allowed_wildcard(statement: dict[str, Any], resource: str) -> bool:
    if ANY_REGION_MODEL.match(resource) and _through_one_profile(statement):
        return True
    if CUSTOM_ID.match(resource) and _stack_tagged(statement):
        return True
    # CDK merges the List actions into the X-Ray statement (also Resource "*": infra/nag.py says why)
    return resource == "*" and set(as_list(statement["Action"])) <= LIST_ONLY | {"xray:PutTelemetryRecords", "xray:PutTraceSegments"}


def wildcard_violations(statements: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every Bedrock, S3 Vectors or DynamoDB resource with a wildcard, except the any-region model through one profile
    and the customization shapes above."""
    found = []
    for role, role_statements in statements.items():
        for statement in role_statements:
            actions = as_list(statement["Action"])
            if not any(a.startswith(SCOPED_SERVICES) for a in actions):
                continue
            for resource in as_list(statement["Resource"]):
                if "*" in resource and not _allowed_wildcard(statement, resource):
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
    assert len(roles) == 8  # chat, rag, image, ingest, chat_stream, rag_stream, customize, usage
    assert len(set(roles)) == 8


def test_given_us_profile_models_when_chat_invokes_then_the_profile_and_the_model_in_any_region_are_allowed(dev):
    statements = policy_statements(dev.json["Resources"])[_role_of(dev, "chat")]
    resources = set(allowed(statements, "bedrock:InvokeModel"))
    expected = set()
    for model_id in dev.stack.deployment.config.models.chat.allowed:
        base = model_id.removeprefix("us.")
        assert base in CHAT_MODELS
        expected.add(f"arn:aws:bedrock:us-west-2:123456789012:inference-profile/{model_id}")
        expected.add(f"arn:aws:bedrock:*::foundation-model/{base}")  # today's destinations and any AWS adds
    expected.add("arn:aws:bedrock:us-west-2:123456789012:custom-model-deployment/*")  # this stack's tagged deployments only
    assert resources == expected


def test_given_profile_routed_models_when_foundation_arns_are_granted_then_only_through_that_profile(dev):
    statements = policy_statements(dev.json["Resources"])[_role_of(dev, "chat")]
    for statement in statements:
        resources = as_list(statement.get("Resource", []))
        if any(":foundation-model/" in r for r in resources) and "Condition" in statement:
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
        ("arn:aws:bedrock:us-west-2:123456789012:custom-model-deployment/*",): {
            "StringEquals": {"aws:ResourceTag/genai:stack": "BedrockGenAi"}
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
    assert not any(a.startswith("s3vectors:") for s in statements for a in as_list(s["Action"]))
    images_id = dev.stack.get_logical_id(dev.stack.images_bucket.node.default_child)
    s3_resources = {r for s in statements if any(a.startswith("s3:") for a in as_list(s["Action"])) for r in as_list(render(s["Resource"]))}
    assert s3_resources == {f"<{images_id}.Arn>/attachments/*"}  # files in chat only (tests/infra/test_attachments_infra.py)


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


def _statements_of(synth, role) -> list[dict[str, Any]]:
    return policy_statements(synth.json["Resources"])[synth.stack.get_logical_id(role.node.default_child)]


def test_given_the_customization_service_role_then_only_bedrock_jobs_of_this_account_assume_it_and_it_reads_and_writes_two_prefixes(dev):
    role = dev.stack.customization.role
    trust = dev.json["Resources"][dev.stack.get_logical_id(role.node.default_child)]["Properties"]["AssumeRolePolicyDocument"]
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "bedrock.amazonaws.com"}
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:bedrock:us-west-2:123456789012:model-customization-job/*"},
    }
    statements = _statements_of(dev, role)
    s3_statements = [s for s in statements if not as_list(s["Action"])[0].startswith("bedrock:")]
    granted = {(tuple(sorted(as_list(s["Action"]))), render(s["Resource"])) for s in s3_statements}
    bucket = f"<{dev.stack.get_logical_id(dev.stack.customization.bucket.node.default_child)}.Arn>"
    assert granted == {
        (("s3:GetObject",), f"{bucket}/datasets/*"),
        (("s3:ListBucket",), bucket),
        (("s3:GetObject", "s3:PutObject"), f"{bucket}/output/*"),
    }
    actions = {a for s in statements for a in as_list(s["Action"])}
    # nothing else: no KMS, no other bucket; bedrock:InvokeModel only on the distillation teachers (the next test)
    assert actions == {"s3:GetObject", "s3:PutObject", "s3:ListBucket", "bedrock:InvokeModel"}
    prefixes = [s["Condition"]["StringLike"]["s3:prefix"] for s in _statements_of(dev, role) if s["Action"] == "s3:ListBucket"]
    assert sorted(p[0] for p in prefixes) == ["datasets/", "output/"]


def _teacher_grants(synth) -> list[str]:
    statements = _statements_of(synth, synth.stack.customization.role)
    invoking = [s for s in statements if "bedrock:InvokeModel" in as_list(s["Action"])]
    assert all(as_list(s["Action"]) == ["bedrock:InvokeModel"] and "Condition" not in s for s in invoking)
    return sorted(render(r) for s in invoking for r in as_list(s["Resource"]))


def test_given_us_west_2_then_the_service_role_invokes_exactly_the_llama_distillation_teachers(dev):
    # prequisites-model-distillation.html: Llama 3.1 405B and 3.1 70B on demand, Llama 3.3 70B through a system
    # inference profile only (the profile here plus the model in each destination Region); on the tests' date 405B is
    # past its end of life (2026-07-07): no grant (tests/infra/test_retired_grants.py)
    assert _teacher_grants(dev) == [
        "arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-3-70b-instruct-v1:0",
        "arn:aws:bedrock:us-east-2::foundation-model/meta.llama3-3-70b-instruct-v1:0",
        "arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.meta.llama3-3-70b-instruct-v1:0",
        "arn:aws:bedrock:us-west-2::foundation-model/meta.llama3-1-70b-instruct-v1:0",
        "arn:aws:bedrock:us-west-2::foundation-model/meta.llama3-3-70b-instruct-v1:0",
    ]


def test_given_us_east_1_then_the_service_role_invokes_exactly_the_nova_distillation_teachers(tmp_path):
    from tests.infra.conftest import ROOT, cdk_context, synth

    config = str(ROOT / "docs" / "examples" / "us-east-1.json")
    east = synth(cdk_context("dev", config=config, region="us-east-1"), tmp_path)  # cdk-nag runs in synth: clean
    # Nova Premier (through the us. profile) reached its end of life on 2026-09-14, before the tests' date: no grant
    assert _teacher_grants(east) == ["arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"]
    before = synth(cdk_context("dev", config=config, region="us-east-1", **{"genai:today": "2026-09-13"}), tmp_path / "before")
    assert _teacher_grants(before) == [
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-premier-v1:0",
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-premier-v1:0",
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0",
        "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-premier-v1:0",
        "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-premier-v1:0",
    ]


def test_given_the_customize_function_then_it_passes_exactly_the_service_role_to_bedrock_only(dev):
    statements = _statements_of(dev, dev.stack.functions.roles["customize"])
    (passing,) = [s for s in statements if "iam:PassRole" in as_list(s["Action"])]
    assert as_list(passing["Action"]) == ["iam:PassRole"]
    assert passing["Resource"] == f"<{dev.stack.get_logical_id(dev.stack.customization.role.node.default_child)}.Arn>"
    assert passing["Condition"] == {"StringEquals": {"iam:PassedToService": "bedrock.amazonaws.com"}}


def test_given_the_customize_function_then_every_bedrock_grant_but_listing_requires_this_stacks_tag(dev):
    statements = _statements_of(dev, dev.stack.functions.roles["customize"])
    bedrock = [s for s in statements if any(a.startswith("bedrock:") for a in as_list(s["Action"]))]
    assert bedrock
    for statement in bedrock:
        if as_list(statement["Resource"]) == ["*"]:
            assert {a for a in as_list(statement["Action"]) if a.startswith("bedrock:")} == LIST_ONLY
        else:
            assert _stack_tagged(statement), statement
    create = next(s for s in bedrock if "bedrock:CreateModelCustomizationJob" in as_list(s["Action"]))
    assert "arn:aws:bedrock:us-west-2::foundation-model/meta.llama3-3-70b-instruct-v1:0:128k" in as_list(create["Resource"])
    assert not any("nova" in r for r in as_list(create["Resource"]))  # Nova is customized in us-east-1 only
    registry = next(s for s in statements if "dynamodb:PutItem" in as_list(s["Action"]))
    assert registry["Condition"] == {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["REGISTRY#custom-models"]}}


def test_given_the_chat_functions_then_custom_model_deployments_only_with_this_stacks_tag(dev):
    for key in ("chat", "chat_stream"):
        statements = _statements_of(dev, dev.stack.functions.roles[key])
        (custom,) = [s for s in statements if any("custom-model-deployment" in r for r in as_list(s["Resource"]))]
        assert custom["Condition"] == {"StringEquals": {"aws:ResourceTag/genai:stack": "BedrockGenAi"}}
        without = {k: v for k, v in custom.items() if k != "Condition"}
        assert wildcard_violations({key: [without]}) != []  # allowed only because of the tag condition
    for key in ("rag", "image", "ingest", "rag_stream"):
        resources = [r for s in _statements_of(dev, dev.stack.functions.roles[key]) for r in as_list(s["Resource"])]
        assert not any("custom-model" in str(r) for r in resources)
