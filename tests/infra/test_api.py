"""The REST API: routes, Cognito on every method, validation, throttling, errors, logs."""

from __future__ import annotations

import json

from infra.routes import ROUTES
from tests.infra.cfn import render


def _methods(synth):
    return synth.resources("AWS::ApiGateway::Method")


def _paths(synth) -> dict[str, str]:
    """Resource logical id -> full path."""
    resources = synth.resources("AWS::ApiGateway::Resource")
    paths: dict[str, str] = {}

    def path_of(logical_id: str) -> str:
        if logical_id not in resources:
            return ""
        props = resources[logical_id]["Properties"]
        parent = props["ParentId"]
        parent_id = parent.get("Ref")
        return f"{path_of(parent_id) if parent_id else ''}/{props['PathPart']}"

    for logical_id in resources:
        paths[logical_id] = path_of(logical_id)
    return paths


def _routes(synth) -> set[tuple[str, str]]:
    paths = _paths(synth)
    found = set()
    for method in _methods(synth).values():
        props = method["Properties"]
        if props["HttpMethod"] == "OPTIONS":
            continue
        resource = props["ResourceId"]
        found.add((props["HttpMethod"], paths[resource["Ref"]] if "Ref" in resource else "/"))
    return found


def test_given_template_when_methods_are_listed_then_they_are_exactly_the_published_routes(each_profile):
    assert _routes(each_profile) == {(r.method, r.path) for r in ROUTES}


def test_given_every_method_except_preflight_then_cognito_user_pools_authorizes_it(each_profile):
    methods = _methods(each_profile)
    assert methods
    for logical_id, method in methods.items():
        props = method["Properties"]
        if props["HttpMethod"] == "OPTIONS":
            assert props["AuthorizationType"] == "NONE", logical_id
        else:
            assert props["AuthorizationType"] == "COGNITO_USER_POOLS", logical_id
            assert "AuthorizerId" in props, logical_id
            assert "RequestValidatorId" in props, logical_id


def test_given_json_routes_then_a_body_model_is_required(dev):
    json_routes = {(r.method, r.path) for r in ROUTES if r.json_body}
    paths = _paths(dev)
    for method in _methods(dev).values():
        props = method["Properties"]
        key = (props["HttpMethod"], paths.get(props["ResourceId"].get("Ref", ""), "/"))
        assert ("RequestModels" in props) == (key in json_routes), key


def test_given_stage_then_throttling_tracing_metrics_and_json_access_logs(each_profile):
    config = each_profile.stack.deployment.config.api
    stage = next(iter(each_profile.resources("AWS::ApiGateway::Stage").values()))["Properties"]
    assert stage["TracingEnabled"] is True
    settings = stage["MethodSettings"][0]
    assert settings["ThrottlingRateLimit"] == config.throttle_rate
    assert settings["ThrottlingBurstLimit"] == config.throttle_burst
    assert settings["LoggingLevel"] == "ERROR"
    assert settings["DataTraceEnabled"] is False
    fields = json.loads(stage["AccessLogSetting"]["Format"])
    assert {"requestId", "status", "user", "latencyMs"} <= set(fields)
    assert stage["StageName"] == config.stage_name


def test_given_rest_api_then_regional(dev):
    api = next(iter(dev.resources("AWS::ApiGateway::RestApi").values()))["Properties"]
    assert api["EndpointConfiguration"]["Types"] == ["REGIONAL"]


def test_given_gateway_errors_then_json_body_with_cors_and_mapped_status(dev):
    responses = {r["Properties"]["ResponseType"]: r["Properties"] for r in dev.resources("AWS::ApiGateway::GatewayResponse").values()}
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "UNAUTHORIZED", "THROTTLED", "MISSING_AUTHENTICATION_TOKEN"} <= set(responses)
    assert responses["UNAUTHORIZED"]["StatusCode"] == "401"
    assert responses["THROTTLED"]["StatusCode"] == "429"
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"
    for props in responses.values():
        template = props["ResponseTemplates"]["application/json"]
        assert template.startswith('{"error": {"code": "$context.error.responseType", "message": $context.error.messageString}')
        assert props["ResponseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"] == "'http://localhost:8501'"


def test_given_the_stage_throttle_then_its_429_carries_retry_after_like_every_other_429(dev):
    responses = {r["Properties"]["ResponseType"]: r["Properties"] for r in dev.resources("AWS::ApiGateway::GatewayResponse").values()}
    assert responses["THROTTLED"]["ResponseParameters"]["gatewayresponse.header.Retry-After"] == "'1'"
    assert all("gatewayresponse.header.Retry-After" not in p["ResponseParameters"] for t, p in responses.items() if t != "THROTTLED")


def test_given_preflight_then_only_configured_origins(dev):
    options = [m["Properties"] for m in _methods(dev).values() if m["Properties"]["HttpMethod"] == "OPTIONS"]
    assert options
    headers = options[0]["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
    assert headers["method.response.header.Access-Control-Allow-Origin"] == "'http://localhost:8501'"


def test_given_prod_then_waf_protects_the_stage_and_dev_has_none(dev, prod):
    assert not dev.resources("AWS::WAFv2::WebACL")
    acl = next(iter(prod.resources("AWS::WAFv2::WebACL").values()))["Properties"]
    names = {rule["Name"] for rule in acl["Rules"]}
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "RateLimitPerIp"} <= names
    rate = next(r for r in acl["Rules"] if r["Name"] == "RateLimitPerIp")
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == prod.stack.deployment.config.features.waf.rate_limit_per_5_min
    association = next(iter(prod.resources("AWS::WAFv2::WebACLAssociation").values()))["Properties"]
    assert "/stages/" in render(association["ResourceArn"])
