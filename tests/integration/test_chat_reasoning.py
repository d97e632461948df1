"""Thinking and effort through the real handlers and the strict offline Bedrock: each model's rules are 400s
naming the parameter, the request fields are the ones the AWS pages name, and the reasoning a model writes
before its answer is never returned or stored (chat, RAG, the image prompt translation)."""

from __future__ import annotations

import itertools
import json

import pytest

from common.errors import ValidationFailedError
from common.params import InferenceParams, converse_options
from image import handler as image_handler
from infra.catalog import Effort
from tests.events import FakeContext, rest_event
from tests.integration.test_chat import DEFAULT, HAIKU, call, chat, last_converse
from tests.integration.test_rag import ask, corpus  # noqa: F401  (fixture: the sample corpus, ingested)
from tests.unit.test_reasoning_params import SPECS

OPUS = "us.anthropic.claude-opus-5-5"  # the strong option: thinks always
NOVA_2 = "us.amazon.nova-2-lite-v1:0"
EFFORTS: tuple[Effort, ...] = ("low", "medium", "high", "xhigh", "max")


def refused(model_id: str, params: dict) -> dict[str, str]:
    status, body, _ = chat("hi", model_id=model_id, params=params)
    assert (status, body["error"]["code"]) == (400, "validation_error"), body
    return {d["field"]: d["message"] for d in body["error"]["details"]}


@pytest.mark.parametrize(
    ("model_id", "params", "field", "says"),
    [
        (HAIKU, {"effort": "low"}, "params.effort", "Claude Haiku 4.5 takes no effort setting"),
        (HAIKU, {"thinking": True}, "params.thinking", "Claude Haiku 4.5 cannot be asked to think"),
        (OPUS, {"thinking": False}, "params.thinking", "Claude Opus 5.5 always thinks"),
        (OPUS, {"thinking": False, "effort": "low"}, "params.thinking", "lower params.effort instead"),
        (DEFAULT, {"effort": "max"}, "params.effort", "with thinking off, Claude Haiku 5.5 takes effort low, medium, high"),
        (NOVA_2, {"effort": "high"}, "params.effort", "must be one of low, medium for Amazon Nova 2 Lite (high is not offered"),
        (NOVA_2, {"thinking": True}, "params.effort", "Amazon Nova 2 Lite needs an effort when it thinks"),
        (NOVA_2, {"thinking": False, "effort": "low"}, "params.effort", "an effort turns Amazon Nova 2 Lite's thinking on"),
        (DEFAULT, {"temperature": 0.2}, "params.temperature", "Claude Haiku 5.5 does not take temperature"),
        (OPUS, {"top_k": 5}, "params.top_k", "Claude Opus 5.5 does not take top_k"),
    ],
)
def test_given_a_parameter_the_model_cannot_take_then_400_naming_it_and_nothing_is_sent(sim, model_id, params, field, says):
    problems = refused(model_id, params)
    assert says in problems[field]
    assert not sim.recorded("Converse")


def test_given_an_effort_no_model_has_then_400_from_validation(sim):
    problems = refused(DEFAULT, {"effort": "extreme"})
    assert "'low', 'medium', 'high', 'xhigh' or 'max'" in problems["params.effort"]


def test_given_no_thinking_asked_then_haiku_5_5_is_told_not_to_think(sim):
    status, _, _ = chat("짧게 답해 주세요")
    assert status == 200
    sent = last_converse(sim)
    assert sent["additionalModelRequestFields"] == {"thinking": {"type": "disabled"}}  # it thinks by default otherwise
    assert "temperature" not in sent["inferenceConfig"]


@pytest.mark.parametrize(
    ("model_id", "params", "fields"),
    [
        (DEFAULT, {"thinking": True, "effort": "xhigh"}, {"thinking": {"type": "adaptive"}, "output_config": {"effort": "xhigh"}}),
        (DEFAULT, {"effort": "high"}, {"thinking": {"type": "disabled"}, "output_config": {"effort": "high"}}),
        (OPUS, {"effort": "low"}, {"thinking": {"type": "adaptive"}, "output_config": {"effort": "low"}}),
        (OPUS, {}, {"thinking": {"type": "adaptive"}}),
        (
            NOVA_2,
            {"effort": "medium", "top_k": 20},
            {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "medium"}, "inferenceConfig": {"topK": 20}},
        ),
    ],
)
def test_given_thinking_and_effort_then_the_request_fields_are_the_ones_aws_documents(sim, model_id, params, fields):
    status, body, _ = chat("생각해 보고 답해 주세요", model_id=model_id, params=params)
    assert status == 200, body
    sent = last_converse(sim)
    assert sent["additionalModelRequestFields"] == fields
    assert 0 < sent["inferenceConfig"]["maxTokens"] <= 2048  # thinking counts against the same max_tokens ceiling


@pytest.mark.parametrize("base", sorted(SPECS))
def test_given_any_parameters_this_api_accepts_then_the_offline_model_accepts_them_and_thinks_only_when_asked(runtime, base):
    """For every catalog model: what converse_options lets through, the strict simulator (each model's documented
    rules) accepts, and the model thinks exactly when the request asked or the model cannot stop."""
    model, sent = SPECS[base], 0
    for thinking, effort, temperature in itertools.product((None, True, False), (None, *EFFORTS), (None, 0.5)):
        try:
            options = converse_options(InferenceParams(thinking=thinking, effort=effort, temperature=temperature), model, 24)
        except ValidationFailedError:
            continue
        answer = runtime.converse(modelId=model.id, messages=[{"role": "user", "content": [{"text": "hi"}]}], **options)
        thinks = "reasoningContent" in answer["output"]["message"]["content"][0]
        always = model.reasoning is not None and model.reasoning.thinking == "always"
        assert thinks == (bool(thinking) or always or (model.family == "nova" and effort is not None)), (thinking, effort, temperature)
        sent += 1
    assert sent >= 2


@pytest.mark.parametrize(("model_id", "params"), [(OPUS, {}), (DEFAULT, {"thinking": True}), (NOVA_2, {"effort": "low"})])
def test_given_a_model_that_thinks_then_its_reasoning_is_neither_answered_nor_stored_nor_sent_back(sim, model_id, params):
    status, body, _ = chat("생각해 보고 답해 주세요", model_id=model_id, params=params, sub="thinker")
    assert status == 200
    reply = body["message"]["content"]
    assert "생각해 보고 답해 주세요" in reply
    assert "[offline reasoning]" not in reply
    assert "[REDACTED]" not in reply
    assert body["usage"]["output_tokens"] > 0  # reasoning tokens are billed output tokens
    conversation = body["conversation_id"]
    status, stored, _ = call("GET", f"/conversations/{conversation}", sub="thinker", resource="/conversations/{id}")
    assert status == 200
    assert [m["content"] for m in stored["messages"]][1] == reply  # the stored answer is the text alone
    chat("그리고요?", model_id=model_id, params=params, conversation_id=conversation, sub="thinker")
    history = last_converse(sim)["messages"]
    assert all("reasoningContent" not in block for m in history for block in m["content"])
    assert "[offline reasoning]" not in json.dumps(history, ensure_ascii=False)


def test_given_a_rag_question_with_thinking_then_the_answer_and_citations_leave_the_reasoning_out(corpus, sim):  # noqa: F811
    status, body = ask({"question": "How large may attachments be?", "params": {"thinking": True, "effort": "low"}})
    assert status == 200, body
    sent = sim.recorded("Converse")[-1]
    assert sent["additionalModelRequestFields"] == {"thinking": {"type": "adaptive"}, "output_config": {"effort": "low"}}
    assert "[offline reasoning]" not in body["answer"]
    assert body["citations"]
    status, body = ask({"question": "How large may attachments be?", "params": {"effort": "max"}})
    assert (status, body["error"]["details"][0]["field"]) == (400, "params.effort")


def test_given_a_korean_image_prompt_then_the_translation_follows_the_default_models_rules(sim):
    event = rest_event("POST", "/images", body={"prompt": "해질녘 바닷가의 등대, 수채화"}, sub="artist")
    response = image_handler.handler(event, FakeContext("image"))
    assert response["statusCode"] == 200, response["body"]
    translation = next(c for c in sim.recorded("Converse") if c["modelId"] == DEFAULT)
    assert "temperature" not in translation["inferenceConfig"]  # Claude 4.7+ and Haiku 5.5 take none
    assert translation["additionalModelRequestFields"] == {"thinking": {"type": "disabled"}}
    assert "[offline reasoning]" not in json.loads(response["body"])["prompt"]
