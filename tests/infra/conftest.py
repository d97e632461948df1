"""Synthesize each profile once per test session (bundling skipped: no pip, no Docker)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from app import build_app
from infra.stack import GenAiStack
from tests.clock import TODAY

ROOT = Path(__file__).resolve().parents[2]
TEST_REGION = "us-west-2"
TEST_ACCOUNT = "123456789012"


def cdk_context(profile: str = "dev", **overrides: Any) -> dict[str, Any]:
    context = copy.deepcopy(json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"])
    context.update(
        {
            "profile": profile,
            "aws:cdk:bundling-stacks": [],
            "account": TEST_ACCOUNT,
            "region": TEST_REGION,
            "genai:today": TODAY.isoformat(),
        }
    )
    context.update(overrides)
    return context


@dataclass
class Synth:
    stack: GenAiStack
    template: Template

    @property
    def json(self) -> dict[str, Any]:
        return dict(self.template.to_json())

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.json["Resources"].items() if v["Type"] == kind}


def synth(context: dict[str, Any], outdir: Path) -> Synth:
    app = cdk.App(context=context, outdir=str(outdir))
    stack = build_app(app)
    app.synth()  # runs cdk-nag: an unacknowledged finding fails here
    return Synth(stack, Template.from_json(json.loads((outdir / f"{stack.artifact_id}.template.json").read_text())))


@pytest.fixture(scope="session")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return synth(cdk_context("dev"), tmp_path_factory.mktemp("dev"))


@pytest.fixture(scope="session")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return synth(cdk_context("prod"), tmp_path_factory.mktemp("prod"))


@pytest.fixture(scope="session", params=["dev", "prod"])
def each_profile(request: pytest.FixtureRequest) -> Synth:
    return request.getfixturevalue(request.param)
