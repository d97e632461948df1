"""The dataset checks and hyperparameter rules of the customize function, on their own (no AWS)."""

from __future__ import annotations

import json

import pytest

from common.errors import ValidationFailedError
from customize import dataset, hyperparams
from customize.customization_catalog import load_catalog

CATALOG = load_catalog()
NOVA = CATALOG.base("amazon.nova-micro-v1:0:128k")
HAIKU = CATALOG.base("anthropic.claude-3-haiku-20240307-v1:0:200k")
LLAMA31 = CATALOG.base("meta.llama3-1-8b-instruct-v1:0:128k")
LLAMA33 = CATALOG.base("meta.llama3-3-70b-instruct-v1:0:128k")


def _conversation(*turns: tuple[str, str], system: list | None = None) -> dict:
    record: dict = {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": r, "content": [{"text": t}]} for r, t in turns]}
    if system is not None:
        record["system"] = system
    return record


def _lines(*records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def test_given_korean_text_then_each_hangul_syllable_counts_a_token_and_ascii_six_characters_a_token():
    assert dataset.estimate_tokens("안녕하세요") == 5
    assert dataset.estimate_tokens("abcdefghijkl") == 2
    assert dataset.estimate_tokens("예약 OK") == 2 + 1  # two syllables; " OK" is three characters: one token


def test_given_crlf_lines_and_a_final_newline_then_lines_are_numbered_as_editors_show_them():
    good = _conversation(("user", "질문"), ("assistant", "답변"))
    content = json.dumps(good, ensure_ascii=False) + "\r\n" + "{broken\r\n"
    checked = dataset.check(content, NOVA, "FINE_TUNING")
    assert len(checked.records) == 1
    assert [(p["line"], p["message"].split(":")[0]) for p in checked.problems] == [(2, "not valid JSON")]


def test_given_the_claude_format_then_string_content_is_required_and_the_conversation_format_is_refused():
    claude = {"system": "상담원", "messages": [{"role": "user", "content": "질문"}, {"role": "assistant", "content": "답변"}]}
    assert dataset.check(_lines(claude), HAIKU, "FINE_TUNING").problems == []
    problems = dataset.check(_lines(_conversation(("user", "질문"), ("assistant", "답변"))), HAIKU, "FINE_TUNING").problems
    assert {p["field"] for p in problems} >= {"schemaVersion", "messages.0.content"}


def test_given_llama_formats_then_prompt_completion_for_3_1_and_one_system_block_for_3_3():
    assert dataset.check(_lines({"prompt": "질문", "completion": "답변"}), LLAMA31, "FINE_TUNING").problems == []
    (problem,) = dataset.check(_lines({"prompt": "질문"}), LLAMA31, "FINE_TUNING").problems
    assert problem["field"] == "completion"
    two = _conversation(("user", "q"), ("assistant", "a"), system=[{"text": "one"}, {"text": "two"}])
    assert dataset.check(_lines(two), LLAMA33, "FINE_TUNING").problems[0]["message"] == "at most 1 system block(s) for this model"
    assert dataset.check(_lines(two), NOVA, "FINE_TUNING").problems == []


def test_given_continued_pre_training_records_then_only_an_input_field():
    assert dataset.check(_lines({"input": "AWS는 아마존 웹 서비스입니다"}), NOVA, "CONTINUED_PRE_TRAINING").problems == []
    assert dataset.check(_lines({"input": "x", "label": "y"}), NOVA, "CONTINUED_PRE_TRAINING").problems[0]["field"] == "input"


def test_given_a_record_over_the_models_token_limit_then_it_is_named_by_line():
    long = _conversation(("user", "질문"), ("assistant", "가" * 16_001))
    (problem,) = dataset.check(_lines(long), LLAMA33, "FINE_TUNING").problems
    assert (problem["line"], "over the 16,000-token limit" in problem["message"]) == (1, True)


def test_given_more_than_200_problems_then_200_are_listed_and_all_are_counted():
    checked = dataset.check("x\n" * 250, NOVA, "FINE_TUNING")
    assert (len(checked.problems), checked.problem_count) == (200, 250)


def test_given_a_split_then_the_last_share_is_the_validation_set_and_a_model_without_one_refuses_it():
    records = [{"n": i} for i in range(10)]
    assert dataset.split(records, 0.2) == (records[:8], records[8:])
    assert dataset.split(records, 0.01) == (records[:9], records[9:])  # at least one when asked
    assert dataset.split(records, 0) == (records, [])
    nova2 = CATALOG.base("amazon.nova-2-lite-v1:0:256k")
    (problem,) = dataset.count_problems(nova2, 199, 1, 0.1)
    assert problem["message"].startswith("Amazon Nova 2 Lite takes no validation set")
    assert dataset.count_problems(HAIKU, 31, 0, 0)[0]["message"].endswith("needs at least 32 (최소 32개)")
    assert "at most 1,000" in dataset.count_problems(HAIKU, 8000, 1001, 0.2)[0]["message"]


def test_given_nova_2_lite_then_fine_tuning_needs_200_records_as_aws_validation_script_says():
    """nova_ft_dataset_validator.py (aws-samples/amazon-nova-samples, the script the Nova 2 guide's "Validation tools"
    names): NOVA_2_0_LITE_SAMPLE_BOUNDS SFT (200, 20000); Nova 1 models stay at (8, 20000)."""
    nova2 = CATALOG.base("amazon.nova-2-lite-v1:0:256k")
    (problem,) = dataset.count_problems(nova2, 199, 0, 0)
    assert problem["message"] == "199 valid records: Amazon Nova 2 Lite needs at least 200 (최소 200개)"
    assert dataset.count_problems(nova2, 200, 0, 0) == []
    assert dataset.count_problems(NOVA, 8, 0, 0) == []


def test_given_a_price_then_the_estimate_is_tokens_times_epochs_and_without_one_it_says_so():
    assert dataset.estimated_cost(NOVA, 50_000, 2)["usd"] == 0.1
    cost = dataset.estimated_cost(LLAMA33, 50_000, 2)
    assert (cost["usd"], cost["note"]) == (None, "no training price in the catalog for this model: not estimated")


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"epochCount": 0}, "hyperparameters.epochCount", "between 1 and 5"),
        ({"epochCount": 2.5}, "hyperparameters.epochCount", "an integer"),
        ({"epochCount": True}, "hyperparameters.epochCount", "an integer"),
        ({"learningRate": 0.01}, "hyperparameters.learningRate", "between 1e-06 and 0.0001"),
        ({"learningRateWarmupSteps": 101}, "hyperparameters.learningRateWarmupSteps", "between 0 and 100"),
        ({"batchSize": 8}, "hyperparameters.batchSize", "takes no batchSize"),
    ],
)
def test_given_nova_hyperparameters_out_of_range_then_400_names_the_field(values, field, words):
    with pytest.raises(ValidationFailedError) as raised:
        hyperparams.checked(values, CATALOG.hyperparameter_set(NOVA), NOVA.name)
    (detail,) = raised.value.details
    assert detail["field"] == field
    assert words in detail["message"]


def test_given_valid_hyperparameters_then_strings_as_bedrock_wants_and_the_epochs_for_the_cost():
    sent = hyperparams.checked({"epochCount": 3, "learningRate": 0.00002}, CATALOG.hyperparameter_set(NOVA), NOVA.name)
    assert sent == {"epochCount": "3", "learningRate": "2e-05"}
    assert hyperparams.epochs(sent, CATALOG.hyperparameter_set(NOVA)) == 3
    assert hyperparams.epochs({}, CATALOG.hyperparameter_set(LLAMA33)) == 5  # Llama's default epochCount


def test_given_nova_warm_up_steps_up_to_100_then_they_are_sent_as_the_bedrock_page_allows():
    """cm-hp-nova-mm.html: learningRateWarmupSteps 0-100 (the Nova guide's older revision said 20; its current one has
    no table), so 21-100 are no longer refused."""
    nova = CATALOG.hyperparameter_set(NOVA)
    assert hyperparams.checked({"learningRateWarmupSteps": 100}, nova, NOVA.name) == {"learningRateWarmupSteps": "100"}
    assert hyperparams.checked({"learningRateWarmupSteps": 21}, nova, NOVA.name) == {"learningRateWarmupSteps": "21"}
