"""`make cost`: idle charges are found by type, unknown types fail, per-use figures follow the catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.config import load_config
from infra.cost import UnknownResourceError, idle, per_use, report

ROOT = Path(__file__).resolve().parents[2]


def _config():
    return load_config(json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"])


def _template(*resources: tuple[str, str, dict]) -> dict:
    return {"Resources": {rid: {"Type": kind, "Properties": props} for rid, kind, props in resources}}


def test_given_waf_acl_with_four_rules_then_it_costs_nine_dollars_a_month():
    charges, _ = idle(_template(("Acl", "AWS::WAFv2::WebACL", {"Rules": [{}, {}, {}, {}]}), ("Fn", "AWS::Lambda::Function", {})))
    assert [(c.logical_id, c.monthly) for c in charges] == [("Acl", 9.0)]


def test_given_metric_math_alarm_then_each_metric_is_billed():
    metrics = [{"Id": "a", "MetricStat": {}}, {"Id": "b", "MetricStat": {}}, {"Id": "e", "Expression": "a/b"}]
    charges, _ = idle(_template(("Alarm", "AWS::CloudWatch::Alarm", {"Metrics": metrics})))
    assert charges[0].monthly == pytest.approx(0.20)


def test_given_opensearch_collection_then_its_minimum_ocus_are_charged():
    charges, _ = idle(_template(("Kb", "AWS::OpenSearchServerless::Collection", {})))
    assert charges[0].monthly == pytest.approx(175.20)


def test_given_unknown_resource_type_then_it_fails_loudly():
    with pytest.raises(UnknownResourceError, match="AWS::RDS::DBInstance"):
        idle(_template(("Db", "AWS::RDS::DBInstance", {})))


def test_given_provisioned_concurrency_then_it_is_not_counted_free():
    with pytest.raises(UnknownResourceError, match="provisioned concurrency"):
        idle(_template(("Live", "AWS::Lambda::Alias", {"ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 1}})))


def test_given_the_config_then_a_chat_turn_costs_its_tokens_at_the_catalog_price():
    chat = next(u for u in per_use(_config()) if u.name == "chat turn")
    window = _config().memory.window_turns
    # Claude Haiku 5.5 (the default since the catalog's 2026-11 update): $0.11 in, $0.55 out per 1M tokens (us. profile).
    assert chat.items["model"] == pytest.approx(((window * 400 + 100) * 0.11 + 300 * 0.55) / 1e6)
    assert chat.total > chat.items["model"]


def test_given_a_template_then_the_report_names_idle_total_and_opensearch_comparison():
    text = "\n".join(report(_template(("Board", "AWS::CloudWatch::Dashboard", {}), ("Table", "AWS::DynamoDB::GlobalTable", {})), _config()))
    assert "idle total: $3.00/month" in text
    assert "$175.20/month" in text


def test_given_cli_context_pairs_then_cost_reads_the_same_configuration_as_the_synth():
    from infra.cost import context_overrides, load_cost_config

    overrides = context_overrides(["-c", "profile=prod", "-c", f"config={ROOT / 'docs/examples/zero-idle.json'}"])
    config = load_cost_config(overrides)
    assert config.profile == "prod"
    assert (config.features.alarms, config.features.dashboard, config.features.waf.enabled) == (False, False, False)


def test_given_a_malformed_context_argument_then_cost_exits_with_the_expected_form():
    from infra.cost import context_overrides

    with pytest.raises(SystemExit, match="expected -c key=value"):
        context_overrides(["-c", "profile"])


def test_given_a_template_without_idle_charges_then_the_report_says_zero_and_no_ratio():
    text = "\n".join(report(_template(("Table", "AWS::DynamoDB::GlobalTable", {})), _config()))
    assert "idle total: $0.00/month" in text
    assert "this stack idles at $0.00/month\n" in text + "\n"
