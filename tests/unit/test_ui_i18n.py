"""The UI's words: both catalogues complete, the guardrail and errors in plain words, tables people read
(ui/i18n/, ui/wording.py, ui/tables.py; no Streamlit, no network)."""

from __future__ import annotations

import re
import string
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ui import tables, wording
from ui.i18n import CATALOGUES, MISSING, t

UI = Path(__file__).resolve().parents[2] / "ui"


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_given_both_catalogues_then_they_have_the_same_keys_and_the_same_fields_in_each_text():
    ko, en = CATALOGUES["ko"], CATALOGUES["en"]
    assert sorted(set(ko) ^ set(en)) == []
    assert {key: (fields(ko[key]), fields(en[key])) for key in ko if fields(ko[key]) != fields(en[key])} == {}


def test_given_the_ui_code_then_every_key_it_names_is_in_the_catalogues():
    named = set()
    for path in [*UI.glob("*.py"), *UI.glob("pages/*.py")]:
        named |= set(re.findall(r"""\bt\(\s*["']([a-z_]+(?:\.[A-Za-z_]+)*)["']""", path.read_text(encoding="utf-8")))
    assert len(named) > 100
    assert sorted(named - set(CATALOGUES["ko"])) == []


def test_given_a_missing_key_then_the_marker_names_it():
    assert t("no.such.key", "ko") == MISSING.format("no.such.key") == "⟦no.such.key⟧"


BLOCKED_RRN = {"intervened": True, "action": "BLOCKED", "policies": ["regex:KR_RESIDENT_REGISTRATION_NUMBER"], "message": "…"}


@pytest.mark.parametrize(
    ("policies", "korean", "english"),
    [
        (
            ["regex:KR_RESIDENT_REGISTRATION_NUMBER"],
            "주민등록번호가 포함되어 있어 가드레일이 차단했습니다.",
            "Blocked by the guardrail: it contains a resident registration number.",
        ),
        (["word:PROFANITY"], "욕설이 포함되어 있어 가드레일이 차단했습니다.", "Blocked by the guardrail: it contains profanity."),
        (
            ["content:INSULTS", "word:PROFANITY"],
            "모욕적인 표현, 욕설이 포함되어 있어 가드레일이 차단했습니다.",
            "Blocked by the guardrail: it contains insulting language and profanity.",
        ),
        (
            ["content:PROMPT_ATTACK"],
            "프롬프트 공격(모델의 지시를 무시하게 하려는 시도)으로 보여 가드레일이 차단했습니다.",
            "Blocked by the guardrail: it looks like a prompt attack (an attempt to make the model ignore its instructions).",
        ),
        (
            ["topic:Investment advice"],
            "허용되지 않는 주제(투자 조언)를 다루고 있어 가드레일이 차단했습니다.",
            "Blocked by the guardrail: it is about a topic that is not allowed (investment advice).",
        ),
        (
            ["pii:SOMETHING_NEW"],
            "개인정보가 포함되어 있어 가드레일이 차단했습니다.",
            "Blocked by the guardrail: it contains personal information.",
        ),
        ([], "허용되지 않는 내용이 있어 가드레일이 차단했습니다.", "Blocked by the guardrail: the content is not allowed."),
    ],
)
def test_given_a_guardrail_block_then_the_note_says_what_kind_of_content_in_words_never_the_policy_id(policies, korean, english):
    guardrail = {**BLOCKED_RRN, "policies": policies}
    assert wording.guardrail_note(guardrail, "ko") == ("error", korean)
    assert wording.guardrail_note(guardrail, "en") == ("error", english)
    for policy in policies:
        assert policy.split(":")[1] not in korean + english or policy.startswith("topic:")


def test_given_masked_personal_data_then_the_warning_names_what_was_masked():
    masked = {"intervened": True, "action": "ANONYMIZED", "policies": ["pii:EMAIL", "regex:KR_MOBILE_PHONE_NUMBER"], "message": None}
    level, text = wording.guardrail_note(masked, "ko") or ("", "")
    assert (level, text.split(".")[0]) == ("warning", "개인정보 보호를 위해 가드레일이 이메일 주소, 휴대전화번호를 가렸습니다")
    assert "an e-mail address and a mobile phone number" in (wording.guardrail_note(masked, "en") or ("", ""))[1]
    assert wording.guardrail_note({"intervened": False, "action": "NONE", "policies": []}, "ko") is None


def test_given_korean_words_then_the_particle_follows_the_last_syllable():
    assert [wording.particle(w, "이", "가") for w in ("욕설", "주민등록번호", "AWS")] == ["욕설이", "주민등록번호가", "AWS이(가)"]


def test_given_an_api_text_in_both_languages_then_only_the_chosen_side_shows():
    both = "요청에 허용되지 않는 내용이 포함되어 처리할 수 없습니다. / Your request contains content that is not allowed."
    assert wording.one_language(both, "ko") == "요청에 허용되지 않는 내용이 포함되어 처리할 수 없습니다."
    assert wording.one_language(both, "en").startswith("Your request contains")
    marker = "[중단된 응답: 글을 쓰기 전에 멈췄습니다 / Interrupted before any text was written]"
    assert wording.one_language(marker, "en") == "[Interrupted before any text was written]"
    assert wording.one_language("A / B", "ko") == "A / B"  # not the API's bilingual shape: unchanged


def test_given_a_validation_error_then_each_field_is_named_in_words_with_its_rule_and_no_log_line():
    body = {
        "error": {
            "code": "validation_error",
            "message": "the request is not valid: see details",
            "details": [
                {"field": "question", "message": "at most 8000 characters"},
                {"field": "params.top_k", "message": "must be between 1 and 128 for Amazon Nova Lite"},
                {"field": "body.colour", "message": "Extra inputs are not permitted"},
            ],
        },
        "request_id": "req-1",
    }
    korean = wording.error_text(body, 400, "ko")
    assert korean.splitlines()[0] == "입력한 값을 확인하세요."
    assert "- **질문**: 8000자 이하로 입력하세요." in korean
    assert "- **Top K**: 1에서 128 사이여야 합니다." in korean
    assert "- **입력값 ‘body.colour’**: 이 API가 받지 않는 항목입니다." in korean
    assert "see details" not in korean
    assert "요청 ID `req-1`" in korean
    english = wording.error_text(body, 400, "en")
    assert "- **Question**: at most 8000 characters." in english
    assert "- **Top K**: must be between 1 and 128." in english


def test_given_other_errors_then_a_plain_headline_and_the_api_message_as_detail():
    body = {"error": {"code": "not_found", "message": "conversation not found"}, "request_id": "r"}
    korean = wording.error_text(body, 404, "ko")
    assert korean.startswith("찾을 수 없습니다. 이미 삭제되었을 수 있습니다.\n\n자세히: conversation not found")
    assert wording.error_text({"error": {"code": "brand_new"}}, 500, "en").startswith("The request failed.")


def test_given_usage_then_the_line_reads_in_each_language():
    usage = {"input_tokens": 21, "output_tokens": 18, "stop_reason": "end_turn", "latency_ms": 812}
    assert wording.usage_line(usage, "ko") == "입력 21 → 출력 18 토큰 · 완료 · 0.8초"
    assert wording.usage_line(usage, "en") == "21 → 18 tokens · finished · 0.8 s"


def test_given_utc_times_then_they_show_in_seoul_by_default_and_in_the_configured_zone(monkeypatch):
    monkeypatch.delenv("UI_TIME_ZONE", raising=False)
    assert tables.local_time("2026-05-04T09:12:33.120+00:00") == "2026-05-04 18:12"
    assert tables.zone_name() == "KST"
    monkeypatch.setenv("UI_TIME_ZONE", "Europe/Berlin")
    assert tables.local_time("2026-05-04T09:12:33Z") == "2026-05-04 11:12"
    monkeypatch.setenv("UI_TIME_ZONE", "Not/AZone")
    assert tables.local_time("2026-05-04T09:12:33Z") == "2026-05-04 18:12"


def test_given_a_conversations_time_then_the_list_shows_the_time_today_the_day_this_year_and_the_date_before(monkeypatch):
    monkeypatch.delenv("UI_TIME_ZONE", raising=False)
    now = datetime(2026, 11, 27, 23, 30, tzinfo=ZoneInfo("Asia/Seoul"))
    assert tables.short_time("2026-11-27T14:10:00Z", now) == "23:10"  # today in Seoul
    assert tables.short_time("2026-11-27T15:10:00Z", now) == "11-28"  # already tomorrow in Seoul: not today
    assert tables.short_time("2026-05-04T09:12:33Z", now) == "05-04"
    assert tables.short_time("2025-12-31T09:00:00Z", now) == "2025-12-31"
    assert (tables.short_time(None, now), tables.short_time("yesterday", now)) == ("", "yesterday")


def test_given_sizes_then_units_are_b_kb_and_mb():
    assert [tables.size_text(n) for n in (512, 1234, 3_500_000)] == ["512 B", "1.2 KB", "3.3 MB"]


def test_given_documents_then_the_table_has_readable_columns_and_states_in_words(monkeypatch):
    monkeypatch.delenv("UI_TIME_ZONE", raising=False)
    docs = [
        {
            "name": "hr-faq-ko.md",
            "key": "documents/hr-faq-ko.md",
            "size": 1234,
            "last_modified": "2026-05-04T09:12:33+00:00",
            "has_metadata": True,
            "ingestion": "INDEXED",
        }
    ]
    table = tables.documents_table(docs, "ko")
    assert list(table.columns) == ["이름", "색인 상태", "크기", "마지막 변경 (KST)", "메타데이터"]
    assert table.iloc[0].tolist() == ["hr-faq-ko.md", "색인됨", "1.2 KB", "2026-05-04 18:12", "예"]
    assert list(tables.documents_table(docs, "en").columns) == ["Name", "Indexing", "Size", "Last changed (KST)", "Metadata"]


def test_given_waiting_documents_or_running_jobs_then_the_listing_is_not_settled():
    assert tables.unsettled([{"ingestion": "INDEXED"}, {"ingestion": "FAILED"}], [{"status": "COMPLETE"}]) == 0
    assert tables.unsettled([{"ingestion": "PENDING"}, {"ingestion": "INGESTING"}], [{"status": "IN_PROGRESS"}]) == 3
