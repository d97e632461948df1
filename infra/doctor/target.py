"""What the doctor checks: the configuration, region and account a `make deploy` with the same settings would use.

The configuration is loaded as app.py loads it (cdk.json context, the profile, an override file, `-c` values)
and resolved with `infra.deployment.resolve`. The region is resolved as the CDK app resolves it: the
configuration's `region` (cdk.json, `-c region=`, an override file) first, then `CDK_DEFAULT_REGION`, which the
CDK CLI sets from the AWS profile or AWS_REGION / AWS_DEFAULT_REGION, and us-east-1 when none is set.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import boto3

from infra.config import AppConfig, ConfigError, load_config
from infra.deployment import Deployment, resolve

ROOT = Path(__file__).resolve().parents[2]
CLI_DEFAULT_REGION = "us-east-1"  # what the CDK CLI sets CDK_DEFAULT_REGION to when nothing names a region
DEFAULT_QUALIFIER = "hnb659fds"  # aws-cdk-lib's DefaultStackSynthesizer.DEFAULT_QUALIFIER


@dataclass(frozen=True)
class Options:
    profile: str | None = None  # the configuration profile (make PROFILE=...), not the AWS profile
    config_file: str | None = None
    stack_name: str | None = None
    region: str | None = None
    aws_profile: str | None = None
    today: date | None = None
    cdk_json: Path = ROOT / "cdk.json"


@dataclass(frozen=True)
class Target:
    options: Options
    session: boto3.Session
    region: str
    region_source: str
    today: date
    qualifier: str
    config: AppConfig | None = None
    deployment: Deployment | None = None
    error: str | None = None  # the ConfigError text when the configuration does not load or resolve

    @property
    def expected_account(self) -> str | None:
        """The account the deploy is pinned to, if any (configuration `account`, else CDK_DEFAULT_ACCOUNT)."""
        return (self.config.account if self.config else None) or os.environ.get("CDK_DEFAULT_ACCOUNT")


def _context(options: Options) -> dict[str, object]:
    context: dict[str, object] = json.loads(options.cdk_json.read_text(encoding="utf-8"))["context"]
    overrides = {
        "profile": options.profile,
        "stack_name": options.stack_name,
        "region": options.region,
        "config": str(Path(options.config_file).resolve()) if options.config_file else None,
    }
    return {**context, **{k: v for k, v in overrides.items() if v}}


def _region(config: AppConfig | None, options: Options, session: boto3.Session) -> tuple[str, str]:
    if config is None and options.region:
        return options.region, "-c region / REGION="
    if config is not None and config.region:
        return config.region, "the configuration (cdk.json `region`, -c region / REGION=, or the override file)"
    if os.environ.get("CDK_DEFAULT_REGION"):
        return os.environ["CDK_DEFAULT_REGION"], "CDK_DEFAULT_REGION"
    if session.region_name:
        return session.region_name, "your AWS settings (AWS_REGION / AWS_DEFAULT_REGION / the profile's region), as the CDK CLI reads them"
    return CLI_DEFAULT_REGION, "the CDK CLI's default: nothing names a region"


def load_target(options: Options, session: boto3.Session) -> Target:
    today = options.today or date.today()
    context = _context(options)
    qualifier = str(context.get("@aws-cdk/core:bootstrapQualifier") or DEFAULT_QUALIFIER)
    try:
        config = load_config(context)
    except ConfigError as err:
        region, source = _region(None, options, session)
        return Target(options, session, region, source, today, qualifier, error=str(err))
    region, source = _region(config, options, session)
    try:
        deployment = resolve(config, region, today)
    except ConfigError as err:
        return Target(options, session, region, source, today, qualifier, config=config, error=str(err))
    return Target(options, session, region, source, today, qualifier, config=config, deployment=deployment)
