"""Grants follow the catalog's lifecycle on the synth date (`genai:today`): a model past its end of life gets no grant to
start anything (infra/constructs/customization.py); a Legacy one keeps its grant; custom models kept from before stay
removable. The `dev` fixture synthesizes on tests/clock.py's TODAY (2026-11-24); `before` on 2026-07-01, when Llama 3.1
405B (teacher) and Llama 3.2 3B (base, end of life 2026-07-07) and Claude 3 Haiku (base, 2026-09-10) were Legacy."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.infra.cfn import as_list, policy_statements
from tests.infra.conftest import Synth, cdk_context, synth

BEFORE = date(2026, 7, 1)
TEACHER_405B = "arn:aws:bedrock:us-west-2::foundation-model/meta.llama3-1-405b-instruct-v1:0"
TEACHER_LLAMA_33 = "arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.meta.llama3-3-70b-instruct-v1:0"  # Legacy
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0:200k"
LLAMA_32 = "meta.llama3-2-3b-instruct-v1:0:128k"
LLAMA_33 = "meta.llama3-3-70b-instruct-v1:0:128k"  # Legacy (end of life 2027-03-30)


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return synth(cdk_context("dev", **{"genai:today": BEFORE.isoformat()}), tmp_path_factory.mktemp("before"))


def _statements(synth: Synth, role: Any) -> list[dict[str, Any]]:
    return policy_statements(synth.json["Resources"])[synth.stack.get_logical_id(role.node.default_child)]


def _resources(synth: Synth, role: Any, action: str) -> set[str]:
    return {r for s in _statements(synth, role) if action in as_list(s["Action"]) for r in as_list(s["Resource"])}


def test_given_the_synth_date_in_context_then_the_deployment_carries_it(before, dev):
    from tests.clock import TODAY

    assert before.stack.deployment.today == BEFORE
    assert dev.stack.deployment.today == TODAY


def test_given_a_teacher_past_its_end_of_life_then_the_service_role_may_no_longer_invoke_it(before, dev):
    role = before.stack.customization.role
    invoked_before = _resources(before, role, "bedrock:InvokeModel")
    invoked_after = _resources(dev, dev.stack.customization.role, "bedrock:InvokeModel")
    assert TEACHER_405B in invoked_before  # Legacy on 2026-07-01: Bedrock still served it
    assert TEACHER_405B not in invoked_after  # end of life 2026-07-07: requests fail, the function refuses it
    assert TEACHER_LLAMA_33 in invoked_after  # Legacy: kept


def test_given_a_base_model_past_its_end_of_life_then_no_job_may_start_on_it_but_its_custom_models_stay_removable(before, dev):
    def grants(synth: Synth, action: str) -> set[str]:
        return _resources(synth, synth.stack.functions.roles["customize"], action)

    for base in (HAIKU, LLAMA_32):
        foundation = f"arn:aws:bedrock:us-west-2::foundation-model/{base}"
        custom = f"arn:aws:bedrock:us-west-2:123456789012:custom-model/{base}/*"
        assert {foundation, custom} <= grants(before, "bedrock:CreateModelCustomizationJob")
        assert not {foundation, custom} & grants(dev, "bedrock:CreateModelCustomizationJob")
        assert custom in grants(before, "bedrock:TagResource")
        assert custom not in grants(dev, "bedrock:TagResource")
        assert custom in grants(dev, "bedrock:DeleteCustomModel")  # made before the end of life: still removable
        assert custom in grants(dev, "bedrock:GetCustomModel")
    assert f"arn:aws:bedrock:us-west-2::foundation-model/{LLAMA_33}" in grants(dev, "bedrock:CreateModelCustomizationJob")
