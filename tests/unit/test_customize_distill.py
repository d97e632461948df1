"""Distillation in the customize function, on its own (no AWS): the prompt format, the record limits and the
teacher/student pairs of the catalog.

Sources: https://docs.aws.amazon.com/bedrock/latest/userguide/distillation-prepare-datasets.html (prompts in
bedrock-conversation-2024, the assistant turn optional, single-turn for Meta Llama, at most 15K) and
https://docs.aws.amazon.com/bedrock/latest/userguide/prequisites-model-distillation.html (the pairs and Regions).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from common.errors import BadRequestError
from customize import dataset
from customize.customization_catalog import load_catalog
from tests.clock import TODAY

WEST = load_catalog()  # the unit tests' stack runs in us-west-2
EAST = WEST.model_copy(update={"region": "us-east-1"})
NOVA_MICRO = EAST.base("amazon.nova-micro-v1:0:128k")
NOVA_PRO = EAST.base("amazon.nova-pro-v1:0:300k")
LLAMA31_8B = WEST.base("meta.llama3-1-8b-instruct-v1:0:128k")


def _prompt(*turns: tuple[str, str], system: str | None = "하늘빛여행 상담원") -> dict:
    record: dict = {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": r, "content": [{"text": t}]} for r, t in turns]}
    if system:
        record["system"] = [{"text": system}]
    return record


def _lines(*records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def test_given_prompts_without_answers_then_distillation_accepts_them_and_fine_tuning_refuses_them():
    prompt = _prompt(("user", "예약을 취소하고 싶어요."))
    assert dataset.check(_lines(prompt), NOVA_MICRO, "DISTILLATION").problems == []
    (problem,) = dataset.check(_lines(prompt), NOVA_MICRO, "FINE_TUNING").problems
    assert problem["field"] == "messages"


def test_given_a_llama_student_then_prompts_are_conversations_with_one_user_turn_even_where_fine_tuning_is_prompt_completion():
    single = _prompt(("user", "환불은 언제 되나요?"), ("assistant", "3~5일 안에 들어와요."))
    multi = _prompt(("user", "환불은 언제 되나요?"), ("assistant", "3~5일이요."), ("user", "더 빨리는요?"))
    assert dataset.check(_lines(single), LLAMA31_8B, "DISTILLATION").problems == []
    (problem,) = dataset.check(_lines(multi), LLAMA31_8B, "DISTILLATION").problems
    assert (problem["line"], problem["field"]) == (1, "messages")
    assert "single-turn only (한 레코드에 질문 하나)" in problem["message"]
    assert dataset.check(_lines(multi), NOVA_MICRO, "DISTILLATION").problems == []  # Nova takes multi-turn prompts


def test_given_bad_prompt_records_then_each_is_listed_by_line_with_its_field():
    content = _lines(
        _prompt(("user", "좋아요")),
        _prompt(("assistant", "먼저 답해요")),  # 2: the first turn must be the user's
        {"schemaVersion": "bedrock-conversation-2024", "messages": []},  # 3: no prompt
        _prompt(("user", "User: 취소")),  # 4: a Nova reserved keyword
        {"prompt": "질문", "completion": "답"},  # 5: not the conversation format
        "{not json",  # 6
    )
    problems = dataset.check(content, NOVA_MICRO, "DISTILLATION").problems
    by_line = {p["line"]: p for p in problems}
    assert set(by_line) == {2, 3, 4, 5, 6}
    assert by_line[2]["field"] == "messages.0.role"
    assert "질문 필요" in by_line[3]["message"]
    assert "reserved keyword 'User:'" in by_line[4]["message"]
    assert "not valid JSON" in by_line[6]["message"]


def test_given_distillation_then_the_record_limits_are_100_to_15000_and_no_validation_set():
    rules = EAST.dataset_rules(NOVA_MICRO, "DISTILLATION")
    assert (rules.min_records, rules.max_records, rules.validation) == (100, 15000, False)
    assert EAST.dataset_rules(NOVA_MICRO, "FINE_TUNING").min_records == 8
    (few,) = dataset.count_problems(NOVA_MICRO, 30, 0, 0, rules)
    assert few["message"].endswith("needs at least 100 (최소 100개)")
    assert "at most 15,000" in dataset.count_problems(NOVA_MICRO, 15001, 0, 0, rules)[0]["message"]
    assert "takes no validation set" in dataset.count_problems(NOVA_MICRO, 90, 10, 0.1, rules)[0]["message"]
    assert "teacher's inference" in dataset.estimated_cost(NOVA_MICRO, 1000, 2, "DISTILLATION")["distillation"]


@pytest.mark.parametrize(
    ("catalog", "student", "teacher"),
    [
        (EAST, "amazon.nova-micro-v1:0:128k", "amazon.nova-pro-v1:0"),
        (EAST, "amazon.nova-lite-v1:0:300k", "amazon.nova-pro-v1:0"),
        (WEST, "meta.llama3-1-8b-instruct-v1:0:128k", "meta.llama3-1-70b-instruct-v1:0"),
        (WEST, "meta.llama3-1-8b-instruct-v1:0:128k", "us.meta.llama3-3-70b-instruct-v1:0"),  # Legacy: accepted, warned
    ],
)
def test_given_a_documented_pair_in_its_region_then_the_teacher_is_accepted_with_the_default_length(catalog, student, teacher):
    found, length = catalog.teacher(catalog.base(student), teacher, None, TODAY)
    assert (found.id, length) == (teacher, 1000)


@pytest.mark.parametrize(
    ("catalog", "student", "teacher"),
    [
        (EAST, "amazon.nova-pro-v1:0:300k", "amazon.nova-pro-v1:0"),  # Nova Pro teaches Lite and Micro, not itself
        (EAST, "amazon.nova-micro-v1:0:128k", "amazon.nova-premier-v1:0"),  # Premier: inference profile only
        (EAST, "amazon.nova-micro-v1:0:128k", "anthropic.claude-3-5-sonnet-20241022-v2:0"),  # no Anthropic distillation
        (WEST, "meta.llama3-3-70b-instruct-v1:0:128k", "meta.llama3-1-70b-instruct-v1:0"),  # 3.1 70B does not teach 3.3
        (WEST, "amazon.nova-micro-v1:0:128k", "amazon.nova-pro-v1:0"),  # the Nova pairs run in us-east-1 only
    ],
)
def test_given_an_undocumented_pair_then_400_names_the_teacher_field_and_the_allowed_teachers(catalog, student, teacher):
    with pytest.raises(BadRequestError) as raised:
        catalog.teacher(catalog.base(student), teacher, None, TODAY)
    (detail,) = raised.value.details
    assert detail["field"] == "distillation.teacher_model_id"
    assert "이 학생 모델의 교사 모델로 쓸 수 없습니다" in str(raised.value)
    assert teacher not in detail["allowed"]


def test_given_a_response_length_outside_the_teachers_bounds_then_400_names_the_field():
    assert EAST.teacher(NOVA_MICRO, "amazon.nova-pro-v1:0", 5000, TODAY)[1] == 5000
    for length in (0, 5001):
        with pytest.raises(BadRequestError) as raised:
            EAST.teacher(NOVA_MICRO, "amazon.nova-pro-v1:0", length, TODAY)
        assert raised.value.details[0]["field"] == "distillation.max_response_length"
    # Premier's maximum is not in the catalog: only the lower bound (a day it was Legacy, not yet retired)
    assert EAST.teacher(NOVA_PRO, "us.amazon.nova-premier-v1:0", 20000, date(2026, 9, 13))[1] == 20000
