"""`make cost` (e): prompt caching's effect on a chat turn of the default model (infra/cost_caching.py)."""

from __future__ import annotations

import re

from infra.cost import load_cost_config
from infra.cost_caching import caching_lines


def test_given_the_default_config_then_later_turns_cost_less_and_the_first_more():
    lines = caching_lines(load_cost_config({}))
    ratios = [float(r) for r in re.findall(r"\((\d+\.\d+)x", lines[1])]
    assert ratios[0] > 1  # turn 1 writes the system prompt at 1.25x the input rate
    assert ratios[1] < 0.6  # later turns read it at 0.1x; the full window (4,100 tokens) and the output stay
    assert "minimum 4,096 tokens a checkpoint" in lines[2]


def test_given_caching_off_or_a_model_without_it_then_no_saving_is_claimed():
    config = load_cost_config({})
    off = config.model_copy(update={"prompt_caching": config.prompt_caching.model_copy(update={"enabled": False})})
    assert "off" in caching_lines(off)[1]
    models = config.models.model_copy(update={"chat": config.models.chat.model_copy(update={"default": "us.amazon.nova-2-lite-v1:0"})})
    assert "no cache point" in caching_lines(config.model_copy(update={"models": models}))[1]
