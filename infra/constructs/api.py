"""The REST API: Cognito on every method, validation, throttling, JSON errors and access logs.

Stream routes (infra/routes.py `stream=True`) integrate with response streaming: `ResponseTransferMode.STREAM`
(CDK then calls the function with InvokeWithResponseStream, URI `2021-11-15/functions/<arn>/response-streaming-invocations`)
and a 15-minute integration timeout, the most a stream may last
(https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html ,
https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html). The authorizer,
validator and body model run before the integration, as on every other route. A function behind a STREAM
integration answers in the Lambda Web Adapter's response-stream mode, whose metadata prelude a BUFFERED integration
would pass on as the body (awslabs/aws-lambda-web-adapter issue 476): a function serves stream routes only.
"""

from __future__ import annotations

import json

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.config import Api as ApiConfig
from infra.constructs.functions import retention_days
from infra.routes import ROUTES, Route

# One error shape for everything the gateway answers itself (same as the functions' errors).
_ERROR_TEMPLATE = json.dumps(
    {"error": {"code": "$context.error.responseType", "message": "__MESSAGE__"}, "request_id": "$context.requestId"}
).replace('"__MESSAGE__"', "$context.error.messageString")

# The gateway's own answers, with the status each should carry.
_GATEWAY_RESPONSES: dict[apigw.ResponseType, str | None] = {
    apigw.ResponseType.DEFAULT_4_XX: None,
    apigw.ResponseType.DEFAULT_5_XX: None,
    apigw.ResponseType.UNAUTHORIZED: "401",
    apigw.ResponseType.ACCESS_DENIED: "403",
    apigw.ResponseType.BAD_REQUEST_BODY: "400",
    apigw.ResponseType.BAD_REQUEST_PARAMETERS: "400",
    apigw.ResponseType.REQUEST_TOO_LARGE: "413",
    apigw.ResponseType.THROTTLED: "429",
    # No resource matches: a REST API calls this a missing token; for this API it is an unknown route.
    apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN: "404",
}

# The stage's throttle is a token bucket refilled every second (api.throttle_rate per second): a client that waits
# a second finds tokens again. Every other 429 of this API carries Retry-After too (docs/openapi.json says so).
_EXTRA_HEADERS: dict[str, dict[str, str]] = {"THROTTLED": {"Retry-After": "'1'"}}

_ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "time": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "user": "$context.authorizer.claims.sub",
    "method": "$context.httpMethod",
    "resource": "$context.resourcePath",
    "status": "$context.status",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integration.latency",
    "responseLength": "$context.responseLength",
    "error": "$context.error.message",
    "wafStatus": "$context.waf.status",
    # Response streaming (response-streaming-troubleshoot.html): BUFFERED or STREAMED, and the time to the first byte.
    "responseTransferMode": "$context.integration.responseTransferMode",
    "timeToFirstContentMs": "$context.integration.timeToFirstContent",
}

STREAM_INTEGRATION_TIMEOUT = Duration.minutes(15)


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        config: ApiConfig,
        user_pool: cognito.IUserPool,
        handlers: dict[str, lambda_.IFunction],
        log_retention_days: int,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=retention_days(log_retention_days), removal_policy=removal_policy)
        self.rest_api = self._build_rest_api(name, config)
        self.authorizer = apigw.CognitoUserPoolsAuthorizer(self, "Authorizer", cognito_user_pools=[user_pool])
        self.validator = apigw.RequestValidator(
            self, "Validator", rest_api=self.rest_api, validate_request_body=True, validate_request_parameters=True
        )
        self.json_object_model = self.rest_api.add_model(
            "JsonObject",
            content_type="application/json",
            schema=apigw.JsonSchema(schema=apigw.JsonSchemaVersion.DRAFT4, type=apigw.JsonSchemaType.OBJECT, title="JsonObject"),
        )
        self._add_gateway_responses(config.cors_origins)
        self._add_routes(handlers)
        self.url = self.rest_api.url
        self.stage = self.rest_api.deployment_stage

    def _build_rest_api(self, name: str, config: ApiConfig) -> apigw.RestApi:
        cors = None
        if config.cors_origins:
            cors = apigw.CorsOptions(
                allow_origins=config.cors_origins,
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
            )
        return apigw.RestApi(
            self,
            "RestApi",
            rest_api_name=f"{name}-api",
            description="Bedrock GenAI backend: chat, RAG and images.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=True,  # access logs need the account-level API Gateway logging role
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,  # shared by every API in the account
            default_cors_preflight_options=cors,
            deploy_options=apigw.StageOptions(
                stage_name=config.stage_name,
                throttling_rate_limit=config.throttle_rate,
                throttling_burst_limit=config.throttle_burst,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.custom(json.dumps(_ACCESS_LOG_FIELDS)),
            ),
        )

    def _add_gateway_responses(self, origins: list[str]) -> None:
        headers = {"Content-Type": "'application/json'"}
        if origins:
            # One origin: name it. Several: echo the caller's (these bodies carry no data).
            headers["Access-Control-Allow-Origin"] = f"'{origins[0]}'" if len(origins) == 1 else "method.request.header.Origin"
        for response_type, status in _GATEWAY_RESPONSES.items():
            self.rest_api.add_gateway_response(
                f"Gateway{response_type.response_type}",
                type=response_type,
                status_code=status,
                response_headers={**headers, **_EXTRA_HEADERS.get(response_type.response_type, {})},
                templates={"application/json": _ERROR_TEMPLATE},
            )

    def _add_routes(self, handlers: dict[str, lambda_.IFunction]) -> None:
        streaming = stream_functions()
        integrations = {
            key: apigw.LambdaIntegration(
                fn,
                allow_test_invoke=False,
                response_transfer_mode=apigw.ResponseTransferMode.STREAM if key in streaming else None,
                timeout=STREAM_INTEGRATION_TIMEOUT if key in streaming else None,
            )
            for key, fn in handlers.items()
        }
        for route in ROUTES:
            resource = self.rest_api.root.resource_for_path(route.path)
            path_params = {f"method.request.path.{p.strip('{}+')}": True for p in route.path.split("/") if p.startswith("{")}
            resource.add_method(
                route.method,
                integrations[route.function],
                authorizer=self.authorizer,
                authorization_type=apigw.AuthorizationType.COGNITO,
                request_validator=self.validator,
                request_parameters=path_params or None,
                request_models={"application/json": self.json_object_model} if route.json_body else None,
            )


def stream_functions(routes: tuple[Route, ...] = ROUTES) -> set[str]:
    """The functions behind stream routes; one that would also serve a buffered route is refused."""
    streaming = {r.function for r in routes if r.stream}
    mixed = sorted(streaming & {r.function for r in routes if not r.stream})
    if mixed:
        raise ValueError(f"function(s) {', '.join(mixed)} would serve both stream and buffered routes; give the stream routes their own")
    return streaming
