"""cdk-nag (AwsSolutions and Serverless packs) and cfn-lint over the synthesized templates."""

from __future__ import annotations

import json
from pathlib import Path

from cfnlint.api import lint
from cfnlint.config import ManualArgs

IGNORED_CFN_LINT_RULES = {"W3005"}  # docs/security.md: obsolete DependsOn that CDK emits with references


def _acknowledgments(outdir) -> dict[str, str]:
    metadata = json.loads((outdir / "BedrockGenAi.metadata.json").read_text())
    found: dict[str, str] = {}
    for path, entries in metadata.items():
        for entry in entries:
            if entry["type"] == "aws:cdk:acknowledged-rules":
                for rule, reason in entry["data"].items():
                    found[f"{path} {rule}"] = reason
    return found


PACKS = ("AwsSolutions::AwsSolutions-", "Serverless::Serverless-")


def test_given_each_profile_when_synthesized_then_cdk_nag_passed_and_every_acknowledgment_has_a_reason(each_profile, tmp_path_factory):
    # The fixture's synth ran AwsSolutionsChecks and ServerlessChecks: an unacknowledged finding would have failed it.
    outdir = tmp_path_factory.getbasetemp()
    files = list(outdir.glob("*/BedrockGenAi.metadata.json"))
    assert files
    for file in files:
        acknowledgments = _acknowledgments(file.parent)
        assert acknowledgments
        for key, reason in acknowledgments.items():
            assert key.split(" ")[1].startswith(PACKS), key
            assert len(reason) >= 60, key


def test_given_the_serverless_pack_then_only_rules_checked_against_the_docs_are_acknowledged(dev):
    """EventBusDLQ is fixed, not acknowledged; each acknowledged rule's reason cites the AWS page that decided it."""
    acknowledgments = _acknowledgments(Path(dev.stack.node.root.outdir))
    serverless = {key.split(" ")[1]: reason for key, reason in acknowledgments.items() if key.split(" ")[1].startswith(PACKS[1])}
    assert set(serverless) == {
        "Serverless::Serverless-LambdaLatestVersion",
        "Serverless::Serverless-LambdaDLQ",
        "Serverless::Serverless-LambdaEventSourceMappingDestination",
        "Serverless::Serverless-SQSRedrivePolicy",
    }
    for rule, reason in serverless.items():
        assert "https://docs.aws.amazon.com/" in reason, rule
    assert "DeadLetterQueueNotEmpty alarm" in serverless["Serverless::Serverless-LambdaEventSourceMappingDestination"]


def test_given_the_app_when_a_noncompliant_resource_is_added_then_synth_fails(tmp_path):
    """The app registers the checks: a finding nobody acknowledged stops the synth."""
    import aws_cdk as cdk
    import pytest
    from aws_cdk import aws_sqs as sqs

    from app import build_app
    from tests.infra.conftest import cdk_context

    app = cdk.App(context=cdk_context("dev"), outdir=str(tmp_path))
    stack = build_app(app)
    sqs.Queue(stack, "NoDlqNoSsl")
    with pytest.raises(RuntimeError, match=r"NoDlqNoSsl[\s\S]*AwsSolutions-SQS3"):
        app.synth()


def test_given_the_app_when_a_rule_target_without_dead_letter_queue_is_added_then_the_serverless_pack_fails_synth(tmp_path):
    """The Serverless pack runs beside AwsSolutions: an EventBridge target that could drop events stops the synth."""
    import aws_cdk as cdk
    import pytest
    from aws_cdk import aws_events as events
    from aws_cdk import aws_events_targets as targets

    from app import build_app
    from tests.infra.conftest import cdk_context

    app = cdk.App(context=cdk_context("dev"), outdir=str(tmp_path))
    stack = build_app(app)
    events.Rule(
        stack, "NoTargetDlq", schedule=events.Schedule.rate(cdk.Duration.hours(1)), targets=[targets.SqsQueue(stack.ingestion.queue)]
    )
    with pytest.raises(RuntimeError, match=r"NoTargetDlq[\s\S]*Serverless-EventBusDLQ"):
        app.synth()


def test_given_each_profile_then_cfn_lint_finds_nothing(each_profile):
    template = each_profile.json
    config = ManualArgs(regions=[each_profile.stack.region], ignore_checks=sorted(IGNORED_CFN_LINT_RULES))
    matches = lint(json.dumps(template), config=config)
    assert [f"{m.rule.id} {m.message}" for m in matches] == []
