"""Powertools Logger, Tracer and Metrics: one instance each, configured from the environment."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger()
tracer = Tracer()
metrics = Metrics()

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
    "tracer",
]
