"""The catalog's lifecycle policy, one rule for every model the functions know (image models, customizable models).

Bedrock's states are Active, Legacy and End-of-Life (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle-legacy.html):
past its end-of-life date a model is END_OF_LIFE (requests to it fail); once its legacy date is reached, or as soon
as an end-of-life date is announced, it is LEGACY; otherwise ACTIVE. The same rule as infra/catalog/model_info.py's
`Lifecycle.status` (the functions' code asset does not carry infra/). Dates are ISO strings from the catalog; `today`
comes from the functions' Clock (common/clock.py), so tests fix it.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

Status = Literal["ACTIVE", "LEGACY", "END_OF_LIFE"]


def status(legacy_since: str | None, end_of_life: str | None, today: date) -> Status:
    if end_of_life and today >= date.fromisoformat(end_of_life):
        return "END_OF_LIFE"
    if end_of_life or (legacy_since and today >= date.fromisoformat(legacy_since)):
        return "LEGACY"
    return "ACTIVE"
