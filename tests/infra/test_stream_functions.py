"""The streaming functions: Lambda Web Adapter layer, start script, environment, sizing, and least-privilege roles.

Adapter facts (infra/web_adapter.py): layer `arn:aws:lambda:${AWS::Region}:753240598075:layer:LambdaAdapterLayerArm64:25`
(v0.9.1), `AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap`, handler = the start script (mode 755), `AWS_LWA_INVOKE_MODE=
response_stream`. ConverseStream needs bedrock:InvokeModelWithResponseStream; a DynamoDB transaction's Put/Update
need PutItem/UpdateItem (transaction-apis-iam.html).
"""

from __future__ import annotations

import pytest

from common.settings import BY_FUNCTION, required_variables
from tests.infra.cfn import as_list, policy_statements, render

STREAMS = {
    "chat_stream": ("chat.stream:app", 512, ("core", "documents", "stream")),
    "rag_stream": ("rag.stream:app", 1024, ("core", "rag", "stream")),
}
SETTINGS = {"chat_stream": BY_FUNCTION["chat"], "rag_stream": BY_FUNCTION["rag"]}  # each serves its feature's settings
ADAPTER = "arn:aws:lambda:us-west-2:753240598075:layer:LambdaAdapterLayerArm64:25"
LOGS_AND_TRACES = {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"}
MODELS = {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}


def _function(synth, key: str) -> dict:
    return synth.json["Resources"][synth.stack.get_logical_id(synth.stack.functions.functions[key].node.default_child)]["Properties"]


def _statements(synth, key: str) -> list[dict]:
    role = synth.stack.get_logical_id(synth.stack.functions.functions[key].role.node.default_child)
    return policy_statements(synth.json["Resources"])[role]


def _actions(statements: list[dict]) -> set[str]:
    return {a for s in statements for a in as_list(s["Action"])}


def _resources(statements: list[dict], action: str) -> list[str]:
    return sorted(r for s in statements if action in as_list(s["Action"]) for r in as_list(s["Resource"]))


def _model_statements(statements: list[dict]) -> list[tuple]:
    found = [(tuple(as_list(s["Action"])), tuple(as_list(s["Resource"])), str(s.get("Condition"))) for s in statements]
    return sorted(f for f in found if set(f[0]) & MODELS)


@pytest.mark.parametrize("key", STREAMS)
def test_given_a_stream_function_then_the_adapter_runs_run_stream_sh_in_response_stream_mode(dev, key):
    app, memory, _ = STREAMS[key]
    props = _function(dev, key)
    assert props["Handler"] == "run_stream.sh"
    assert (props["Runtime"], props["Architectures"]) == ("python3.13", ["arm64"])
    env = props["Environment"]["Variables"]
    adapter_keys = ("AWS_LAMBDA_EXEC_WRAPPER", "AWS_LWA_INVOKE_MODE", "AWS_LWA_PORT", "AWS_LWA_READINESS_CHECK_PATH", "STREAM_APP")
    assert {k: env[k] for k in adapter_keys} == {
        "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
        "AWS_LWA_INVOKE_MODE": "response_stream",
        "AWS_LWA_PORT": "8080",
        "AWS_LWA_READINESS_CHECK_PATH": "/healthz",
        "STREAM_APP": app,
    }
    # The wrapper skips the Python bootstrap that puts the layers on sys.path (every LWA Python example sets it).
    assert env["PYTHONPATH"].split(":") == ["/var/task", "/opt/python", "/var/runtime"]
    assert (props["Timeout"], props["MemorySize"]) == (900, memory)


@pytest.mark.parametrize("key", STREAMS)
def test_given_a_stream_function_then_its_layers_are_its_features_the_stream_layer_and_the_adapter_last(dev, key):
    layers = {name: dev.stack.get_logical_id(layer.node.default_child) for name, layer in dev.stack.functions.layers.items()}
    refs = [render(layer) for layer in _function(dev, key)["Layers"]]
    assert refs == [f"<{layers[name]}>" for name in STREAMS[key][2]] + [ADAPTER]


@pytest.mark.parametrize("key", STREAMS)
def test_given_a_stream_function_then_the_stack_sets_every_variable_its_features_settings_require(dev, key):
    env = _function(dev, key)["Environment"]["Variables"]
    assert required_variables(SETTINGS[key]) <= set(env)


def test_given_every_function_then_only_the_stream_functions_run_the_adapter_the_others_keep_their_handlers(dev):
    adapted = set()
    for key in dev.stack.functions.functions:
        props = _function(dev, key)
        wrapped = "AWS_LAMBDA_EXEC_WRAPPER" in props["Environment"]["Variables"]
        assert wrapped == any("LambdaAdapterLayer" in str(layer) for layer in props["Layers"]), key
        assert wrapped == (props["Handler"] == "run_stream.sh"), key
        if wrapped:
            adapted.add(key)
        else:
            assert props["Handler"].endswith(".handler"), key
    assert adapted == set(STREAMS)


def test_given_snapstart_on_then_the_stream_functions_still_start_without_it(tmp_path):
    from tests.infra.conftest import cdk_context, synth

    context = cdk_context("dev")
    context["genai:profiles"]["dev"]["features"] = {"snapstart": True}
    result = synth(context, tmp_path)
    assert _function(result, "chat")["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    for key in STREAMS:
        assert "SnapStart" not in _function(result, key), key


def test_given_chat_stream_role_then_exactly_chats_models_guardrail_and_the_turn_writes_on_the_table(dev):
    statements = _statements(dev, "chat_stream")
    table = f"<{dev.stack.get_logical_id(dev.stack.conversations.table.node.default_child)}.Arn>"
    usage = f"<{dev.stack.get_logical_id(dev.stack.usage.table.node.default_child)}.Arn>"
    dynamodb = {"dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
    metering = {"dynamodb:UpdateItem", "dynamodb:BatchGetItem", "dynamodb:GetItem"}  # the usage table (infra/constructs/usage.py)
    files = {"s3:GetObject"}  # the turn's attached files, attachments/* only (tests/infra/test_attachments_infra.py)
    assert _actions(statements) == LOGS_AND_TRACES | MODELS | dynamodb | metering | files | {"bedrock:ApplyGuardrail"}
    for action in dynamodb | metering:
        expected = ([table] if action in dynamodb else []) + ([usage] if action in metering else [])
        assert sorted(_resources(statements, action)) == sorted(expected), action  # the tables only: no index, no wildcard
    assert _model_statements(statements) == _model_statements(_statements(dev, "chat"))
    assert _resources(statements, "bedrock:ApplyGuardrail") == _resources(_statements(dev, "chat"), "bedrock:ApplyGuardrail")


def test_given_rag_stream_role_then_rags_query_path_only_and_no_document_management(dev):
    statements = _statements(dev, "rag_stream")
    stack = dev.stack
    table = f"<{stack.get_logical_id(stack.conversations.table.node.default_child)}.Arn>"
    bucket = f"<{stack.get_logical_id(stack.knowledge_base.documents_bucket.node.default_child)}.Arn>"
    kb = f"<{stack.get_logical_id(stack.knowledge_base.knowledge_base)}.KnowledgeBaseArn>"
    usage = f"<{stack.get_logical_id(stack.usage.table.node.default_child)}.Arn>"
    query_path = {"bedrock:Retrieve", "s3:GetObject", "dynamodb:Query", "dynamodb:GetItem", "bedrock:ApplyGuardrail"}
    metering = {"dynamodb:UpdateItem", "dynamodb:BatchGetItem"}  # and GetItem: the usage table (infra/constructs/usage.py)
    assert _actions(statements) == LOGS_AND_TRACES | MODELS | query_path | metering
    assert _resources(statements, "bedrock:Retrieve") == [kb]
    assert _resources(statements, "s3:GetObject") == [f"{bucket}/documents/*"]  # presigned links to cited documents
    assert _resources(statements, "dynamodb:Query") == [table]
    assert sorted(_resources(statements, "dynamodb:GetItem")) == sorted([table, usage])
    assert _resources(statements, "dynamodb:UpdateItem") == _resources(statements, "dynamodb:BatchGetItem") == [usage]
    assert _model_statements(statements) == _model_statements(_statements(dev, "rag"))
    management = {
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:ListBucket",
        "bedrock:StartIngestionJob",
        "bedrock:GetIngestionJob",
        "bedrock:ListIngestionJobs",
    }
    assert management <= _actions(_statements(dev, "rag"))  # the buffered rag function manages documents ...
    assert not management & _actions(statements)  # ... its stream twin cannot


def test_given_the_stream_functions_then_each_has_its_own_role_and_log_group(dev):
    roles = {dev.stack.functions.functions[key].role for key in ("chat", "rag", "chat_stream", "rag_stream")}
    assert len(roles) == 4
    groups = [render(_function(dev, key)["LoggingConfig"]["LogGroup"]) for key in STREAMS]
    assert len(set(groups)) == 2
