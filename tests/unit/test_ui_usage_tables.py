"""The usage views' words and tables without Streamlit (ui/usage_tables.py, ui/wording.py): the budget line beside the
chat box, a 429 `budget_exceeded` in words with its reset time, tables by model and the daily spend chart's data, the
budgets in force. The figures are docs/api.md's own examples ("Usage and budgets")."""

from __future__ import annotations

from datetime import date
from typing import Any

from ui import usage_tables, wording

REPORT: dict[str, Any] = {
    "time_zone": "Asia/Seoul",
    "now": "2026-11-25T00:30:00+09:00",
    "unlimited": False,
    "budgets": [
        {
            "budget": "tokens_per_day",
            "unit": "tokens",
            "limit": 200000,
            "used": 5600,
            "remaining": 194400.0,
            "resets_at": "2026-11-26T00:00:00+09:00",
        },
        {
            "budget": "usd_per_month",
            "unit": "usd",
            "limit": 20.0,
            "used": 5.25,
            "remaining": 14.75,
            "resets_at": "2026-12-01T00:00:00+09:00",
        },
    ],
}
REFUSAL: dict[str, Any] = {
    "error": {
        "code": "budget_exceeded",
        "message": "오늘의 토큰 예산을 넘게 됩니다: … / This request would go over your budget: …",
        "details": {
            "budget": "tokens_per_day",
            "limit": 200000,
            "used": 199500,
            "resets_at": "2026-11-26T00:00:00+09:00",
            "request_max": 1987,
        },
    },
    "request_id": "req-1",
}


def test_given_budgets_then_the_line_beside_the_chat_box_names_what_is_left_and_when_it_resets_in_both_languages():
    assert usage_tables.budget_line(REPORT, "ko") == (
        "남은 예산: 오늘 토큰 194,400 남음 (11-26 00:00 초기화) · 이번 달 $14.75 남음 (12-01 00:00 초기화) · Asia/Seoul"
    )
    assert usage_tables.budget_line(REPORT, "en") == (
        "Budget left: tokens today 194,400 left (resets 11-26 00:00) · this month $14.75 left (resets 12-01 00:00) · Asia/Seoul"
    )
    spent = {**REPORT, "budgets": [{**REPORT["budgets"][0], "remaining": 0}]}
    assert usage_tables.budget_line(spent, "en").startswith(":material/warning: Budget left: tokens today 0 left")
    assert usage_tables.budget_line({"unlimited": True, "budgets": []}, "ko") == "예산: 무제한 (한도가 적용되지 않는 계정입니다)"


def test_given_a_budget_refusal_then_it_reads_in_words_with_the_limit_the_use_and_the_reset_time():
    korean = wording.error_text(REFUSAL, 429, "ko")
    assert korean == (
        "예산을 다 써서 이 요청을 보낼 수 없습니다.\n\n하루 토큰: 한도 200,000 · 사용 199,500 · 이 요청 최대 1,987. "
        "2026-11-26 00:00 (UTC+09:00)에 초기화됩니다.\n\n`429 budget_exceeded` · 요청 ID `req-1`"
    )
    month = {
        **REFUSAL["error"]["details"],
        "budget": "usd_per_month",
        "limit": 20.0,
        "used": 19.99,
        "request_max": 0.05,
        "resets_at": "2026-12-01T00:00:00+09:00",
    }
    english = wording.error_text({"error": {"code": "budget_exceeded", "details": month}}, 429, "en")
    assert english.splitlines()[2] == (
        "USD a month: $19.99 of $20.00 used, and this request may use up to $0.050. It resets at 2026-12-01 00:00 (UTC+09:00)."
    )


def test_given_a_period_then_models_are_named_the_guardrail_and_the_embedding_in_words_and_a_total_follows():
    period = {
        "models": [
            {"model_id": "guardrail", "cost_micro_usd": 800, "input_tokens": 0, "output_tokens": 0, "images": 0},
            {"model_id": "amazon.titan-embed-text-v2:0", "cost_micro_usd": 2, "input_tokens": 20},
            {"model_id": "m1", "cost_micro_usd": 28, "input_tokens": 11, "output_tokens": 47, "images": 0},
        ],
        "cost_micro_usd": 830,
        "input_tokens": 31,
        "output_tokens": 47,
        "images": 0,
        "estimated_micro_usd": 2,
    }
    names = usage_tables.model_names({"chat_models": [{"id": "m1", "name": "Claude Haiku 5.5"}]}, "ko")
    table = usage_tables.models_table(period, names, "ko")
    assert table.values.tolist() == [
        ["가드레일 검사", 0, 0, 0, "$0.00080"],
        ["검색 임베딩", 20, 0, 0, "$0.000002"],
        ["Claude Haiku 5.5", 11, 47, 0, "$0.000028"],
        ["합계", 31, 47, 0, "≈$0.00083"],
    ]


def test_given_each_days_totals_then_the_chart_has_a_row_per_day_and_a_column_per_model_in_dollars():
    days = usage_tables.month_days(date(2026, 11, 1), date(2026, 11, 3))
    assert days == [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)]
    assert len(usage_tables.month_days(date(2024, 2, 1), date(2026, 1, 1))) == 29  # a past month: every day
    totals: dict[date, dict[str, Any]] = {
        days[0]: {"models": []},
        days[1]: {"models": [{"model_id": "m1", "cost_micro_usd": 2_500_000}, {"model_id": "guardrail", "cost_micro_usd": 750_000}]},
        days[2]: {"models": [{"model_id": "m1", "cost_micro_usd": 1}]},
    }
    frame = usage_tables.daily_spend(totals, {"m1": "Claude Haiku 5.5", "guardrail": "Guardrail checks"}, "en")
    assert frame.index.tolist() == ["11-01", "11-02", "11-03"]
    assert frame.to_dict() == {
        "Claude Haiku 5.5": {"11-01": 0.0, "11-02": 2.5, "11-03": 0.000001},
        "Guardrail checks": {"11-01": 0.0, "11-02": 0.75, "11-03": 0.0},
    }


def test_given_the_budgets_in_force_then_limits_read_in_words():
    found = {
        "default": {"tokens_per_day": 200000, "usd_per_month": 20.0, "unlimited": False},
        "groups": {"admin": {"tokens_per_day": None, "usd_per_month": None, "unlimited": True}},
        "overrides": [
            {
                "scope": "group",
                "id": "interns",
                "tokens_per_day": 50000,
                "usd_per_month": None,
                "unlimited": False,
                "updated_at": "2026-11-24T06:00:00+00:00",
            }
        ],
    }
    assert usage_tables.overrides_table(found, "ko").values.tolist() == [
        ["설정", "모든 사용자 (기본)", "200,000", "$20.00", ""],
        ["설정", "그룹 admin", "무제한", "무제한", ""],
        ["재정의", "그룹 interns", "50,000", "상속", "2026-11-24 15:00"],
    ]
