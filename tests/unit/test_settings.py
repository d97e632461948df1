"""Each function's settings are read once at cold start: a missing variable fails the import with one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from common.settings import ChatSettings, RagSettings, SettingsError, load_settings
from tests.conftest import FUNCTION_ENVIRONMENT, ROOT


def _import_without(module: str, variable: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter imports the handler module, as Lambda's Init phase does, without `variable`."""
    env = {k: v for k, v in os.environ.items() if k != variable}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "lambdas"), str(ROOT)])
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.mark.parametrize(
    ("module", "variable"),
    [
        ("chat.handler", "TABLE_NAME"),
        ("rag.handler", "DOCUMENTS_BUCKET"),
        ("image.handler", "GUARDRAIL_ID"),
        ("rag.ingest_handler", "KNOWLEDGE_BASE_ID"),
        ("usage.handler", "USAGE_TABLE"),
    ],
)
def test_given_a_missing_variable_when_a_handler_is_imported_then_init_fails_with_one_line_naming_it(module, variable):
    result = _import_without(module, variable)
    assert result.returncode != 0, "the handler imported without " + variable
    errors = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [e["missing_variables"] for e in errors if e.get("level") == "ERROR"] == [[variable]]
    assert f"missing environment variables: {variable} " in errors[0]["message"]
    assert "SettingsError" in result.stderr.splitlines()[-1]


def test_given_the_stacks_variables_when_a_handler_is_imported_then_it_starts():
    result = _import_without("chat.handler", "NOT_A_VARIABLE")
    assert result.returncode == 0, result.stderr


def test_given_blank_or_missing_values_then_every_one_is_named_in_one_error():
    environ = {**FUNCTION_ENVIRONMENT, "TABLE_NAME": "  ", "GUARDRAIL_VERSION": ""}
    environ.pop("GUARDRAIL_ID")
    with pytest.raises(SettingsError, match=r"missing environment variables: GUARDRAIL_ID, GUARDRAIL_VERSION, TABLE_NAME \(ChatSettings\)"):
        load_settings(ChatSettings, environ)


def test_given_the_test_environment_then_the_rag_settings_read_it_with_the_admin_group_default():
    environ = {k: v for k, v in FUNCTION_ENVIRONMENT.items() if k != "ADMIN_GROUP"}
    settings = load_settings(RagSettings, environ)
    assert (settings.table_name, settings.documents_bucket, settings.admin_group) == ("conversations-test", "documents-test", "admin")
