"""cdk-nag (AwsSolutions) and cfn-lint over the synthesized templates."""

from __future__ import annotations

import json

from cfnlint.api import lint
from cfnlint.config import ManualArgs

IGNORED_CFN_LINT_RULES = {"W3005"}  # README: obsolete DependsOn that CDK emits with references


def _acknowledgments(outdir) -> dict[str, str]:
    metadata = json.loads((outdir / "BedrockGenAi.metadata.json").read_text())
    found: dict[str, str] = {}
    for path, entries in metadata.items():
        for entry in entries:
            if entry["type"] == "aws:cdk:acknowledged-rules":
                for rule, reason in entry["data"].items():
                    found[f"{path} {rule}"] = reason
    return found


def test_given_each_profile_when_synthesized_then_cdk_nag_passed_and_every_acknowledgment_has_a_reason(each_profile, tmp_path_factory):
    # The fixture's synth ran AwsSolutionsChecks: an unacknowledged finding would have failed it.
    outdir = tmp_path_factory.getbasetemp()
    files = list(outdir.glob("*/BedrockGenAi.metadata.json"))
    assert files
    for file in files:
        acknowledgments = _acknowledgments(file.parent)
        assert acknowledgments
        for key, reason in acknowledgments.items():
            assert key.split(" ")[1].startswith("AwsSolutions::AwsSolutions-"), key
            assert len(reason) >= 60, key


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


def test_given_each_profile_then_cfn_lint_finds_nothing(each_profile):
    template = each_profile.json
    config = ManualArgs(regions=[each_profile.stack.region], ignore_checks=sorted(IGNORED_CFN_LINT_RULES))
    matches = lint(json.dumps(template), config=config)
    assert [f"{m.rule.id} {m.message}" for m in matches] == []
