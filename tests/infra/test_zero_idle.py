"""docs/examples/zero-idle.json deploys with no idle charge; the default profiles keep (and price) their observability."""

from __future__ import annotations

import re

import pytest

from infra.config import ConfigError, load_config
from infra.cost import idle, report
from tests.infra.conftest import ROOT, cdk_context, synth

ZERO_IDLE = ROOT / "docs" / "examples" / "zero-idle.json"


@pytest.fixture(scope="module")
def zero_idle(tmp_path_factory: pytest.TempPathFactory):
    # synth() runs both cdk-nag packs: the zero-idle stack has no unacknowledged finding either.
    return synth(cdk_context("dev", config=str(ZERO_IDLE)), tmp_path_factory.mktemp("zero-idle"))


def test_given_the_zero_idle_example_then_make_cost_prints_an_idle_total_of_zero(zero_idle):
    charges, free = idle(zero_idle.json)
    assert charges == []
    text = "\n".join(report(zero_idle.json, zero_idle.stack.deployment.config))
    assert "idle total: $0.00/month" in text
    assert free  # the resources are still there, classified as free


def test_given_the_zero_idle_example_then_no_alarm_dashboard_topic_or_web_acl_is_deployed(zero_idle):
    for kind in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard", "AWS::SNS::Topic", "AWS::WAFv2::WebACL"):
        assert zero_idle.resources(kind) == {}, kind
    assert "DashboardName" not in zero_idle.json["Outputs"]
    assert all("SnapStart" not in f["Properties"] for f in zero_idle.resources("AWS::Lambda::Function").values())


def test_given_the_zero_idle_example_on_prod_then_it_still_idles_at_zero(tmp_path):
    prod = synth(cdk_context("prod", config=str(ZERO_IDLE)), tmp_path)
    assert idle(prod.json)[0] == []
    assert prod.stack.deployment.config.retention.removal_policy == "RETAIN"  # only the idle-billing switches changed


@pytest.mark.parametrize(("profile", "total"), [("dev", "4.10"), ("prod", "13.10")])
def test_given_a_default_profile_then_its_alarms_and_dashboard_stay_and_docs_cost_states_the_idle_total(request, profile, total):
    synthesized = request.getfixturevalue(profile)
    alarms = synthesized.resources("AWS::CloudWatch::Alarm")
    assert {re.sub(r"[0-9A-F]{8}$", "", k).removeprefix("Observability") for k in alarms} == {
        "Api5xxRate",
        "ChatErrors",
        "RagErrors",
        "ImageErrors",
        "IngestErrors",
        "ChatStreamErrors",
        "RagStreamErrors",
        "CustomizeErrors",
        "UsageErrors",
        "DeadLetterQueueNotEmpty",
    }
    assert len(synthesized.resources("AWS::CloudWatch::Dashboard")) == 1
    assert "DashboardName" in synthesized.json["Outputs"]
    text = "\n".join(report(synthesized.json, synthesized.stack.deployment.config))
    assert f"idle total: ${total}/month" in text
    cost_doc = (ROOT / "docs" / "cost.md").read_text(encoding="utf-8")
    assert f"**${total}/month** ({profile})" in cost_doc


def test_given_alarm_email_with_alarms_off_then_the_configuration_is_refused():
    context = cdk_context("dev")
    context["genai:profiles"]["dev"]["features"] = {"alarms": False, "alarm_email": "ops@example.com"}
    with pytest.raises(ConfigError, match=r"features: alarm_email is set but alarms is false"):
        load_config(context)


def test_given_defaults_then_alarms_and_dashboard_are_on():
    features = load_config(cdk_context("dev")).features
    assert (features.alarms, features.dashboard) == (True, True)


def test_given_the_zero_idle_example_then_cfn_lint_finds_nothing(zero_idle):
    import json

    from cfnlint.api import lint
    from cfnlint.config import ManualArgs

    from tests.infra.test_nag_and_lint import IGNORED_CFN_LINT_RULES

    config = ManualArgs(regions=[zero_idle.stack.region], ignore_checks=sorted(IGNORED_CFN_LINT_RULES))
    assert [f"{m.rule.id} {m.message}" for m in lint(json.dumps(zero_idle.json), config=config)] == []
