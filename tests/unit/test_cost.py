"""`make cost`: idle charges are found by type, unknown types fail, per-use figures follow the catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.config import load_config
from infra.cost import UnknownResourceError, idle, per_use, report

ROOT = Path(__file__).resolve().parents[2]


def _config(**budgets):
    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    context["genai:config"].setdefault("budgets", {}).update(budgets)
    return load_config(context)


RRU, WRU = 0.125 / 1e6, 0.625 / 1e6  # DynamoDB on demand, per read / write request unit


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


def test_given_the_config_then_a_chat_turn_pays_dynamodb_for_its_query_its_transaction_and_its_metering():
    chat = next(u for u in per_use(_config()) if u.name == "chat turn")
    # Window Query, strongly consistent: the summary (435 bytes) + 10 turns x (a 100-token message: 225 + 400 bytes, a
    # 300-token answer: 290 + 1,200 bytes) = 21,585 bytes -> 6 read units.
    # The turn's transaction (2 write units per KB): the message 2, the answer (1,490 bytes) 4, the summary 2, and its index
    # entry moved (delete + put, not transactional) 2 = 10.
    # Metering: the reservation and the settle each update 2 usage rows (445 bytes): 2 x (2 + 1 index write) = 6 -> 12;
    # the budget overrides, one key eventually consistent: 0.5 read unit.
    assert chat.items["DynamoDB"] == pytest.approx((6 + 0.5) * RRU + (10 + 12) * WRU)
    assert "1 Query (6 RRU) + the turn's transaction (10 WRU)" in chat.assumptions


def test_given_the_config_then_rag_and_images_carry_their_metering_writes():
    uses = {u.name: u for u in per_use(_config())}
    # RAG: reservation, its extension once passages are found, and the settle: 3 x 6 write units; images: 2 x 6.
    assert uses["RAG query"].items["metering"] == pytest.approx(0.5 * RRU + 18 * WRU)
    assert uses["image"].items["metering"] == pytest.approx(0.5 * RRU + 12 * WRU)


def test_given_the_config_then_metering_per_thousand_turns_is_its_writes_reads_and_lambda_time():
    meter = next(u for u in per_use(_config()) if u.name == "metering per 1,000 turns")
    assert meter.items["DynamoDB writes"] == pytest.approx(12_000 * WRU)  # $0.0075
    assert meter.items["DynamoDB reads"] == pytest.approx(500 * RRU)
    assert meter.items["Lambda"] == pytest.approx(1000 * 0.5 * (0.003 + 0.010) * 0.0000133334)  # 512 MB, 3 + 10 ms
    assert meter.total == pytest.approx(0.00765, abs=0.000005)


def test_given_a_daily_ceiling_then_metering_also_writes_and_reads_the_deployments_day():
    meter = next(u for u in per_use(_config(daily_ceiling_usd=50)) if u.name == "metering per 1,000 turns")
    # The deployment's day row (under 1 KB, not indexed): 2 more write units per transaction; a GetItem after the settle.
    assert meter.items["DynamoDB writes"] == pytest.approx(16_000 * WRU)
    assert meter.items["DynamoDB reads"] == pytest.approx(1_000 * RRU)
    assert "daily ceiling row included" in meter.assumptions


def test_given_a_template_then_the_report_names_idle_total_and_opensearch_comparison():
    text = "\n".join(report(_template(("Board", "AWS::CloudWatch::Dashboard", {}), ("Table", "AWS::DynamoDB::GlobalTable", {})), _config()))
    assert "idle total: $3.00/month" in text
    assert "$175.20/month" in text
    assert "metering per 1,000 turns $0.00765" in text


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
