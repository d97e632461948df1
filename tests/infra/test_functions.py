"""Functions: runtime, architecture, layers, logs, environment; observability; outputs."""

from __future__ import annotations

import pytest

from common.settings import BY_FUNCTION, required_variables
from infra.constants import METRICS_NAMESPACE

FUNCTIONS = ("chat", "rag", "image", "ingest")


def _function(synth, key: str) -> dict:
    return synth.json["Resources"][synth.stack.get_logical_id(synth.stack.functions.functions[key].node.default_child)]["Properties"]


@pytest.mark.parametrize("key", FUNCTIONS)
def test_given_function_then_python_313_arm64_traced_with_powertools_environment(dev, key):
    props = _function(dev, key)
    assert props["Runtime"] == "python3.13"
    assert props["Architectures"] == ["arm64"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    env = props["Environment"]["Variables"]
    assert env["POWERTOOLS_SERVICE_NAME"] == key
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == METRICS_NAMESPACE
    assert env["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"


@pytest.mark.parametrize("key", FUNCTIONS)
def test_given_function_then_the_stack_sets_every_variable_its_settings_require_at_cold_start(dev, key):
    env = _function(dev, key)["Environment"]["Variables"]
    assert required_variables(BY_FUNCTION[key]) <= set(env), required_variables(BY_FUNCTION[key]) - set(env)


def test_given_layers_then_langchain_only_on_rag_c2pa_only_on_image_and_pypdf_only_on_chat(dev):
    layers = {name: dev.stack.get_logical_id(layer.node.default_child) for name, layer in dev.stack.functions.layers.items()}
    expected = {"chat": ["core", "documents"], "rag": ["core", "rag"], "image": ["core", "image"], "ingest": ["core"]}
    for key in FUNCTIONS:
        refs = [layer["Ref"] for layer in _function(dev, key)["Layers"]]
        assert refs == [layers[name] for name in expected[key]], key
    for key in ("chat", "image"):  # the stream layer (uvicorn, Starlette) is the stream functions' alone
        assert layers["stream"] not in [layer["Ref"] for layer in _function(dev, key)["Layers"]]
    for key in ("rag", "image", "ingest"):  # the documents layer (pypdf) is the chat functions' alone
        assert layers["documents"] not in [layer["Ref"] for layer in _function(dev, key)["Layers"]]
    for layer in dev.resources("AWS::Lambda::LayerVersion").values():
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


def test_given_one_code_asset_then_every_function_shares_it(dev):
    keys = {str(_function(dev, key)["Code"]["S3Key"]) for key in (*FUNCTIONS, "chat_stream", "rag_stream")}
    assert len(keys) == 1


@pytest.mark.parametrize(("profile", "days"), [("dev", 14), ("prod", 365)])
def test_given_profile_then_every_log_group_keeps_logs_for_its_retention(request, profile, days):
    synth = request.getfixturevalue(profile)
    groups = synth.resources("AWS::Logs::LogGroup")
    assert len(groups) == 9  # eight functions (customize and usage included) + API access logs
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == days


def test_given_api_functions_then_timeouts_fit_api_gateway(dev):
    for key in ("chat", "rag", "image", "customize"):
        assert _function(dev, key)["Timeout"] <= 29


def test_given_api_integrations_then_they_call_the_live_alias(dev):
    aliases = dev.resources("AWS::Lambda::Alias")
    assert {a["Properties"]["Name"] for a in aliases.values()} == {"live"}
    integrations = [
        m["Properties"]["Integration"]
        for m in dev.resources("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] != "OPTIONS"
    ]
    for integration in integrations:
        assert integration["Type"] == "AWS_PROXY"
        assert any(alias_id in str(integration["Uri"]) for alias_id in aliases)


def test_given_snapstart_feature_then_published_versions_are_snapshotted(tmp_path):
    from tests.infra.conftest import cdk_context, synth

    context = cdk_context("dev")
    context["genai:profiles"]["dev"]["features"] = {"snapstart": True}
    result = synth(context, tmp_path)
    assert _function(result, "chat")["SnapStart"] == {"ApplyOn": "PublishedVersions"}


def test_given_alarms_then_api_5xx_function_errors_and_dlq_notify_the_topic(dev):
    alarms = dev.resources("AWS::CloudWatch::Alarm")
    assert len(alarms) == 10  # API 5XX, one per function (streaming ones, customize and usage included), dead-letter queue
    topic = next(iter(dev.resources("AWS::SNS::Topic")))
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic}]
    names = " ".join(alarms)
    assert "Api5xxRate" in names
    assert "DeadLetterQueueNotEmpty" in names
    assert dev.resources("AWS::CloudWatch::Dashboard")


def test_given_alarm_email_then_subscribed(tmp_path):
    from tests.infra.conftest import cdk_context, synth

    context = cdk_context("dev")
    context["genai:profiles"]["dev"]["features"] = {"alarm_email": "ops@example.com"}
    result = synth(context, tmp_path)
    subscription = next(iter(result.resources("AWS::SNS::Subscription").values()))["Properties"]
    assert subscription["Protocol"] == "email"
    assert subscription["Endpoint"] == "ops@example.com"


def test_given_dashboard_then_it_charts_tokens_per_configured_model(dev):
    body = str(next(iter(dev.resources("AWS::CloudWatch::Dashboard").values()))["Properties"]["DashboardBody"])
    for model in dev.stack.deployment.text_models:
        assert model.requested_id in body
    assert "InputTokens" in body
    assert "GuardrailInterventions" in body


def test_given_stack_then_outputs_for_clients_and_operators(dev):
    outputs = set(dev.json["Outputs"])
    assert {
        "ApiUrl",
        "UserPoolId",
        "UserPoolClientId",
        "DocumentsBucketName",
        "KnowledgeBaseId",
        "DataSourceId",
        "GuardrailId",
        "GuardrailVersion",
        "Region",
    } <= outputs


def test_given_auth_then_strong_passwords_no_self_signup_and_srp_client_without_secret(dev):
    pool = next(iter(dev.resources("AWS::Cognito::UserPool").values()))["Properties"]
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    assert all(policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["MfaConfiguration"] == "OPTIONAL"
    client = next(iter(dev.resources("AWS::Cognito::UserPoolClient").values()))["Properties"]
    assert client["GenerateSecret"] is False
    assert set(client["ExplicitAuthFlows"]) >= {"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"}
    group = next(iter(dev.resources("AWS::Cognito::UserPoolGroup").values()))["Properties"]
    assert group["GroupName"] == "admin"
