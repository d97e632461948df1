"""Where a customizable base model or a distillation teacher stands in Bedrock's model lifecycle, and what the product
does about it: past its end of life it is not offered (a 400 naming the model and the date), while Legacy it is
offered with a warning.

The dates are the catalog's (infra/catalog/customizable.json `lifecycle`, the vocabulary of the chat catalog's
models.json), read on the function's date (common/clock.py; tests fix it) through the one rule in common/lifecycle.py.
Sources of the policy (docs/customization.md#model-lifecycle):
* "EOL: ... Any requests made to this version will fail"; "If you customized a model, you can continue to use it until
  the EOL date of the base model version that you used for customization. You can also customize a legacy model
  version, but you should plan to migrate before it reaches its EOL date"
  (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html, the revision before the 2026-09 split);
* "New customers can't use Legacy models and existing customers may lose access to Legacy models due to inactivity"
  (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle-legacy.html).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from common import lifecycle
from common.errors import ModelRetiredError

ROLES = {"base model": "기본 모델", "teacher": "교사 모델"}


class Lifecycle(BaseModel):
    """A row's Bedrock lifecycle dates (ISO) and where they were read; none: Active with no date announced."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    legacy_since: str | None = None
    end_of_life: str | None = None
    source: str = ""
    launched: str | None = None
    eol_not_before: str | None = None  # the card's "EOL no sooner than": reported, never acted on

    def status(self, today: date) -> lifecycle.Status:
        return lifecycle.status(self.legacy_since, self.end_of_life, today)

    def view(self, today: date) -> dict[str, Any]:
        """What GET /customize/catalog shows of it (the shape GET /models uses for image models, with its source)."""
        return {"status": self.status(today), "legacy_since": self.legacy_since, "end_of_life": self.end_of_life, "source": self.source}


def refuse_retired(model_id: str, name: str, found: Lifecycle, today: date, *, role: str, field: str) -> None:
    """A 400 in English and Korean naming the model and its end-of-life date, when `today` is past it."""
    if found.status(today) != "END_OF_LIFE":
        return
    message = (
        f"{name} ({model_id}) reached its Bedrock end of life on {found.end_of_life}: Bedrock refuses requests to it, so no "
        f"customization job can use it as the {role}; choose a current model from GET /customize/catalog / "
        f"{name} ({model_id})은(는) {found.end_of_life}에 Bedrock 지원이 종료(EOL)되어 {ROLES[role]}로 쓸 수 없습니다. "
        f"GET /customize/catalog의 현재 모델을 고르세요"
    )
    detail = {"field": field, "message": message, "end_of_life": found.end_of_life, "source": found.source}
    raise ModelRetiredError(message, details=[detail])


def legacy_warning(model_id: str, name: str, found: Lifecycle, today: date, *, role: str) -> str | None:
    """One line in English and Korean for a Legacy model; None for an Active one."""
    if found.status(today) != "LEGACY":
        return None
    eol = found.end_of_life or "not announced"
    after, after_ko = "a custom model made from it works only until that date", "이 모델로 만든 맞춤 모델도 그날까지만 쓸 수 있습니다"
    if role == "teacher":
        after = "a distillation job it teaches fails once that date has passed"
        after_ko = "그날이 지나면 이 교사로 하는 증류 작업은 실패합니다"
    return (
        f"{name} ({model_id}), the {role}, is a Legacy Bedrock model (end of life {eol}): Bedrock may refuse it to accounts "
        f"that have not used it recently, and {after} / {name}은(는) 지원 종료 예정(Legacy) {ROLES[role]}입니다"
        f"(종료일 {found.end_of_life or '미정'}): 최근 쓰지 않은 계정은 거부될 수 있고, {after_ko}"
    )
