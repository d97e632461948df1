"""The doctor end to end with real boto3 clients: STS, CloudFormation, SSM and S3 Vectors on moto's server; Bedrock,
bedrock-agent, Lambda's account settings and Service Quotas on the offline Bedrock, whose account scenario
(`simulator.account`) plays the account's state. Lifecycle dates are read on tests/clock.py's TODAY."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import boto3
import pytest

from infra.config import load_config
from infra.deployment import resolve
from infra.doctor.__main__ import main
from infra.doctor.checks.models import Configured, configured
from local.bedrock_sim import BedrockSimulator
from tests.clock import TODAY
from tests.integration.conftest import ROOT

REGION = "us-west-2"
ACCOUNT = "123456789012"  # moto's default account, which the simulator's scenario also uses


def toolkit_template(version: str) -> str:
    """The part of CDK's bootstrap template the doctor reads: the version parameter and the stack output."""
    properties = {"Name": "/cdk-bootstrap/hnb659fds/version", "Type": "String", "Value": version}
    parameter = {"Type": "AWS::SSM::Parameter", "Properties": properties}
    return json.dumps({"Resources": {"CdkBootstrapVersion": parameter}, "Outputs": {"BootstrapVersion": {"Value": version}}})


@dataclass
class Doctor:
    code: int
    lines: list[str]

    def line(self, start: str) -> str:
        found = [line for line in self.lines if line.startswith(start)]
        assert len(found) == 1, (start, self.lines)
        return found[0]

    def fix(self, start: str) -> list[str]:
        """The line starting with `start` and its indented fix lines (English, then Korean)."""
        index = self.lines.index(self.line(start))
        rest = self.lines[index + 1 :]
        return [self.lines[index], *[line for line in rest[: next((i for i, x in enumerate(rest) if not x.startswith("    ")), len(rest))]]]

    def marked(self, mark: str) -> list[str]:
        return [line for line in self.lines if line.startswith(mark + " ")]


def configured_models() -> list[Configured]:
    """The models of cdk.json's default configuration, as the doctor lists them."""
    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    return configured(resolve(load_config(context), REGION, TODAY))


def closed_port() -> str:
    """A loopback address where nothing listens: a client sees what it sees where a service has no endpoint."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def account(moto_server: str, simulator: BedrockSimulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[BedrockSimulator]:
    """A healthy offline account (bootstrap excepted: see `bootstrapped`); the simulator's scenario changes it."""
    simulator.reset()
    simulator.account.today = TODAY.isoformat()
    for service in ("STS", "CLOUDFORMATION", "SSM", "S3VECTORS"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", moto_server)
    for service in ("BEDROCK", "BEDROCK_AGENT", "LAMBDA", "SERVICE_QUOTAS"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", simulator.endpoint_url)
    for name in ("CDK_DEFAULT_REGION", "CDK_DEFAULT_ACCOUNT"):
        monkeypatch.delenv(name, raising=False)
    yield simulator
    simulator.reset()


@contextmanager
def bootstrap(version: str) -> Iterator[None]:
    """What `cdk bootstrap` leaves in us-west-2: the CDKToolkit stack and its version parameter; removed afterwards."""
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(StackName="CDKToolkit", TemplateBody=toolkit_template(version))
    try:
        yield
    finally:
        cloudformation.delete_stack(StackName="CDKToolkit")
        ssm = boto3.client("ssm", region_name=REGION)
        with suppress(ssm.exceptions.ParameterNotFound):
            ssm.delete_parameter(Name="/cdk-bootstrap/hnb659fds/version")


@pytest.fixture
def bootstrapped(account: BedrockSimulator) -> Iterator[BedrockSimulator]:
    with bootstrap("33"):
        yield account


@pytest.fixture
def doctor(capsys: pytest.CaptureFixture[str]):
    def run(*args: str) -> Doctor:
        capsys.readouterr()
        code = main(["--today", TODAY.isoformat(), *args])
        return Doctor(code, capsys.readouterr().out.splitlines())

    return run
