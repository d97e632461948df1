"""Metering in the template: every function that makes paid Bedrock calls names the usage table and may only update
its rows and read budget overrides; the dashboard shows cost per model; the daily ceiling has its alarm, at 80 %,
on the spend the functions publish (Maximum over 5 minutes), and only when a ceiling is configured."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
from aws_cdk import CfnElement

from infra.config import deep_merge
from tests.infra.cfn import as_list, policy_statements
from tests.infra.conftest import Synth, cdk_context, synth

METERED = ("chat", "rag", "image", "chat_stream", "rag_stream")


@pytest.fixture(scope="module")
def with_ceiling(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    context = cdk_context("dev")
    context["genai:config"] = deep_merge(context["genai:config"], {"budgets": {"daily_ceiling_usd": 50}})
    return synth(context, tmp_path_factory.mktemp("ceiling"))


def _usage_table(synth: Synth) -> str:
    return str(synth.stack.get_logical_id(cast(CfnElement, synth.stack.usage.table.node.default_child)))


def _usage_arn(synth: Synth) -> str:
    return f"<{_usage_table(synth)}.Arn>"


def _usage_grants(synth: Synth, function: str) -> tuple[set[str], set[str]]:
    """(actions, resources) of the function's statements on the usage table or its index."""
    role = synth.stack.get_logical_id(cast(CfnElement, synth.stack.functions.roles[function].node.default_child))
    usage = _usage_arn(synth)
    actions: set[str] = set()
    resources: set[str] = set()
    for statement in policy_statements(synth.json["Resources"])[role]:
        named = {str(r) for r in as_list(statement["Resource"])}
        if any(r.startswith(usage) for r in named):
            actions.update(as_list(statement["Action"]))
            resources |= named
    return actions, resources


@pytest.mark.parametrize("function", METERED)
def test_given_a_function_that_pays_bedrock_then_it_names_the_usage_table_and_may_only_update_rows_and_read_budgets(dev, function):
    resource = dev.json["Resources"][dev.stack.get_logical_id(dev.stack.functions.functions[function].node.default_child)]
    assert resource["Properties"]["Environment"]["Variables"]["USAGE_TABLE"] == {"Ref": _usage_table(dev)}
    # Reserve and settle are transactions of Update actions (TransactWriteItems needs UpdateItem per action), the
    # overrides one BatchGetItem, the deployment's spend today one GetItem. No Put, no Delete, no Query.
    assert _usage_grants(dev, function) == ({"dynamodb:UpdateItem", "dynamodb:BatchGetItem", "dynamodb:GetItem"}, {_usage_arn(dev)})


def test_given_the_functions_that_pay_nothing_then_they_never_write_usage_rows(dev):
    assert _usage_grants(dev, "ingest") == (set(), set())
    assert "dynamodb:UpdateItem" not in _usage_grants(dev, "usage")[0]  # it reads usage; it writes budget items only


def test_given_the_default_config_then_no_ceiling_alarm_and_the_dashboard_shows_cost_per_model(dev):
    assert _spend_alarms(dev) == []
    (dashboard,) = dev.resources("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    assert "CostMicroUSD" in body
    assert "Cost per model" in body


def _spend_alarms(synth: Synth) -> list[dict[str, Any]]:
    """Alarms on DailySpendMicroUSD (a labelled metric: CloudFormation's Metrics form, one MetricStat)."""
    found = []
    for resource in synth.resources("AWS::CloudWatch::Alarm").values():
        stats = [m["MetricStat"] for m in resource["Properties"].get("Metrics", []) if "MetricStat" in m]
        if any(stat["Metric"]["MetricName"] == "DailySpendMicroUSD" for stat in stats):
            found.append({**resource["Properties"], "MetricStat": stats[0]})
    return found


def test_given_a_daily_ceiling_then_an_alarm_at_80_percent_of_it_on_the_spend_maximum_over_5_minutes(with_ceiling):
    (alarm,) = _spend_alarms(with_ceiling)
    stat = alarm["MetricStat"]
    assert (stat["Metric"]["Namespace"], stat["Metric"]["Dimensions"]) == ("BedrockGenAi", [{"Name": "service", "Value": "metering"}])
    assert (stat["Stat"], stat["Period"], alarm["EvaluationPeriods"]) == ("Maximum", 300, 1)
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (40_000_000, "GreaterThanOrEqualToThreshold")
    assert alarm["TreatMissingData"] == "notBreaching"
    assert len(alarm["AlarmActions"]) == 1  # the alarm topic
    assert "$50.00" in alarm["AlarmDescription"]
