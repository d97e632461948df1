#!/usr/bin/env python3
"""CDK entry point: one stack from the typed configuration in cdk.json (no AWS calls at synth)."""

from __future__ import annotations

import os
import sys

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from infra.config import ConfigError, load_config
from infra.deployment import resolve
from infra.stack import GenAiStack
from infra.synth_date import CONTEXT_KEY, synth_date


def build_app(app: cdk.App) -> GenAiStack:
    context = {
        key: app.node.try_get_context(key)
        for key in ("profile", "genai:config", "genai:profiles", "config", "stack_name", "region", "account")
    }
    config = load_config({k: v for k, v in context.items() if v is not None})
    # Explicit beats ambient: -c region / cdk.json, then the CLI's CDK_DEFAULT_REGION (which it sets to us-east-1 when unconfigured).
    region = config.region or os.environ.get("CDK_DEFAULT_REGION")
    if not region:
        raise ConfigError("region: not set; pass -c region=<name>, set CDK_DEFAULT_REGION, or set region in cdk.json")
    account = config.account or os.environ.get("CDK_DEFAULT_ACCOUNT")
    # Lifecycle checks and the grants that follow them use the synth date (UTC); `-c genai:today=YYYY-MM-DD` fixes it
    # (infra/synth_date.py; tests: a result that does not depend on the day).
    deployment = resolve(config, region, synth_date(app.node.try_get_context(CONTEXT_KEY)))
    stack = GenAiStack(
        app,
        config.stack_name,
        deployment=deployment,
        env=cdk.Environment(account=account, region=region),
        description=f"Bedrock GenAI backend: chat, RAG, images ({config.profile} profile)",
        termination_protection=config.retention.deletion_protection,
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    return stack


def main() -> None:
    app = cdk.App()
    if str(app.node.try_get_context("skip_bundling")).lower() == "true":
        # Offline synth checks only (tests, `make check-synth`): assets stay unbuilt. Never deploy this assembly.
        app.node.set_context("aws:cdk:bundling-stacks", [])
    try:
        build_app(app)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
    app.synth()


if __name__ == "__main__":
    main()
