"""The adapter for a configured image model's family."""

from __future__ import annotations

from common.errors import ValidationFailedError
from image.adapters import Adapter
from image.amazon import AmazonAdapter
from image.stability import StabilityAdapter


def adapter_for(model_id: str, family: str, name: str, tasks: tuple[str, ...]) -> Adapter:
    if family == "stability":
        return StabilityAdapter(model_id, name, "IMAGE_VARIATION" in tasks)
    if family == "amazon-image":
        return AmazonAdapter(model_id, name, tasks)
    raise ValidationFailedError(f"image family {family} is not supported", details=[{"field": "model_id", "message": "unsupported family"}])
