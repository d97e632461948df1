"""What the Custom models page says of a custom model's base model lifecycle (GET /customize/models `base_lifecycle`):
past its Bedrock end of life the custom model serves nothing and only costs storage until deleted; Legacy, it works
until the end-of-life date (docs/customization.md#model-lifecycle). No Streamlit here: the page draws the note."""

from __future__ import annotations

from typing import Any, Literal

from ui.cli.figures import dollars
from ui.i18n import t

Kind = Literal["retired", "legacy"]


def base_note(model: dict[str, Any], lang: str | None = None) -> tuple[Kind, str] | None:
    """("retired", words) or ("legacy", words) in the session's language (or `lang`); None for an Active base."""
    found = model.get("base_lifecycle") or {}
    status, base, eol = found.get("status"), found.get("base_name") or model.get("base_model_id", ""), found.get("end_of_life")
    if status == "END_OF_LIFE":
        usd = model.get("storage_per_month_usd")
        storage = (
            t("customize.storage_month", lang=lang, usd=dollars(usd)) if usd is not None else t("customize.storage_unpriced", lang=lang)
        )
        return "retired", t("customize.base_retired", lang=lang, base=base, date=eol, name=model["name"], storage=storage)
    if status == "LEGACY":
        return "legacy", t("customize.base_legacy", lang=lang, base=base, date=eol or "-", name=model["name"])
    return None


def retired(model: dict[str, Any]) -> bool:
    return (model.get("base_lifecycle") or {}).get("status") == "END_OF_LIFE"
