"""The doctor on the offline account: a healthy account, model access, and model lifecycle."""

from __future__ import annotations

from tests.clock import TODAY
from tests.integration.doctor.conftest import configured_models

MODELS = configured_models()
ANTHROPIC = next(m for m in MODELS if m.family == "anthropic")
# An Amazon model (no Marketplace agreement): a Nova chat model, else the Titan embedding model the Knowledge Base uses.
AMAZON_TEXT = sorted((m for m in MODELS if m.family in ("nova", "titan-embed")), key=lambda m: m.family != "nova")[0]


def test_given_a_healthy_account_when_the_doctor_runs_then_every_check_passes_and_it_exits_0(bootstrapped, doctor):
    result = doctor()
    assert result.code == 0, result.lines
    assert result.marked("✗") == []
    legacy = {m.requested_id for m in MODELS if m.lifecycle.status(TODAY) == "LEGACY"}  # the catalog's own Legacy models may warn
    assert [line for line in result.marked("!") if not any(line.startswith(f"! model {i}:") for i in legacy)] == []
    for title in (
        "credentials: account 123456789012",
        "region: us-west-2",
        "configuration: profile dev",
        "S3 Vectors: offered",
        "Bedrock Knowledge Bases: offered",
        "guardrail profile: STANDARD tier through us.guardrail.v1:0",
        "image content filters: generally available",
        "Anthropic first-use form: submitted",
        "CDK bootstrap: version 33",
        "Lambda concurrency: account limit 1000",
        "Bedrock quotas ",
    ):
        assert any(line.startswith(f"✓ {title}") for line in result.lines), title
    for model in MODELS:
        assert any(line.startswith(f"✓ model access {model.foundation_id}: ready") for line in result.lines), model
    assert result.lines[-2].startswith("doctor: ")
    assert "ready to deploy" in result.lines[-2]
    assert result.lines[-1].startswith("진단: ")


def test_given_a_third_party_model_nobody_subscribed_then_a_failure_names_the_marketplace_steps(bootstrapped, doctor):
    bootstrapped.account.not_subscribed(ANTHROPIC.foundation_id)
    result = doctor()
    assert result.code == 1
    line, fix, fix_ko = result.fix(f"✗ model access {ANTHROPIC.foundation_id}:")
    assert "not subscribed yet" in line
    assert "agreement NOT_AVAILABLE" in line
    steps = (
        "aws-marketplace:Subscribe",
        "aws-marketplace:Unsubscribe",
        "aws-marketplace:ViewSubscriptions",
        "payment method",
        "invokes the model once",
        f"--model-id {ANTHROPIC.requested_id}",
        "up to 15 minutes",
        "Do not add these permissions",
    )
    for step in steps:
        assert step in fix, step
    assert fix_ko.strip().startswith("조치:")
    assert "✗" in result.lines[-2]
    assert result.lines[-1].startswith("진단: ")


def test_given_anthropics_first_use_form_was_never_submitted_then_a_failure_says_how_to_submit_it(bootstrapped, doctor):
    bootstrapped.account.use_case_submitted = False
    result = doctor()
    assert result.code == 1
    line, fix, _ = result.fix("✗ Anthropic first-use form:")
    assert "not submitted" in line
    assert "put-use-case-for-model-access" in fix
    assert "management account" in fix


def test_given_a_subscription_in_progress_then_it_is_a_warning_and_the_deploy_may_go_ahead(bootstrapped, doctor):
    bootstrapped.account.availability[ANTHROPIC.foundation_id] = {"agreementAvailability": {"status": "PENDING"}}
    result = doctor()
    assert result.code == 0
    assert "subscription is in progress" in result.line(f"! model access {ANTHROPIC.foundation_id}:")


def test_given_an_amazon_model_without_a_marketplace_agreement_then_access_is_ready(bootstrapped, doctor):
    bootstrapped.account.availability[AMAZON_TEXT.foundation_id] = {"agreementAvailability": {"status": "NOT_AVAILABLE"}}
    result = doctor()
    assert result.line(f"✓ model access {AMAZON_TEXT.foundation_id}:")


def test_given_a_model_bedrock_reports_legacy_then_a_warning_names_its_end_of_life(bootstrapped, doctor):
    bootstrapped.account.lifecycle[AMAZON_TEXT.foundation_id] = {
        "status": "LEGACY",
        "legacyTime": "2026-11-01T00:00:00Z",
        "endOfLifeTime": "2027-05-01T00:00:00Z",
    }
    result = doctor()
    assert result.code == 0
    line, fix, _ = result.fix(f"! model {AMAZON_TEXT.requested_id}:")
    assert "Legacy since 2026-11-01" in line
    assert "end of life 2027-05-01" in line
    assert "infra/catalog/models.json still calls it Active" in line
    assert "Move to a current model" in fix


def test_given_a_model_past_its_end_of_life_per_bedrock_then_it_fails(bootstrapped, doctor):
    bootstrapped.account.lifecycle[AMAZON_TEXT.foundation_id] = {"status": "LEGACY", "endOfLifeTime": "2026-11-01T00:00:00Z"}
    result = doctor()
    assert result.code == 1
    assert "past its end of life on 2026-11-01" in result.line(f"✗ model {AMAZON_TEXT.requested_id}:")


def test_given_a_configured_model_bedrock_no_longer_lists_then_it_fails(bootstrapped, doctor):
    bootstrapped.account.unlisted = [AMAZON_TEXT.foundation_id]
    result = doctor()
    assert result.code == 1
    line, fix, _ = result.fix(f"✗ model {AMAZON_TEXT.requested_id}:")
    assert "is not listed by Bedrock in us-west-2" in line
    assert "list-foundation-models" in fix


def test_given_a_profile_routing_to_other_regions_than_the_catalog_says_then_it_is_only_a_warning(bootstrapped, doctor):
    bootstrapped.account.destinations[ANTHROPIC.requested_id] = ["us-east-1", "us-east-2", "us-west-2", "ca-central-1"]
    result = doctor()
    assert result.code == 0
    line, fix, _ = result.fix(f"! inference profile {ANTHROPIC.requested_id}:")
    assert "routes to ca-central-1, us-east-1, us-east-2, us-west-2" in line
    assert "Nothing to do for the deploy" in fix
