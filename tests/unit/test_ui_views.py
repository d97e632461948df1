"""What the UI computes from the API's answers (no Streamlit, no network)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.constants import ADMIN_GROUP
from ui import views

CLAUDE = {
    "id": "c",
    "family": "anthropic",
    "max_output_tokens": 64000,
    "temperature_with_top_p": False,
    "max_stop_sequences": 4,
    "params": {"temperature": [0.0, 1.0], "top_p": [0.0, 1.0], "top_k": [1, 500]},
}
NOVA = {
    "id": "n",
    "family": "nova",
    "max_output_tokens": 5000,
    "temperature_with_top_p": True,
    "max_stop_sequences": 4,
    "params": {"temperature": [0.0, 1.0], "top_p": [0.0, 1.0], "top_k": [1, 128]},
}
NO_SAMPLING = {"temperature": None, "top_p": None, "top_k": None}
HAIKU_55: dict[str, Any] = {
    "id": "h",
    "name": "Claude Haiku 5.5",
    "family": "anthropic",
    "max_output_tokens": 128000,
    "max_tokens_ceiling": 1440,
    "temperature_with_top_p": False,
    "max_stop_sequences": 4,
    "params": NO_SAMPLING,
    "reasoning": {
        "efforts": ["low", "medium", "high", "xhigh", "max"],
        "thinking": "optional",
        "efforts_without_thinking": ["low", "medium", "high"],
    },
}
OPUS_55 = {**HAIKU_55, "reasoning": {**HAIKU_55["reasoning"], "thinking": "always", "efforts_without_thinking": []}}
NOVA_2 = {**NOVA, "reasoning": {"efforts": ["low", "medium"], "thinking": "optional", "efforts_without_thinking": []}}


def test_given_each_model_then_the_sliders_span_its_own_ranges():
    nova = {s.name: s for s in views.sliders(NOVA)}
    assert (nova["top_k"].low, nova["top_k"].high) == (1, 128)
    assert (nova["max_tokens"].high, nova["max_tokens"].default) == (5000, 2048)
    claude = {s.name: s for s in views.sliders(CLAUDE)}
    assert (claude["top_k"].high, claude["max_tokens"].high) == (500, 64000)


def test_given_a_max_tokens_ceiling_then_the_slider_stops_there_and_defaults_within_it():
    capped = {s.name: s for s in views.sliders({**CLAUDE, "max_tokens_ceiling": 1440})}
    assert (capped["max_tokens"].high, capped["max_tokens"].default) == (1440, 1440)


def test_given_a_streaming_route_then_max_tokens_goes_up_to_the_model_maximum_not_the_29_second_ceiling():
    streamed = {s.name: s for s in views.sliders({**CLAUDE, "max_tokens_ceiling": 1440}, streaming=True)}
    assert (streamed["max_tokens"].high, streamed["max_tokens"].default) == (64000, 2048)


def test_given_a_model_that_refuses_temperature_with_top_p_then_only_the_chosen_one_is_sent():
    values = {"temperature": 0.3, "top_p": 0.9, "top_k": 50, "max_tokens": 100}
    assert views.inference_params(values, CLAUDE, tune="top_p") == {"top_p": 0.9, "top_k": 50, "max_tokens": 100}
    assert "top_p" not in views.inference_params(values, CLAUDE, tune="temperature")
    assert views.inference_params(values, NOVA, stops=["끝"]) == {**values, "stop_sequences": ["끝"]}


def test_given_a_model_without_sampling_parameters_then_only_max_tokens_has_a_slider():
    assert [s.name for s in views.sliders(HAIKU_55)] == ["max_tokens"]


def test_given_each_reasoning_model_then_the_switch_and_effort_levels_follow_its_rules():
    assert (views.thinking_switch(HAIKU_55), views.thinking_switch(OPUS_55), views.thinking_switch(NOVA_2)) == ("toggle", "always", None)
    assert views.thinking_switch(CLAUDE) is None
    assert views.effort_options(CLAUDE, thinking=False) == []
    assert views.effort_options(HAIKU_55, thinking=False) == [views.MODEL_DEFAULT, "low", "medium", "high"]  # capped while off
    assert views.effort_options(HAIKU_55, thinking=True)[-2:] == ["xhigh", "max"]
    assert views.effort_options(OPUS_55, thinking=False)[-1] == "max"  # always thinks
    assert views.effort_options(NOVA_2, thinking=False) == [views.NO_THINKING, "low", "medium"]  # an effort turns it on


def test_given_thinking_and_an_effort_then_they_are_sent_and_sampling_is_not():
    values = {"temperature": 0.3, "max_tokens": 100}
    assert views.inference_params(values, HAIKU_55, effort="xhigh", thinking=True) == {
        "max_tokens": 100,
        "thinking": True,
        "effort": "xhigh",
    }
    assert views.inference_params(values, OPUS_55, effort=views.MODEL_DEFAULT, thinking=True) == {"max_tokens": 100}  # no switch to send
    assert views.inference_params({"max_tokens": 9}, NOVA_2, effort="low") == {"max_tokens": 9, "effort": "low"}
    assert views.inference_params({"max_tokens": 9}, NOVA_2, effort=views.NO_THINKING) == {"max_tokens": 9}


def test_given_stop_sequences_one_a_line_then_blank_lines_drop_and_the_limit_holds():
    assert views.stop_sequences("끝\n\n  \nEND\r\n", 4) == ["끝", "END"]
    with pytest.raises(ValueError, match="at most 2"):
        views.stop_sequences("a\nb\nc", 2)


def test_given_citations_then_each_number_links_to_its_document_and_unknown_ones_stay_text():
    citations: list[dict[str, Any]] = [{"number": 1, "url": "http://x/hr.md?sig=1"}, {"number": 2}]
    answer = views.linked_answer("재택 근무는 주 2일입니다 [1]. 예외는 [2], [9].", citations)
    assert answer == "재택 근무는 주 2일입니다 [\\[1\\]](http://x/hr.md?sig=1). 예외는 [2], [9]."
    assert views.citation_label({"number": 3, "source": {"name": "안내.pdf", "page": 2}}) == "[3] 안내.pdf, p. 2"


def test_given_a_chat_citation_of_a_text_file_then_its_label_says_which_characters_in_both_languages():
    from ui import wording

    cited = {"number": 1, "excerpt": "Lunch is at noon.", "source": {"name": "plan.txt", "key": "k", "page": None}}
    cited["location"] = {"type": "char", "start": 0, "end": 17}
    assert views.citation_label(cited) == "[1] plan.txt, characters 1–17"  # the CLI's line
    assert wording.citation_label(cited, "en") == "[1] plan.txt, characters 1–17"
    assert wording.citation_label(cited, "ko") == "[1] plan.txt, 1–17번째 글자"
    paged = {"number": 2, "source": {"name": "안내.pdf", "key": "k", "page": 3}, "location": {"type": "page", "start": 3, "end": 4}}
    assert (views.citation_label(paged), wording.citation_label(paged, "ko")) == ("[2] 안내.pdf, p. 3", "[2] 안내.pdf, 3쪽")


def test_given_the_stack_then_the_ui_admin_group_is_the_one_the_stack_creates():
    assert views.ADMIN_GROUP == ADMIN_GROUP
    assert views.claims_groups({"cognito:groups": ["admin"]}) == ["admin"]
    assert views.claims_groups({}) == []


def test_given_make_dev_or_cdk_deploy_outputs_then_the_client_reads_both(tmp_path):
    import json

    from ui.client import Outputs

    local = tmp_path / "local.json"
    local.write_text(
        json.dumps(
            {
                "ApiUrl": "http://127.0.0.1:3000/api/",
                "UserPoolClientId": "c",
                "Region": "us-west-2",
                "CognitoEndpoint": "http://127.0.0.1:5050",
                "UserPoolId": "p",
                "DemoUsers": [{"username": "a@example.com", "password": "pw", "admin": True}],
            }
        )
    )
    assert Outputs.load(local).demo_users == (("a@example.com", "pw"),)
    deployed = tmp_path / "deployed.json"
    stack = {
        "ApiUrl": "https://x.execute-api.ap-northeast-2.amazonaws.com/api/",
        "UserPoolClientId": "c2",
        "UserPoolId": "ap-northeast-2_x",
        "Region": "ap-northeast-2",
    }
    deployed.write_text(json.dumps({"BedrockGenAi": stack}))
    found = Outputs.load(deployed)
    assert (found.region, found.cognito_endpoint, found.user_pool_id) == ("ap-northeast-2", None, "ap-northeast-2_x")
    deployed.write_text(json.dumps({"A": {"ApiUrl": "u", "UserPoolClientId": "c", "Region": "r"}, "B": {"ApiUrl": "u"}}))
    with pytest.raises(ValueError, match="one stack"):
        Outputs.load(deployed)
