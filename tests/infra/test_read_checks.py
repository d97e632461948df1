"""guardrail.read_checks: ApplyGuardrail on retrieved passages and attached documents' text is configured in the stack
config, rendered for the functions, granted on exactly the stack's guardrail, and not part of the guardrail's version.

The prompt-attack filter is an input filter (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-prompt-attack.html):
counting it while its strength is NONE could never withhold anything, so synth refuses it.
"""

from __future__ import annotations

import re

import pytest

from common.runtime_config import RuntimeConfig
from infra.config import ConfigError, load_config
from infra.deployment import resolve, runtime_config_document
from tests.clock import TODAY
from tests.infra.cfn import allowed, policy_statements
from tests.infra.conftest import cdk_context


def _context(guardrail: dict) -> dict:
    context = cdk_context("dev")
    context["genai:profiles"]["dev"]["guardrail"] = guardrail
    return context


def _rendered(context: dict) -> dict:
    return runtime_config_document(resolve(load_config(context), "us-west-2", TODAY))


def test_given_the_defaults_then_passages_are_checked_for_prompt_attacks_and_denied_topics_and_withheld():
    rendered = _rendered(cdk_context("dev"))["guardrail"]["read_checks"]
    assert rendered == {
        "enabled": True,
        "policies": ["PROMPT_ATTACK", "DENIED_TOPICS"],
        "action": "WITHHOLD",
        "max_document_chars": 50_000,  # attached documents: at most this much text is checked, more is a 400
        "unreadable_documents": "refuse",  # .doc, .xls, damaged or encrypted: a 400, never sent unchecked by default
    }
    parsed = RuntimeConfig.model_validate(_rendered(cdk_context("dev"))).guardrail.read_checks
    assert (parsed.enabled, parsed.policies, parsed.action) == (True, ("PROMPT_ATTACK", "DENIED_TOPICS"), "WITHHOLD")
    assert (parsed.max_document_chars, parsed.unreadable_documents) == (50_000, "refuse")


def test_given_unreadable_documents_allowed_and_another_cap_then_the_chat_functions_read_them():
    context = _context({"read_checks": {"unreadable_documents": "allow", "max_document_chars": 200_000}})
    parsed = RuntimeConfig.model_validate(_rendered(context)).guardrail.read_checks
    assert (parsed.unreadable_documents, parsed.max_document_chars) == ("allow", 200_000)


def test_given_flag_and_more_policies_then_the_functions_read_them():
    context = _context({"read_checks": {"action": "FLAG", "policies": ["PROMPT_ATTACK", "WORDS", "SENSITIVE_INFORMATION"]}})
    parsed = RuntimeConfig.model_validate(_rendered(context)).guardrail.read_checks
    assert (parsed.action, parsed.policies) == ("FLAG", ("PROMPT_ATTACK", "WORDS", "SENSITIVE_INFORMATION"))


@pytest.mark.parametrize(
    ("read_checks", "says"),
    [
        ({"policies": ["PROMPT_INJECTION"]}, "guardrail.read_checks.policies"),
        ({"policies": []}, "guardrail.read_checks.policies"),
        ({"action": "DROP"}, "guardrail.read_checks.action"),
        ({"enabled": "yes"}, "guardrail.read_checks.enabled"),
    ],
)
def test_given_an_invalid_read_checks_setting_then_synth_names_the_key(read_checks, says):
    with pytest.raises(ConfigError, match=says.replace(".", r"\.")):
        load_config(_context({"read_checks": read_checks}))


@pytest.mark.parametrize(
    ("read_checks", "says"),
    [
        ({"unreadable_documents": "skip"}, "guardrail.read_checks.unreadable_documents: Input should be 'refuse' or 'allow'"),
        ({"max_document_chars": 999}, "guardrail.read_checks.max_document_chars: Input should be greater than or equal to 1000"),
        ({"max_document_chars": 1_000_001}, "guardrail.read_checks.max_document_chars: Input should be less than or equal to 1000000"),
    ],
)
def test_given_an_invalid_document_setting_then_synth_names_the_key_and_the_allowed_values(read_checks, says):
    with pytest.raises(ConfigError, match=re.escape(says)):
        load_config(_context({"read_checks": read_checks}))


def test_given_prompt_attack_counted_while_its_filter_is_off_then_synth_refuses_it():
    filters = cdk_context("dev")["genai:config"]["guardrail"]["content_filters"]
    context = _context({"content_filters": {**filters, "PROMPT_ATTACK": {"input": "NONE"}}})
    with pytest.raises(ConfigError, match=r"read_checks\.policies counts PROMPT_ATTACK but content_filters\.PROMPT_ATTACK\.input is NONE"):
        load_config(context)
    off = _context({"content_filters": {**filters, "PROMPT_ATTACK": {"input": "NONE"}}, "read_checks": {"enabled": False}})
    assert load_config(off).guardrail.read_checks.enabled is False


def test_given_only_read_checks_change_then_no_new_guardrail_version_is_published():
    """read_checks is a setting of the functions that call ApplyGuardrail, not of the guardrail."""
    import aws_cdk as cdk

    from infra.constructs.guardrail import Guardrail

    version_ids = set()
    for guardrail_config in ({}, {"read_checks": {"action": "FLAG"}}, {"read_checks": {"enabled": False}}):
        stack = cdk.Stack(cdk.App(), "Stack")
        guardrail = Guardrail(stack, "Guardrail", name="g", policy=load_config(_context(guardrail_config)).guardrail, profile=None)
        version_ids.add(stack.resolve(guardrail.version.logical_id))
    assert len(version_ids) == 1


@pytest.mark.parametrize("function_key", ["rag", "rag_stream"])
def test_given_the_rag_functions_then_apply_guardrail_on_exactly_the_stacks_guardrail_and_its_profile(dev, function_key):
    """The passage checks call ApplyGuardrail; the grant names the stack's guardrail (and the cross-region guardrail
    profile it runs through) and nothing else: no wildcard, no other guardrail. The chat functions' document checks use
    the grant their system prompt check has (tests/infra/test_conversation_routes.py, test_stream_functions.py)."""
    role = dev.stack.get_logical_id(dev.stack.functions.functions[function_key].role.node.default_child)
    resources = set(allowed(policy_statements(dev.json["Resources"])[role], "bedrock:ApplyGuardrail"))
    guardrail = f"<{dev.stack.get_logical_id(dev.stack.guardrail.guardrail)}.GuardrailArn>"
    profiles = {f"arn:aws:bedrock:{r}:123456789012:guardrail-profile/us.guardrail.v1:0" for r in ("us-east-1", "us-east-2", "us-west-2")}
    assert resources == {guardrail} | profiles
