"""Config `attachments.citations` is validated at synth and the runtime config carries it to the chat functions."""

from __future__ import annotations

import json

import pytest

from common.runtime_config import RuntimeConfig
from infra.config import ConfigError, load_config
from infra.deployment import resolve, runtime_config_document
from tests.clock import TODAY
from tests.infra.conftest import cdk_context


def test_given_defaults_then_citations_are_on_in_the_runtime_config():
    document = runtime_config_document(resolve(load_config(cdk_context("dev")), "us-west-2", TODAY))
    assert document["attachments"]["citations"] == "on"
    assert RuntimeConfig.model_validate(document).attachments.citations == "on"


@pytest.mark.parametrize("value", ["on", "off", "buffered-only"])
def test_given_a_citations_value_in_an_override_file_then_the_chat_functions_read_it(tmp_path, value):
    override = tmp_path / "override.json"
    override.write_text(json.dumps({"attachments": {"citations": value}}), encoding="utf-8")
    document = runtime_config_document(resolve(load_config(cdk_context("prod", config=str(override))), "us-west-2", TODAY))
    assert RuntimeConfig.model_validate(document).attachments.citations == value


@pytest.mark.parametrize("bad", ["stream-only", "OFF", False, True, None, ""])
def test_given_a_bad_citations_value_then_a_config_error_names_the_key_and_the_values(bad):
    context = cdk_context("dev")
    context["genai:config"]["attachments"] = {"citations": bad}
    with pytest.raises(ConfigError, match=r"attachments\.citations: Input should be 'on', 'off' or 'buffered-only'"):
        load_config(context)
