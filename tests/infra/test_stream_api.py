"""The streaming routes on the one REST API: STREAM integrations, the same authorizer and validation, access logs.

Facts (cited in infra/constructs/api.py): response streaming is the integration's `ResponseTransferMode: STREAM`;
API Gateway then calls InvokeWithResponseStream, URI `.../2021-11-15/functions/<arn>/response-streaming-invocations`
(response-transfer-mode-lambda.html); a stream may last 15 minutes (response-transfer-mode.html); the operation
needs lambda:InvokeFunction (API_InvokeWithResponseStream.html); the stage's access logs can carry
`$context.integration.responseTransferMode` and `$context.integration.timeToFirstContent`
(response-streaming-troubleshoot.html).
"""

from __future__ import annotations

import json

import pytest

from infra.routes import ROUTES, Route
from tests.infra.cfn import render
from tests.infra.test_api import _paths

STREAM_ROUTES = {("POST", "/chat/stream"): "chat_stream", ("POST", "/rag/query/stream"): "rag_stream"}


def _methods_by_route(synth) -> dict[tuple[str, str], dict]:
    paths = _paths(synth)
    found = {}
    for method in synth.resources("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        if props["HttpMethod"] != "OPTIONS":
            found[(props["HttpMethod"], paths[props["ResourceId"]["Ref"]])] = props
    return found


def _alias_id(synth, key: str) -> str:
    return synth.stack.get_logical_id(synth.stack.functions.aliases[key].node.default_child)


def test_given_the_route_table_then_it_publishes_the_two_stream_routes_and_the_buffered_stop_route():
    assert {(r.method, r.path): r.function for r in ROUTES if r.stream} == STREAM_ROUTES
    stop = next(r for r in ROUTES if r.path == "/streams/{id}/stop")
    assert (stop.method, stop.function, stop.stream, stop.json_body) == ("POST", "chat", False, False)


@pytest.mark.parametrize(("route", "function"), STREAM_ROUTES.items())
def test_given_a_stream_route_then_it_streams_from_its_own_function_for_up_to_15_minutes(each_profile, route, function):
    integration = _methods_by_route(each_profile)[route]["Integration"]
    assert integration["Type"] == "AWS_PROXY"
    assert integration["ResponseTransferMode"] == "STREAM"
    assert integration["TimeoutInMillis"] == 900_000
    uri = render(integration["Uri"])
    assert "/2021-11-15/functions/" in uri
    assert uri.endswith("/response-streaming-invocations")
    assert f"<{_alias_id(each_profile, function)}>" in uri  # the live alias of the stream function


def test_given_the_methods_then_only_the_stream_routes_stream_and_the_others_keep_the_buffered_invocation(dev):
    methods = _methods_by_route(dev)
    streamed = {route for route, props in methods.items() if "ResponseTransferMode" in props["Integration"]}
    assert streamed == set(STREAM_ROUTES)
    for route, props in methods.items():
        if route in STREAM_ROUTES:
            continue
        integration = props["Integration"]
        assert "ResponseTransferMode" not in integration, route  # BUFFERED, the default
        assert "TimeoutInMillis" not in integration, route  # 29 s
        assert "/2015-03-31/functions/" in render(integration["Uri"]), route


@pytest.mark.parametrize("route", STREAM_ROUTES)
def test_given_a_stream_route_then_the_cognito_authorizer_validator_and_json_model_guard_it_like_post_chat(dev, route):
    methods = _methods_by_route(dev)
    stream, chat = methods[route], methods[("POST", "/chat")]
    assert stream["AuthorizationType"] == "COGNITO_USER_POOLS"
    assert stream["AuthorizerId"] == {"Ref": dev.stack.get_logical_id(dev.stack.api.authorizer.node.default_child)}
    assert stream["AuthorizerId"] == chat["AuthorizerId"]
    assert stream["RequestValidatorId"] == chat["RequestValidatorId"]
    model = dev.stack.get_logical_id(dev.stack.api.json_object_model.node.default_child)
    assert stream["RequestModels"] == chat["RequestModels"] == {"application/json": {"Ref": model}}


@pytest.mark.parametrize(("route", "function"), STREAM_ROUTES.items())
def test_given_a_stream_route_then_api_gateway_may_invoke_its_alias_with_lambda_invoke_function(dev, route, function):
    permissions = [
        p["Properties"]
        for p in dev.resources("AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == {"Ref": _alias_id(dev, function)}
    ]
    assert [p["Action"] for p in permissions] == ["lambda:InvokeFunction"]
    assert render(permissions[0]["SourceArn"]).endswith(f"/{route[0]}{route[1]}")


def test_given_the_stop_route_then_it_is_a_buffered_chat_route_with_its_id_required(dev):
    props = _methods_by_route(dev)[("POST", "/streams/{id}/stop")]
    assert props["RequestParameters"] == {"method.request.path.id": True}
    assert "ResponseTransferMode" not in props["Integration"]
    assert f"<{_alias_id(dev, 'chat')}>" in render(props["Integration"]["Uri"])
    assert props["AuthorizationType"] == "COGNITO_USER_POOLS"


def test_given_the_stage_then_access_logs_record_the_transfer_mode_and_the_time_to_first_content(each_profile):
    stage = next(iter(each_profile.resources("AWS::ApiGateway::Stage").values()))["Properties"]
    fields = json.loads(stage["AccessLogSetting"]["Format"])
    assert fields["responseTransferMode"] == "$context.integration.responseTransferMode"
    assert fields["timeToFirstContentMs"] == "$context.integration.timeToFirstContent"


def test_given_a_function_with_stream_and_buffered_routes_then_the_api_refuses_it():
    """A response-stream function answers a BUFFERED integration with its metadata prelude in the body (LWA issue 476)."""
    from infra.constructs.api import stream_functions

    mixed = (*ROUTES, Route("GET", "/chat/stream/help", "chat_stream"))
    with pytest.raises(ValueError, match=r"chat_stream would serve both stream and buffered routes"):
        stream_functions(mixed)
    assert stream_functions(ROUTES) == {"chat_stream", "rag_stream"}
