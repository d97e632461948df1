"""The names infra and the functions share must agree: env keys the stack sets, metrics the dashboard charts."""

from __future__ import annotations

from common import observability
from common.settings import BY_FUNCTION
from infra import constants


def test_given_the_env_keys_the_stack_sets_then_a_settings_model_reads_each_of_them():
    aliases = {field.alias for model in BY_FUNCTION.values() for field in model.model_fields.values()}
    stack_keys = {value for name, value in vars(constants).items() if name.startswith("ENV_")}
    assert stack_keys <= aliases, stack_keys - aliases


def test_given_the_dashboards_metric_names_then_the_functions_emit_the_same_ones():
    assert constants.METRIC_INPUT_TOKENS == observability.INPUT_TOKENS
    assert constants.METRIC_OUTPUT_TOKENS == observability.OUTPUT_TOKENS
    assert constants.METRIC_GUARDRAIL_INTERVENTIONS == observability.GUARDRAIL_INTERVENTIONS
    assert constants.METRIC_MODEL_LATENCY == observability.MODEL_LATENCY
    assert constants.DIMENSION_MODEL == observability.MODEL_DIMENSION
