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

__all__ = [
    "ERRORS",
    "GUARDRAIL_INTERVENTIONS",
    "INPUT_TOKENS",
    "MODEL_LATENCY",
    "OUTPUT_TOKENS",
    "MetricUnit",
    "logger",
    "metrics",
    "tracer",
]
