"""The models a request may name: exactly the configured ones."""

from __future__ import annotations

from common.errors import BadRequestError
from common.runtime_config import ChatModelSpec, RuntimeConfig


def allowed_chat_model(config: RuntimeConfig, model_id: str | None, *, include_rag: bool = False) -> ChatModelSpec:
    """The requested model (or the default); an id that is not allowed is a 400 listing the allowed ones."""
    allowed = {m.id: m for m in config.chat_models}
    if include_rag:
        allowed.setdefault(config.rag_model.id, config.rag_model)
    wanted = model_id or (config.rag_model.id if include_rag else config.default_chat_model)
    model = allowed.get(wanted)
    if model is None:
        raise BadRequestError(
            f"model_id {wanted!r} is not allowed here; allowed: {', '.join(allowed)}",
            details=[{"field": "model_id", "message": "not an allowed model", "allowed": list(allowed)}],
        )
    return model
