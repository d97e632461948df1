"""Process-wide test set-up: no real AWS, and the runtime config the stack would bundle."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the stack sets on the functions (lambdas/common/settings.py reads it at import): the names the integration
# fixtures create in moto, and the offline Bedrock's guardrail (local/bedrock_sim/server.py defaults).
FUNCTION_ENVIRONMENT = {
    "TABLE_NAME": "conversations-test",
    "USAGE_TABLE": "usage-test",
    "DOCUMENTS_BUCKET": "documents-test",
    "IMAGES_BUCKET": "images-test",
    "ATTACHMENTS_BUCKET": "images-test",
    "KNOWLEDGE_BASE_ID": "KBLOCAL001",
    "DATA_SOURCE_ID": "DSLOCAL001",
    "GUARDRAIL_ID": "localguardrail",
    "GUARDRAIL_VERSION": "1",
    "ADMIN_GROUP": "admin",
    "CUSTOMIZATION_BUCKET": "customization-test",
    "CUSTOMIZATION_ROLE_ARN": "arn:aws:iam::123456789012:role/customization-test",
    "CUSTOMIZATION_STACK_TAG": "GenAiTest",
}


def _runtime_config_file() -> str:
    from infra.config import load_config
    from infra.deployment import resolve, runtime_config_document
    from tests.clock import TODAY

    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    document = runtime_config_document(resolve(load_config(context), "us-west-2", TODAY))
    # Budgets: no limit unless a test sets one (a BUDGET override item, or its own Metering), so one test's usage
    # never refuses another's; the budgets as configured are tested on their own (tests/unit/test_usage_rules.py; the usage
    # API and stack tests read cdk.json's).
    document["budgets"] = {**document["budgets"], "default": {"unlimited": True}}
    with tempfile.NamedTemporaryFile("w", suffix="-runtime_config.json", delete=False, encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False)
    return handle.name


def _configure_environment() -> None:
    # Credentials that can only reach local endpoints; no profile, no instance metadata.
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION="us-west-2",
        AWS_REGION="us-west-2",
        AWS_EC2_METADATA_DISABLED="true",
        POWERTOOLS_SERVICE_NAME="test",
        POWERTOOLS_METRICS_NAMESPACE="BedrockGenAiTest",
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_DEV="false",
        **FUNCTION_ENVIRONMENT,
    )
    os.environ.pop("AWS_PROFILE", None)
    os.environ.setdefault("RUNTIME_CONFIG_PATH", _runtime_config_file())


# At import, before any test module (or conftest) imports a handler that reads its configuration.
_configure_environment()


# `make test` runs the suite on two pytest-xdist workers (`--dist loadgroup`). A group goes to one worker whole:
# tests/infra shares one synthesized template per profile and tests/ui one local stack and Chromium, so each is one
# group (built once, not once per worker); every other file is a group of its own (its module fixtures built once).
# The two big groups go first, so neither starts last and leaves the other worker idle at the end.
_WHOLE_DIRECTORIES = ("infra", "ui")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def group(item: pytest.Item) -> str:
        parts = item.path.relative_to(ROOT / "tests").parts
        return parts[0] if parts[0] in _WHOLE_DIRECTORIES else "/".join(parts)

    for item in items:
        item.add_marker(pytest.mark.xdist_group(group(item)))
    items.sort(key=lambda item: group(item) not in _WHOLE_DIRECTORIES)  # stable: collection order within each
