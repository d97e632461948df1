"""The Lambda functions: one shared code asset, dependency layers, one role per function.

Layers are built locally with pip's platform options (never Docker): `core` (Powertools,
pydantic) for every function, `rag` (langchain-aws) for the RAG functions only, so chat and
image stay light, `documents` (pypdf) for the chat functions, `stream` (uvicorn, Starlette) for the
streaming functions, which also take the Lambda Web Adapter's layer (infra/web_adapter.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import web_adapter
from infra.bundling import LAMBDAS_DIR, code_asset, layer_code
from infra.config import FunctionSizing
from infra.constants import METRICS_NAMESPACE

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64


@dataclass(frozen=True)
class FunctionSpec:
    name: str  # also the Powertools service name
    handler: str
    sizing: FunctionSizing
    layers: tuple[str, ...]
    description: str
    # An ASGI app (module:attribute) served by the Lambda Web Adapter in response-stream mode; None: a Powertools handler.
    stream_app: str | None = None


class Functions(Construct):
    """Creates functions that share one code asset and pick their layers by name."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        runtime_config: dict[str, Any],
        log_retention_days: int,
        removal_policy: RemovalPolicy,
        snapstart: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        self._code = code_asset(runtime_config)
        self._retention = retention_days(log_retention_days)
        self._removal_policy = removal_policy
        self._snapstart = snapstart
        self.layers = {
            "core": self._layer("CoreLayer", "requirements.txt", "Powertools and pydantic for every function", no_deps=True),
            "rag": self._layer("RagLayer", "requirements-rag.txt", "langchain-aws for the RAG function", no_deps=False),
            "image": self._layer("ImageLayer", "requirements-image.txt", "c2pa-python for the image function", no_deps=False),
            "documents": self._layer("DocumentsLayer", "requirements-documents.txt", "pypdf for the chat functions", no_deps=False),
            "stream": self._layer("StreamLayer", "requirements-stream.txt", "uvicorn and Starlette for streaming", no_deps=False),
        }
        self.web_adapter = lambda_.LayerVersion.from_layer_version_arn(self, "WebAdapterLayer", web_adapter.layer_arn())
        self.functions: dict[str, lambda_.Function] = {}
        self.aliases: dict[str, lambda_.Alias] = {}
        self.roles: dict[str, iam.Role] = {}

    def _layer(self, construct_id: str, requirements: str, description: str, *, no_deps: bool) -> lambda_.LayerVersion:
        return lambda_.LayerVersion(
            self,
            construct_id,
            code=layer_code(LAMBDAS_DIR / requirements, no_deps=no_deps),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description=description,
            removal_policy=RemovalPolicy.DESTROY,
        )

    def add(self, spec: FunctionSpec, environment: dict[str, str], *, reserved_concurrency: int | None = None) -> lambda_.Alias:
        """A function with its own role and log group; callers integrate with the returned `live` alias."""
        scope = Construct(self, pascal_case(spec.name))
        log_group = logs.LogGroup(scope, "Logs", retention=self._retention, removal_policy=self._removal_policy)
        role = iam.Role(
            scope,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Least-privilege role of the {spec.name} function.",
        )
        log_group.grant_write(role)
        layers: list[lambda_.ILayerVersion] = [self.layers[name] for name in spec.layers]
        adapter_environment: dict[str, str] = {}
        if spec.stream_app is not None:
            layers.append(self.web_adapter)
            adapter_environment = web_adapter.environment(spec.stream_app)
        function = lambda_.Function(
            scope,
            "Function",
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=self._code,
            handler=spec.handler,
            layers=layers,
            memory_size=spec.sizing.memory_mb,
            timeout=Duration.seconds(spec.sizing.timeout_seconds),
            role=role,
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
            reserved_concurrent_executions=reserved_concurrency,
            # Never on a streaming function: infra/web_adapter.py says why.
            snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if self._snapstart and spec.stream_app is None else None,
            environment={
                "POWERTOOLS_SERVICE_NAME": spec.name,
                "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                "POWERTOOLS_LOG_LEVEL": "INFO",
                # Prompts and answers are user data: keep them out of X-Ray.
                "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
                "POWERTOOLS_TRACER_CAPTURE_ERROR": "false",
                **adapter_environment,
                **environment,
            },
        )
        alias = lambda_.Alias(scope, "Live", alias_name="live", version=function.current_version)
        self.functions[spec.name] = function
        self.aliases[spec.name] = alias
        self.roles[spec.name] = role
        return alias


def pascal_case(name: str) -> str:
    """A construct id from a function key: chat -> Chat, chat_stream -> ChatStream."""
    return "".join(part.capitalize() for part in name.split("_"))


_RETENTION_NAMES = {
    1: "ONE_DAY",
    3: "THREE_DAYS",
    5: "FIVE_DAYS",
    7: "ONE_WEEK",
    14: "TWO_WEEKS",
    30: "ONE_MONTH",
    60: "TWO_MONTHS",
    90: "THREE_MONTHS",
    120: "FOUR_MONTHS",
    150: "FIVE_MONTHS",
    180: "SIX_MONTHS",
    365: "ONE_YEAR",
    400: "THIRTEEN_MONTHS",
    545: "EIGHTEEN_MONTHS",
    731: "TWO_YEARS",
    1096: "THREE_YEARS",
    1827: "FIVE_YEARS",
    2192: "SIX_YEARS",
    2557: "SEVEN_YEARS",
    2922: "EIGHT_YEARS",
    3288: "NINE_YEARS",
    3653: "TEN_YEARS",
}


def retention_days(days: int) -> logs.RetentionDays:
    """The CloudWatch Logs retention enum for a number of days (config validates the allowed values)."""
    return logs.RetentionDays[_RETENTION_NAMES[days]]
