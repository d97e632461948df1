"""The customization catalog's model lifecycle, on its own (no AWS), on the suite's fixed date (tests/clock.py): a base
model or teacher past its Bedrock end of life is refused with its date and left out of the catalog; a Legacy one is
offered with a warning.

Dates (infra/catalog/customizable.json `lifecycle`, each with its source; docs/customization.md#model-lifecycle):
Nova Premier EOL 2026-09-14 (https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-amazon-nova-premier.html),
Claude 3 Haiku EOL 2026-09-10 in us-west-2 (model-card-anthropic-claude-3-haiku.html), Llama 3.3 70B Legacy, EOL
2027-03-30 (model-card-meta-llama-3-3-70b-instruct.html), Llama 3.1 405B and Llama 3.2 EOL 2026-07-07 (second-hand).
"""

from __future__ import annotations

from datetime import date

import pytest

from common.errors import BadRequestError, ModelRetiredError
from customize.customization_catalog import load_catalog
from tests.clock import TODAY

WEST = load_catalog()  # the unit tests' stack runs in us-west-2
EAST = WEST.model_copy(update={"region": "us-east-1"})
PREMIER = "us.amazon.nova-premier-v1:0"
HAIKU = WEST.base("anthropic.claude-3-haiku-20240307-v1:0:200k")
LLAMA33 = WEST.base("meta.llama3-3-70b-instruct-v1:0:128k")
LLAMA31_8B = WEST.base("meta.llama3-1-8b-instruct-v1:0:128k")


def test_given_nova_premier_as_teacher_past_its_end_of_life_then_400_names_it_and_the_date_in_english_and_korean():
    with pytest.raises(ModelRetiredError) as raised:
        EAST.teacher(EAST.base("amazon.nova-micro-v1:0:128k"), PREMIER, None, TODAY)
    error = raised.value
    assert (error.status, error.code) == (400, "model_end_of_life")
    assert f"Amazon Nova Premier ({PREMIER}) reached its Bedrock end of life on 2026-09-14" in error.message
    assert "2026-09-14에 Bedrock 지원이 종료(EOL)되어 교사 모델로 쓸 수 없습니다" in error.message
    (detail,) = error.details
    assert (detail["field"], detail["end_of_life"]) == ("distillation.teacher_model_id", "2026-09-14")
    assert detail["source"].startswith("https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-amazon-nova-premier.html")
    day_before = date(2026, 9, 13)  # still Legacy then: accepted, with a warning
    teacher, _ = EAST.teacher(EAST.base("amazon.nova-micro-v1:0:128k"), PREMIER, None, day_before)
    (warning,) = EAST.warnings(EAST.base("amazon.nova-micro-v1:0:128k"), teacher, day_before)
    assert "Amazon Nova Premier (us.amazon.nova-premier-v1:0), the teacher, is a Legacy Bedrock model (end of life 2026-09-14)" in warning


def test_given_a_base_model_past_its_end_of_life_then_validate_and_start_refuse_it_with_the_date():
    with pytest.raises(ModelRetiredError) as raised:
        WEST.check_pair(HAIKU, "FINE_TUNING", TODAY)
    assert "Anthropic Claude 3 Haiku (anthropic.claude-3-haiku-20240307-v1:0:200k) reached its Bedrock end of life on 2026-09-10" in str(
        raised.value
    )
    assert "2026-09-10에 Bedrock 지원이 종료(EOL)되어 기본 모델로 쓸 수 없습니다" in str(raised.value)
    assert raised.value.details[0]["field"] == "base_model_id"
    WEST.check_pair(HAIKU, "FINE_TUNING", date(2026, 9, 9))  # the day before: Legacy, still offered
    with pytest.raises(ModelRetiredError):
        WEST.check_pair(WEST.base("meta.llama3-2-3b-instruct-v1:0:128k"), "FINE_TUNING", TODAY)


def test_given_a_legacy_base_model_or_teacher_then_it_is_offered_with_one_warning_line_each():
    WEST.check_pair(LLAMA33, "FINE_TUNING", TODAY)  # no refusal
    (warning,) = WEST.warnings(LLAMA33, None, TODAY)
    assert warning.startswith(f"Meta Llama 3.3 70B Instruct ({LLAMA33.id}), the base model, is a Legacy Bedrock model")
    assert "(end of life 2027-03-30): Bedrock may refuse it to accounts that have not used it recently" in warning
    assert "지원 종료 예정(Legacy) 기본 모델입니다(종료일 2027-03-30)" in warning
    teacher, _ = WEST.teacher(LLAMA31_8B, "us.meta.llama3-3-70b-instruct-v1:0", None, TODAY)
    (teacher_warning,) = WEST.warnings(LLAMA31_8B, teacher, TODAY)  # Llama 3.1 8B itself is Active
    assert "the teacher, is a Legacy Bedrock model" in teacher_warning
    assert WEST.warnings(WEST.base("meta.llama3-1-70b-instruct-v1:0:128k"), None, TODAY) == []


def test_given_a_student_whose_every_teacher_is_retired_then_distillation_is_refused_and_not_offered():
    nova_pro = EAST.base("amazon.nova-pro-v1:0:300k")  # taught by Nova Premier only
    with pytest.raises(BadRequestError, match="every documented teacher of Amazon Nova Pro in us-east-1 is past its Bedrock end of life"):
        EAST.check_pair(nova_pro, "DISTILLATION", TODAY)
    row = next(m for m in EAST.listing(TODAY)["base_models"] if m["id"] == nova_pro.id)
    assert row["available_here"] == {"FINE_TUNING": True, "DISTILLATION": False}
    assert row["teachers"] == []


def test_given_the_catalog_listing_then_models_past_their_end_of_life_are_left_out_and_legacy_ones_marked():
    west, east = WEST.listing(TODAY), EAST.listing(TODAY)
    ids = [m["id"] for m in west["base_models"]]
    assert "anthropic.claude-3-haiku-20240307-v1:0:200k" not in ids
    assert "meta.llama3-2-3b-instruct-v1:0:128k" not in ids
    assert len(ids) == len(WEST.base_models) - 2
    assert [t["id"] for t in east["distillation"]["teachers"]] == [
        "amazon.nova-pro-v1:0",
        "meta.llama3-1-70b-instruct-v1:0",
        "us.meta.llama3-3-70b-instruct-v1:0",
    ]
    micro = next(m for m in east["base_models"] if m["id"] == "amazon.nova-micro-v1:0:128k")
    assert [t["id"] for t in micro["teachers"]] == ["amazon.nova-pro-v1:0"]
    llama33 = next(m for m in west["base_models"] if m["id"] == LLAMA33.id)
    assert llama33["lifecycle"]["status"] == "LEGACY"
    assert llama33["lifecycle"]["end_of_life"] == "2027-03-30"
    assert "Legacy Bedrock model" in llama33["lifecycle"]["warning"]
    llama8 = next(m for m in west["base_models"] if m["id"] == LLAMA31_8B.id)
    assert [(t["id"], t["lifecycle"]["status"]) for t in llama8["teachers"]] == [
        ("meta.llama3-1-70b-instruct-v1:0", "ACTIVE"),
        ("us.meta.llama3-3-70b-instruct-v1:0", "LEGACY"),
    ]
    assert (llama8["lifecycle"]["status"], llama8["lifecycle"]["warning"]) == ("ACTIVE", None)
    before = [m["id"] for m in WEST.listing(date(2026, 7, 6))["base_models"]]  # the day before Llama 3.2's end of life
    assert "meta.llama3-2-3b-instruct-v1:0:128k" in before


def test_given_the_cli_then_the_catalog_marks_legacy_models_and_validate_prints_each_warning_line():
    from ui.cli.customize_show import catalog_lines, report_lines

    lines = catalog_lines(WEST.listing(TODAY))
    assert not [line for line in lines if line.startswith(("anthropic.claude-3-haiku", "meta.llama3-2-3b"))]
    (llama33,) = [line for line in lines if line.startswith(LLAMA33.id)]
    assert "Meta Llama 3.3 70B Instruct (Legacy, EOL 2027-03-30)" in llama33
    assert f"  {LLAMA31_8B.id} ← meta.llama3-1-70b-instruct-v1:0, us.meta.llama3-3-70b-instruct-v1:0 (Legacy, EOL 2027-03-30)" in lines
    report = {"dataset_id": "ds-1", "base_model_id": LLAMA33.id, "method": "FINE_TUNING", "warnings": WEST.warnings(LLAMA33, None, TODAY)}
    shown = report_lines(report, "tone.jsonl")
    (warning,) = [line for line in shown if line.startswith("경고 / Warning: ")]
    assert "is a Legacy Bedrock model (end of life 2027-03-30)" in warning
    assert shown[-1].startswith("다음 / Next: ")
