"""The offline account the preflight doctor (infra/doctor) reads: its settings, Lambda's account settings and
the Bedrock quotas in Service Quotas.

moto 5.2 implements neither `lambda.GetAccountSettings` nor `service-quotas.ListServiceQuotas` (its Service
Quotas knows only the `vpc` service code), so the simulator answers both, validated against botocore's
`lambda` and `service-quotas` models like every other answer.

`AccountScenario` holds the account's state as the doctor sees it. Each field is a test control (also
`POST /_sim/account`, docs/local-bedrock.md): a model not subscribed, a model Legacy or missing, quotas
at 0, a low Lambda concurrency limit. The defaults are a healthy account.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from infra.catalog import CHAT_MODELS, ChatModelInfo
from local.bedrock_sim.protocol import SimError

Answer = tuple[int, dict[str, str], bytes]
# The simulator's own quota figures for a healthy account (not AWS defaults, which vary by model and account).
TOKENS_PER_MINUTE = 2_000_000.0
REQUESTS_PER_MINUTE = 200.0


@dataclass
class AccountScenario:
    account_id: str = "123456789012"  # moto's default account, so STS (moto) and Bedrock (here) agree
    today: str | None = None  # ISO date the catalog's lifecycle is read on (None: the real date)
    unlisted: list[str] = field(default_factory=list)  # foundation models ListFoundationModels leaves out (retired)
    lifecycle: dict[str, dict[str, str]] = field(default_factory=dict)  # model id -> modelLifecycle fields to report
    availability: dict[str, dict[str, Any]] = field(default_factory=dict)  # model id -> GetFoundationModelAvailability fields
    destinations: dict[str, list[str]] = field(default_factory=dict)  # inference profile id -> the regions it routes to
    use_case_submitted: bool = True  # Anthropic's first-use form (GetUseCaseForModelAccess)
    quota_value: float | None = None  # every Bedrock quota's value (e.g. 0), None: the figures above
    concurrency_limit: int = 1000  # Lambda ConcurrentExecutions
    reserved_concurrency: int = 0  # already reserved by other functions

    def update(self, settings: dict[str, Any]) -> None:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ValueError(f"unknown account setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        for key, value in settings.items():
            setattr(self, key, value)

    def not_subscribed(self, model_id: str) -> None:
        """A third-party model nobody in the account has invoked yet: no Marketplace agreement, no entitlement."""
        self.availability[model_id] = {"agreementAvailability": {"status": "NOT_AVAILABLE"}, "entitlementAvailability": "NOT_AVAILABLE"}

    def on(self) -> date:
        return date.fromisoformat(self.today) if self.today else date.today()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- Lambda: GetAccountSettings ---------------------------------------------------------------


def account_settings(scenario: AccountScenario) -> dict[str, Any]:
    limit = scenario.concurrency_limit
    return {
        "AccountLimit": {
            "TotalCodeSize": 80_530_636_800,
            "CodeSizeUnzipped": 262_144_000,
            "CodeSizeZipped": 52_428_800,
            "ConcurrentExecutions": limit,
            "UnreservedConcurrentExecutions": max(0, limit - scenario.reserved_concurrency),
        },
        "AccountUsage": {"TotalCodeSize": 0, "FunctionCount": 0},
    }


# --- Service Quotas: ListServiceQuotas for the `bedrock` service code --------------------------
# Names as ListServiceQuotas returns them in 2025-2026 ("Cross-region model inference tokens per minute for
# Anthropic Claude Sonnet 4.5 V1", "Global cross-region model inference tokens per minute for Anthropic Claude
# Sonnet 4.6", "On-demand model inference tokens per minute for Anthropic Claude 3 Haiku", with a separate
# "... 1M Context Length" quota for long-context models): second-hand, many public repositories; the user guide
# templates them as "Cross-Region InvokeModel tokens per minute for ${model}"
# (https://docs.aws.amazon.com/bedrock/latest/userguide/quotas-runtime.html). Codes are not published per model.


def _display(info: ChatModelInfo) -> str:
    return f"Anthropic {info.name}" if info.family == "anthropic" else info.name


def _quota_names(info: ChatModelInfo) -> list[str]:
    kinds = (["On-demand"] if info.in_region else []) + (["Cross-region"] if info.profiles else [])
    kinds += ["Global cross-region"] if info.global_profile else []
    names = [f"{kind} model inference {unit} per minute for {_display(info)}" for kind in kinds for unit in ("tokens", "requests")]
    if info.family == "anthropic":  # a distractor the doctor must not take for the model's own quota
        names.append(f"Cross-region model inference tokens per minute for {_display(info)} V1 1M Context Length")
    return names


def _quota(name: str, value: float, region: str, account: str) -> dict[str, Any]:
    code = "L-" + hashlib.sha1(name.encode()).hexdigest()[:8].upper()
    return {
        "ServiceCode": "bedrock",
        "ServiceName": "Amazon Bedrock",
        "QuotaArn": f"arn:aws:servicequotas:{region}:{account}:bedrock/{code}",
        "QuotaCode": code,
        "QuotaName": name,
        "Value": value,
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
        "Period": {"PeriodValue": 1, "PeriodUnit": "MINUTE"},
        "QuotaAppliedAtLevel": "ACCOUNT",
    }


def bedrock_quotas(scenario: AccountScenario, region: str) -> list[dict[str, Any]]:
    quotas = []
    for info in CHAT_MODELS.values():
        for name in _quota_names(info):
            default = TOKENS_PER_MINUTE if " tokens " in name else REQUESTS_PER_MINUTE
            value = default if scenario.quota_value is None else scenario.quota_value
            quotas.append(_quota(name, value, region, scenario.account_id))
    return quotas


def list_service_quotas(scenario: AccountScenario, params: dict[str, Any], region: str) -> dict[str, Any]:
    if params["ServiceCode"] != "bedrock":
        code = params["ServiceCode"]
        raise SimError("NoSuchResourceException", f"The offline account serves Service Quotas for bedrock only, not {code}.")
    quotas = bedrock_quotas(scenario, region)
    if "QuotaCode" in params:
        quotas = [q for q in quotas if q["QuotaCode"] == params["QuotaCode"]]
    token = params.get("NextToken") or "0"
    if not token.isdigit():
        raise SimError("InvalidPaginationTokenException", "Invalid pagination token.")
    start = int(token)
    size = int(params.get("MaxResults", 100))
    page: dict[str, Any] = {"Quotas": quotas[start : start + size]}
    if start + size < len(quotas):
        page["NextToken"] = str(start + size)
    return page
