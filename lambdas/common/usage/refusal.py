"""The 429 a request gets when a budget has no room for its maximum: which budget, its limit, what is used, when it
resets (an ISO time in the configured zone) and `Retry-After` (seconds to that reset), in Korean and English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from common.errors import BudgetExceededError
from common.usage.periods import Period, iso


@dataclass(frozen=True)
class Breach:
    budget: str  # tokens_per_day | usd_per_month | daily_ceiling_usd
    limit: int  # tokens, or micro-USD
    used: int  # what the row held (reservations in flight included)
    period: Period


def _usd(micro: int) -> str:
    return f"${micro / 1_000_000:,.2f}"


def _amount(budget: str, value: int) -> float | int:
    return value if budget == "tokens_per_day" else round(value / 1_000_000, 6)


def _text(breach: Breach, needed: str, resets: str) -> str:
    if breach.budget == "tokens_per_day":
        used, limit = f"{breach.used:,}", f"{breach.limit:,}"
        return (
            f"오늘의 토큰 예산을 넘게 됩니다: {limit} 토큰 중 {used} 토큰을 썼고, 이 요청은 최대 {needed} 토큰을 쓸 수 있습니다. "
            f"{resets}에 초기화됩니다. / This request would go over your daily token budget: {used} of {limit} tokens "
            f"used, and it may use up to {needed}. The budget resets at {resets}."
        )
    if breach.budget == "usd_per_month":
        used, limit = _usd(breach.used), _usd(breach.limit)
        return (
            f"이번 달 사용 금액 예산을 넘게 됩니다: {limit} 중 {used}를 썼고, 이 요청은 최대 {needed}가 들 수 있습니다. "
            f"{resets}에 초기화됩니다. / This request would go over your monthly spending budget: {used} of {limit} "
            f"used, and it may cost up to {needed}. The budget resets at {resets}."
        )
    used, limit = _usd(breach.used), _usd(breach.limit)
    return (
        f"이 서비스의 오늘 지출 한도({limit})에 이르렀습니다: 오늘 {used}를 썼습니다. {resets}에 초기화됩니다. / "
        f"This deployment's daily spending ceiling ({limit}) is reached: {used} spent today, and this request may cost "
        f"up to {needed}. It resets at {resets}."
    )


def refusal(breaches: list[Breach], max_micro_usd: int, max_tokens: int, now: datetime) -> BudgetExceededError:
    """The error for the budget that stays closed longest (a month outlasts a day; a user's own before the ceiling)."""
    breach = max(breaches, key=lambda b: b.period.resets_at)
    resets = iso(breach.period.resets_at)
    needed = f"{max_tokens:,}" if breach.budget == "tokens_per_day" else _usd(max_micro_usd)
    details = {
        "budget": breach.budget,
        "limit": _amount(breach.budget, breach.limit),
        "used": _amount(breach.budget, breach.used),
        "resets_at": resets,
        "request_max": _amount(breach.budget, max_tokens if breach.budget == "tokens_per_day" else max_micro_usd),
    }
    return BudgetExceededError(_text(breach, needed, resets), details=details, retry_after=breach.period.seconds_left(now))
