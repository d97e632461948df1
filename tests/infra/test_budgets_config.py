"""Config `budgets` (issue 14): validated at synth, rendered for the functions, the same maxima as the API's."""

from __future__ import annotations

import pytest

from common.runtime_config import RuntimeConfig
from infra import budgets as infra_budgets
from infra import config as infra_config
from infra.config import ConfigError, deep_merge, load_config
from infra.deployment import resolve, runtime_config_document
from tests.clock import TODAY
from tests.infra.conftest import cdk_context
from usage import models as api_models


def _load(budgets: dict) -> infra_config.AppConfig:
    context = cdk_context("dev")
    context["genai:config"] = deep_merge(context["genai:config"], {"budgets": budgets})
    return load_config(context)


@pytest.mark.parametrize(
    ("budgets", "key", "says"),
    [
        ({"time_zone": "Asia/Busan"}, "budgets.time_zone", "not an IANA time zone"),
        ({"time_zone": "../etc/passwd"}, "budgets.time_zone", "not an IANA time zone"),
        ({"default": {"tokens_per_day": -1}}, "budgets.default.tokens_per_day", "greater than or equal to 0"),
        ({"default": {"usd_per_month": 1e7}}, "budgets.default.usd_per_month", "less than or equal to 1000000"),
        ({"groups": {"users": {"tokens_per_day": 10**10}}}, "budgets.groups.users.tokens_per_day", "less than or equal to 1000000000"),
        ({"groups": {"users": {"usd_per_month": "20"}}}, "budgets.groups.users.usd_per_month", "valid number"),
        ({"daily_ceiling_usd": 0}, "budgets.daily_ceiling_usd", "greater than 0"),
        ({"default": {"tokens": 5}}, "budgets.default.tokens", "Extra inputs"),
        ({"groups": {"admin": {"unlimited": True, "tokens_per_day": 5}}}, "budgets.groups.admin", "unlimited: true takes no"),
        ({"groups": {"power users": {"tokens_per_day": 5}}}, "budgets.groups", "Cognito group name"),
    ],
)
def test_given_a_bad_budget_then_synth_fails_naming_the_key(budgets, key, says):
    with pytest.raises(ConfigError) as info:
        _load(budgets)
    assert key in str(info.value)
    assert says in str(info.value)


def test_given_the_default_config_then_the_functions_read_seoul_days_a_default_budget_and_unlimited_admins():
    rendered = runtime_config_document(resolve(_load({}), "us-west-2", TODAY))
    budgets = RuntimeConfig.model_validate(rendered).budgets
    assert budgets.time_zone == "Asia/Seoul"
    assert (budgets.default.tokens_per_day, budgets.default.usd_per_month) == (200_000, 20)
    assert budgets.groups["admin"].unlimited is True
    assert budgets.daily_ceiling_usd is None


def test_given_the_api_and_the_config_then_they_refuse_budgets_above_the_same_maxima():
    api = (api_models.MAX_TOKENS_PER_DAY, api_models.MAX_USD_PER_MONTH)
    assert api == (infra_budgets.MAX_TOKENS_PER_DAY, infra_budgets.MAX_USD_PER_MONTH)
