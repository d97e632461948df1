"""The doctor on the offline account: bootstrap, region services, quotas, concurrency, credentials, configuration;
`genai doctor` and `make deploy`."""

from __future__ import annotations

import json
import subprocess

from tests.integration.conftest import ROOT
from tests.integration.doctor.conftest import bootstrap, closed_port
from ui.cli import main as genai


def test_given_an_account_never_bootstrapped_then_the_fix_is_the_bootstrap_command(account, doctor):
    result = doctor()
    assert result.code == 1
    line, fix, fix_ko = result.fix("✗ CDK bootstrap:")
    assert "/cdk-bootstrap/hnb659fds/version not found" in line
    assert "`node_modules/.bin/cdk bootstrap aws://123456789012/us-west-2`" in fix
    assert "aws://123456789012/us-west-2" in fix_ko


def test_given_a_bootstrap_older_than_version_6_then_it_fails(account, doctor):
    with bootstrap("5"):
        result = doctor()
    assert result.code == 1
    assert "bootstrap version 5; aws-cdk-lib 2.275 needs 6 or later" in result.line("✗ CDK bootstrap:")


def test_given_a_region_without_s3_vectors_then_it_fails_with_the_region_fix(bootstrapped, doctor, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3VECTORS", closed_port())  # no endpoint answers, as where S3 Vectors is not offered
    result = doctor()
    assert result.code == 1
    line, fix, _ = result.fix("✗ S3 Vectors:")
    assert "not offered in us-west-2" in line
    assert "EndpointConnectionError" in line
    assert "REGION=<name>" in fix
    assert result.line("✓ Bedrock Knowledge Bases:")


def test_given_bedrock_quotas_at_zero_then_the_default_models_quotas_fail_with_the_increase_request(bootstrapped, doctor):
    bootstrapped.account.quota_value = 0.0
    result = doctor()
    assert result.code == 1
    failed = [line for line in result.marked("✗") if line.startswith("✗ Bedrock quotas ")]
    assert failed
    assert all("0 tokens/min, 0 requests/min" in line for line in failed)
    fix = result.fix(failed[0])[1]
    assert "request-service-quota-increase" in fix
    assert "--service-code bedrock --quota-code L-" in fix
    assert "1M Context Length" not in fix  # the long-context variant is another quota


def test_given_an_account_concurrency_of_10_then_the_reserved_concurrency_would_fail_the_deploy(bootstrapped, doctor):
    bootstrapped.account.concurrency_limit = 10
    result = doctor()
    assert result.code == 1
    line, fix, _ = result.fix("✗ Lambda concurrency:")
    assert "account limit 10, unreserved 10" in line
    assert "keep 100 unreserved" in line
    assert "--service-code lambda --quota-code L-B99A9384" in fix


def test_given_no_credentials_then_it_fails_first_and_skips_the_rest(account, doctor, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    result = doctor()
    assert result.code == 1
    assert "no AWS credentials found" in result.line("✗ credentials:")
    assert not any(line.startswith(("✓ S3 Vectors", "✗ S3 Vectors", "✓ CDK", "✗ CDK")) for line in result.lines)


def test_given_a_configuration_that_does_not_resolve_then_it_fails_with_the_configuration_error(bootstrapped, doctor, tmp_path):
    override = tmp_path / "override.json"
    override.write_text(json.dumps({"region": "ca-central-1"}), encoding="utf-8")
    result = doctor("--config", str(override))
    assert result.code == 1
    assert "invalid configuration" in result.line("✗ configuration:")
    assert any("skipped" in line for line in result.lines)


def test_given_genai_doctor_then_it_runs_the_same_checks(bootstrapped, capsys):
    code = genai(["doctor", "--today", "2026-11-24"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "✓ CDK bootstrap: version 33" in out
    assert "ready to deploy" in out


def test_given_make_deploy_then_the_doctor_runs_first_unless_skipped():
    def planned(*args: str) -> list[str]:
        run = subprocess.run(["make", "-n", "deploy", *args], cwd=ROOT, capture_output=True, text=True, check=True)
        return [line for line in run.stdout.splitlines() if "infra.doctor" in line or " deploy " in line]

    steps = planned("PROFILE=prod", "REGION=eu-west-1")
    assert steps[0].split()[1:] == ["-m", "infra.doctor", "--profile", "prod", "--region", "eu-west-1"], steps
    assert "cdk deploy" in steps[1], steps
    assert not any("infra.doctor" in line for line in planned("SKIP_DOCTOR=1"))
