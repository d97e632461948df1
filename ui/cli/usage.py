"""`genai usage`: the caller's usage today and this month by model, and what remains of each budget (GET /usage).

Costs are the API's micro-USD shown in dollars (ui/cli/figures.py); `≈` marks a cost that is partly estimated (a
model row with pictures: images are priced per picture, no service reports their cost; a total whose
`estimated_micro_usd` is not zero). Times are in the budgets' zone (`budgets.time_zone`), as the API gives them.
`--json`: the API's answer as is.
"""

from __future__ import annotations

import argparse
from typing import Any

from ui.cli.context import Context
from ui.cli.figures import ESTIMATED, count, dollars, micro_dollars, table, until, zone_time

MODEL_HEADINGS = ["모델 / Model", "입력 토큰 / Input", "출력 토큰 / Output", "이미지 / Images", "비용 / Cost (USD)"]
BUDGET_HEADINGS = ["예산 / Budget", "한도 / Limit", "사용 / Used", "남음 / Left", "초기화 / Resets"]
BUDGET_NAMES = {
    "tokens_per_day": "하루 토큰 / Tokens a day",
    "usd_per_month": "한 달 비용 / USD a month",
    "daily_ceiling_usd": "배포 전체 하루 한도 / Deployment's daily ceiling",
}
ESTIMATE_NOTE = (
    f"{ESTIMATED} 추정 포함: 이미지, 검색 임베딩, 중간에 끊긴 스트림은 서비스가 사용량을 알려 주지 않아 추정합니다 / "
    "partly estimated: images, query embeddings and cut-off streams report no usage, so their cost is estimated"
)


def add(commands: Any, common: argparse.ArgumentParser) -> None:
    usage = commands.add_parser("usage", parents=[common], help="your usage today and this month, and what is left of your budgets")
    usage.set_defaults(handler=run)


def run(ctx: Context) -> int:
    report: dict[str, Any] = ctx.client().call("GET", "usage")
    ctx.output.result(report, lines(report))
    return 0


def lines(report: dict[str, Any]) -> list[str]:
    zone = str(report.get("time_zone", ""))
    shown = [f"사용량 / Usage · {zone} {zone_time(report.get('now'))}", ""]
    shown += period_lines("오늘 / Today", report.get("day") or {})
    shown += ["", *period_lines("이번 달 / This month", report.get("month") or {})]
    return [*shown, "", *budget_lines(report)]


def period_lines(title: str, period: dict[str, Any]) -> list[str]:
    requests = int(period.get("requests") or 0)
    head = f"{title} {period.get('period', '')} · 요청 / requests {count(requests)}"
    models = period.get("models") or []
    if not requests and not models:
        return [head, "사용량이 없습니다 / No usage yet."]
    rows = [
        [
            str(m.get("model_id", "")),
            count(m.get("input_tokens")),
            count(m.get("output_tokens")),
            count(m.get("images")),
            _cost(m.get("cost_micro_usd"), estimated=bool(m.get("images"))),
        ]
        for m in models
    ]
    estimated = int(period.get("estimated_micro_usd") or 0)
    rows.append(
        [
            "합계 / Total",
            count(period.get("input_tokens")),
            count(period.get("output_tokens")),
            count(period.get("images")),
            _cost(period.get("cost_micro_usd"), estimated=estimated > 0),
        ]
    )
    shown = [head, *table(MODEL_HEADINGS, rows, right=frozenset({1, 2, 3, 4}))]
    cache_read, cache_write = int(period.get("cache_read_tokens") or 0), int(period.get("cache_write_tokens") or 0)
    if cache_read or cache_write:
        saved = micro_dollars(period.get("cache_saved_micro_usd") or 0)
        shown.append(f"캐시 토큰 / Cache tokens: 읽기 / read {count(cache_read)}, 쓰기 / write {count(cache_write)}; 절약 / saved {saved}")
    shown.append(f"토큰 합계 / Total tokens {count(period.get('total_tokens'))}")
    if estimated or any(m.get("images") for m in models):
        shown.append(f"{ESTIMATE_NOTE} ({micro_dollars(estimated)})")
    return shown


def _cost(micro_usd: Any, *, estimated: bool) -> str:
    return f"{ESTIMATED if estimated else ''}{micro_dollars(micro_usd)}"


def budget_lines(report: dict[str, Any]) -> list[str]:
    budgets = report.get("budgets") or []
    if report.get("unlimited") or not budgets:
        return ["예산 / Budgets: 무제한 / unlimited (no limit applies to you)"]
    now, zone = report.get("now"), report.get("time_zone", "")
    rows = [
        [
            BUDGET_NAMES.get(str(b.get("budget")), str(b.get("budget"))),
            *_amounts(b),
            f"{zone_time(b.get('resets_at'))} ({until(b.get('resets_at'), now)})",
        ]
        for b in budgets
    ]
    headings = [*BUDGET_HEADINGS[:-1], f"{BUDGET_HEADINGS[-1]} ({zone})"]
    return ["예산 / Budgets", *table(headings, rows, right=frozenset({1, 2, 3}))]


def _amounts(budget: dict[str, Any]) -> list[str]:
    shown = dollars if budget.get("unit") == "usd" else count
    return [shown(budget.get("limit")), shown(budget.get("used")), shown(budget.get("remaining"))]
