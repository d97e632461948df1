"""Usage and budgets as people read them (GET /usage, GET /admin/usage, GET /admin/budgets; docs/api.md "Usage and
budgets"): the compact budget line beside the chat box, tables by model and by user, the daily spend chart's data,
the budgets in force. No Streamlit here: tested plainly.

Money is the API's integer micro-USD shown in dollars (`$0.042`, `≈` before a partly estimated cost); times are in
the budgets' own zone (`budgets.time_zone`), as the API writes them, and the zone is named beside them.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

import pandas as pd

from ui.cli.figures import ESTIMATED, count, dollars, micro_dollars, zone_time
from ui.i18n import has, t
from ui.tables import local_time, zone_name


def budget_name(budget: str, lang: str) -> str:
    key = f"budget.{budget}"
    return t(key, lang) if has(key, lang) else budget


def model_names(catalog: dict[str, Any], lang: str) -> dict[str, str]:
    """Model ids to names: GET /models's chat and image models, and what metering counts besides them (the guardrail's
    checks under `guardrail`, Retrieve's query embedding under the embedding model's id: docs/api.md "What is metered")."""
    names = {m["id"]: m["name"] for m in [*catalog.get("chat_models", []), *catalog.get("image_models", [])]}
    return {"guardrail": t("usage.model.guardrail", lang), **names}


def model_name(model_id: str, names: dict[str, str], lang: str) -> str:
    if model_id in names:
        return names[model_id]
    return t("usage.model.embedding", lang) if "embed" in model_id else model_id


def amount(value: Any, unit: str) -> str:
    """A budget's figure: dollars for `usd`, tokens with separators otherwise."""
    return dollars(value) if unit == "usd" else count(value)


def budget_line(report: dict[str, Any] | None, lang: str) -> str:
    """`남은 예산: 오늘 토큰 194,400 (11-26 00:00 초기화) · 이번 달 $14.75 (12-01 00:00 초기화) · Asia/Seoul`, or unlimited."""
    if not report:
        return ""
    budgets = report.get("budgets") or []
    if report.get("unlimited") or not budgets:
        return t("budget.line_unlimited", lang)
    parts = [
        t(
            "budget.part",
            lang,
            name=t(f"budget.short.{b.get('budget')}", lang)
            if has(f"budget.short.{b.get('budget')}", lang)
            else budget_name(str(b.get("budget")), lang),
            left=amount(b.get("remaining"), str(b.get("unit"))),
            resets=zone_time(b.get("resets_at"))[5:],
        )
        for b in budgets
    ]
    line = t("budget.line", lang, parts=" · ".join(parts), zone=report.get("time_zone", ""))
    if any(float(b.get("remaining") or 0) <= 0 for b in budgets):
        return f":material/warning: {line}"
    return line


def _cost(micro_usd: Any, estimated: bool) -> str:
    return f"{ESTIMATED if estimated else ''}{micro_dollars(micro_usd)}"


def models_table(period: dict[str, Any], names: dict[str, str], lang: str) -> pd.DataFrame:
    """One period's use by model (costliest first, as the API lists them), then a total row."""
    columns = [
        t("usage.col.model", lang),
        t("usage.col.input", lang),
        t("usage.col.output", lang),
        t("usage.col.images", lang),
        t("usage.col.cost", lang),
    ]
    rows: list[list[Any]] = [
        [
            model_name(str(m.get("model_id")), names, lang),
            int(m.get("input_tokens") or 0),
            int(m.get("output_tokens") or 0),
            int(m.get("images") or 0),
            _cost(m.get("cost_micro_usd"), bool(m.get("images"))),
        ]
        for m in period.get("models") or []
    ]
    if rows:
        estimated = int(period.get("estimated_micro_usd") or 0) > 0
        rows.append(
            [
                t("usage.total", lang),
                int(period.get("input_tokens") or 0),
                int(period.get("output_tokens") or 0),
                int(period.get("images") or 0),
                _cost(period.get("cost_micro_usd"), estimated),
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def budgets_table(report: dict[str, Any], lang: str) -> pd.DataFrame:
    """GET /usage `budgets`: each budget's limit, what was used, what is left and when it resets (budgets' zone)."""
    columns = [
        t("budget.col.budget", lang),
        t("budget.col.limit", lang),
        t("budget.col.used", lang),
        t("budget.col.left", lang),
        t("budget.col.resets", lang, zone=report.get("time_zone", "")),
    ]
    rows = [
        [
            budget_name(str(b.get("budget")), lang),
            *(amount(b.get(k), str(b.get("unit"))) for k in ("limit", "used", "remaining")),
            zone_time(b.get("resets_at")),
        ]
        for b in report.get("budgets") or []
    ]
    return pd.DataFrame(rows, columns=columns)


def users_table(users: list[dict[str, Any]], lang: str) -> pd.DataFrame:
    """GET /admin/usage `users` in the API's order: name, e-mail, cost, tokens, images, requests, sub."""
    columns = [
        t("admin_usage.col.name", lang),
        t("admin_usage.col.email", lang),
        t("usage.col.cost", lang),
        t("admin_usage.col.tokens", lang),
        t("usage.col.images", lang),
        t("admin_usage.col.requests", lang),
        t("admin_usage.col.sub", lang),
    ]
    rows = [
        [
            u.get("name") or "",
            u.get("email") or "",
            _cost(u.get("cost_micro_usd"), int(u.get("estimated_micro_usd") or 0) > 0),
            int(u.get("total_tokens") or 0),
            int(u.get("images") or 0),
            int(u.get("requests") or 0),
            u.get("user"),
        ]
        for u in users
    ]
    return pd.DataFrame(rows, columns=columns)


def month_days(month: date, today: date) -> list[date]:
    """The days of `month` up to `today` (every day of a past month, none of a future one): at most 31."""
    last = calendar.monthrange(month.year, month.month)[1]
    days = [date(month.year, month.month, d) for d in range(1, last + 1)]
    return [d for d in days if d <= today]


def daily_spend(totals_by_day: dict[date, dict[str, Any]], names: dict[str, str], lang: str) -> pd.DataFrame:
    """Each day's spend (US dollars) by model, a row per day and a column per model, from each day's
    GET /admin/usage `totals.models` (every user of the day): what the stacked bar chart draws."""
    spend: dict[str, dict[str, float]] = {}
    for day, totals in sorted(totals_by_day.items()):
        row = spend.setdefault(day.strftime("%m-%d"), {})
        for m in totals.get("models") or []:
            name = model_name(str(m.get("model_id")), names, lang)
            row[name] = row.get(name, 0.0) + int(m.get("cost_micro_usd") or 0) / 1_000_000
    frame = pd.DataFrame.from_dict(spend, orient="index").fillna(0.0)
    frame.index.name = t("admin_usage.chart_day", lang)
    return frame


def _limit(config: dict[str, Any], field: str, unit: str, lang: str) -> str:
    if config.get("unlimited"):
        return t("budget.unlimited", lang)
    value = config.get(field)
    return t("budget.inherited", lang) if value is None else amount(value, unit)


def overrides_table(budgets: dict[str, Any], lang: str) -> pd.DataFrame:
    """GET /admin/budgets: the configuration's default and groups, then every override, with their limits in words."""
    columns = [
        t("budgets.col.source", lang),
        t("budgets.col.for", lang),
        t("budget.tokens_per_day", lang),
        t("budget.usd_per_month", lang),
        t("budgets.col.updated", lang, zone=zone_name()),
    ]
    config = t("budgets.config", lang)
    entries: list[tuple[str, str, dict[str, Any], str]] = [(config, t("budgets.everyone", lang), budgets.get("default") or {}, "")]
    for name, group in (budgets.get("groups") or {}).items():
        entries.append((config, t("budgets.group", lang, name=name), group, ""))
    for o in budgets.get("overrides") or []:
        who = t("budgets.user", lang, name=o.get("id")) if o.get("scope") == "user" else t("budgets.group", lang, name=o.get("id"))
        entries.append((t("budgets.override", lang), who, o, local_time(o.get("updated_at"))))
    rows = [
        [source, who, _limit(c, "tokens_per_day", "tokens", lang), _limit(c, "usd_per_month", "usd", lang), updated]
        for source, who, c, updated in entries
    ]
    return pd.DataFrame(rows, columns=columns)
