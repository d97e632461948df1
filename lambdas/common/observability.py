"""Powertools Logger, Tracer and Metrics: one instance each, configured from the environment.

`tracer` is made when a module first imports it (the handlers do, for `@tracer.capture_lambda_handler`): Tracer()
imports the X-Ray SDK (~0.15 s of a cold start: its sampler builds botocore clients) and patches boto3. The streaming
functions' apps never import it. They run behind the Lambda Web Adapter, in a process of their own that never gets
the invocation's trace id: "XRay trace ID (_X_AMZN_TRACE_ID) is not set for the web apps. The web adapter and web app
are separate processes" (the adapter's maintainer, https://github.com/aws/aws-lambda-web-adapter/issues/312), so the
SDK could attach nothing to the invocation's trace there; the function's own segment is still recorded by Lambda.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger()
metrics = Metrics()


def __getattr__(name: str) -> Tracer:
    """`tracer`, made on first import (PEP 562: called only for names the module does not have yet)."""
    if name != "tracer":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    made = Tracer()
    globals()["tracer"] = made
    return made


# Names the dashboard charts (infra/constants.py uses the same ones).
INPUT_TOKENS = "InputTokens"
OUTPUT_TOKENS = "OutputTokens"
GUARDRAIL_INTERVENTIONS = "GuardrailInterventions"
MODEL_LATENCY = "ModelLatency"
ERRORS = "Errors"

MODEL_DIMENSION = "model_id"


def record_model_call(model_id: str, usage: dict[str, int], *, intervened: bool, latency_ms: float | None = None) -> None:
    """Tokens (and latency) per model, and guardrail interventions: what the dashboard charts."""
    metrics.add_dimension(name=MODEL_DIMENSION, value=model_id)
    metrics.add_metric(name=INPUT_TOKENS, unit=MetricUnit.Count, value=usage["input_tokens"])
    metrics.add_metric(name=OUTPUT_TOKENS, unit=MetricUnit.Count, value=usage["output_tokens"])
    if latency_ms is not None:
        metrics.add_metric(name=MODEL_LATENCY, unit=MetricUnit.Milliseconds, value=latency_ms)
    if intervened:
        metrics.add_metric(name=GUARDRAIL_INTERVENTIONS, unit=MetricUnit.Count, value=1)


__all__ = [
    "ERRORS",
    "GUARDRAIL_INTERVENTIONS",
    "INPUT_TOKENS",
    "MODEL_LATENCY",
    "OUTPUT_TOKENS",
    "MetricUnit",
    "logger",
    "metrics",
    "record_model_call",
]  # and `tracer`, made on first import (above)
