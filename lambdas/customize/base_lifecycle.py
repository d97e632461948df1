"""A custom model that already exists and where its base model stands in Bedrock's lifecycle.

"If you customized a model, you can continue to use it until the EOL date of the base model version that you used for
customization" (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html, the revision before the
2026-09 split; docs/customization.md#model-lifecycle), and past the EOL date "Any requests made to this version will
fail". So once its base model is retired a custom model serves nothing: deploying it (on demand or through
Provisioned Throughput) and registering a deployment of it are refused with a 400 `model_end_of_life` naming the custom
model, its base model and the date, and saying to delete it, since it keeps its monthly storage charge until deleted.
A Legacy base model is a warning (the custom model works until the end-of-life date). What Bedrock itself answers
CreateCustomModelDeployment for such a model is not documented: this check is the guard (docs/local-bedrock.md).
"""

from __future__ import annotations

from datetime import date

from common.errors import ModelRetiredError
from customize.customization_catalog import BaseModelInfo
from customize.lifecycle import legacy_warning
from customize.models import BaseLifecycle

SOURCE = "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html"


def _storage(base: BaseModelInfo) -> tuple[str, str]:
    usd = base.prices.storage_per_month
    if usd:
        return f"its storage charge (about ${usd:.2f} a month)", f"보관 비용(월 약 ${usd:.2f})"
    return "its monthly storage charge", "월 보관 비용"


def retired_note(name: str, base: BaseModelInfo) -> str:
    """English / Korean: the custom model serves nothing any more and costs storage until it is deleted."""
    storage, storage_ko = _storage(base)
    eol = base.lifecycle.end_of_life
    return (
        f"The custom model {name} was made from {base.name} ({base.id}), which reached its Bedrock end of life on {eol}: "
        f"a custom model can be used only until its base model's end of life, so {name} can no longer be deployed, "
        f"registered or chatted with. Delete it (DELETE /customize/models/{name}): until then {storage} continues / "
        f"맞춤 모델 {name}의 기본 모델 {base.name}({base.id})은(는) {eol}에 Bedrock 지원이 종료(EOL)되어 이 맞춤 모델은 "
        f"더 이상 배포하거나 채팅에 쓸 수 없습니다. 삭제하세요: 삭제할 때까지 {storage_ko}이 계속 듭니다"
    )


def refuse_retired(name: str, base: BaseModelInfo | None, today: date, *, field: str) -> None:
    """A 400 `model_end_of_life` when `base` is past its end of life on `today`; nothing for any other state."""
    if base is None or base.lifecycle.status(today) != "END_OF_LIFE":
        return
    message = retired_note(name, base)
    detail = {
        "field": field,
        "message": message,
        "custom_model": name,
        "base_model_id": base.id,
        "end_of_life": base.lifecycle.end_of_life,
        "source": base.lifecycle.source,
    }
    raise ModelRetiredError(message, details=[detail])


def warnings(base: BaseModelInfo | None, today: date) -> list[str]:
    """A Legacy base model's warning line (English / Korean); none for an Active one (a retired one is refused)."""
    if base is None:
        return []
    found = legacy_warning(base.id, base.name, base.lifecycle, today, role="base model")
    return [found] if found else []


def view(name: str, base: BaseModelInfo | None, today: date) -> BaseLifecycle | None:
    """What GET /customize/models shows of the base model's lifecycle; None when the base is not in the catalog."""
    if base is None:
        return None
    status = base.lifecycle.status(today)
    note = retired_note(name, base) if status == "END_OF_LIFE" else next(iter(warnings(base, today)), None)
    return BaseLifecycle(
        base_name=base.name,
        status=status,
        legacy_since=base.lifecycle.legacy_since,
        end_of_life=base.lifecycle.end_of_life,
        usable=status != "END_OF_LIFE",
        note=note,
        source=base.lifecycle.source or SOURCE,
    )
