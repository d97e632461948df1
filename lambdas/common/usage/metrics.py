"""Metering's metrics (Powertools EMF, namespace from POWERTOOLS_METRICS_NAMESPACE; names in infra/constants.py).

`CostMicroUSD` per `model_id` (the guardrail's checks under `guardrail`), one EMF document per model so models never
share a dimension set; `UsageWriteFailed` when a reservation or settle could not be written; `DailySpendMicroUSD`, the
deployment's committed spend today (with a daily ceiling), under the fixed dimension service=metering so every
function's figure is one metric the ceiling alarm reads (Maximum over 5 minutes). Never `user` as a dimension: each
value is a custom metric (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_MetricTransformation.html).
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_lambda_powertools.metrics import MetricUnit, single_metric

from common.observability import MODEL_DIMENSION
from common.usage.prices import Metered

COST = "CostMicroUSD"
WRITE_FAILED = "UsageWriteFailed"
DAILY_SPEND = "DailySpendMicroUSD"
METERING_SERVICE = {"service": "metering"}


def costs(metered: Iterable[Metered]) -> None:
    for item in metered:
        if item.micro_usd:
            with single_metric(name=COST, unit=MetricUnit.Count, value=item.micro_usd, default_dimensions={MODEL_DIMENSION: item.model_id}):
                pass


def write_failed() -> None:
    with single_metric(name=WRITE_FAILED, unit=MetricUnit.Count, value=1):
        pass


def daily_spend(micro_usd: int) -> None:
    with single_metric(name=DAILY_SPEND, unit=MetricUnit.Count, value=micro_usd, default_dimensions=METERING_SERVICE):
        pass
