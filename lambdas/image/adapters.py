"""One adapter per image model family behind one interface: request body out, images back.

Stability (SD3.5 Large, Stable Image Core, Stable Image Ultra): `prompt`, `negative_prompt`,
`aspect_ratio`, `seed`, `output_format`; SD3.5 Large also image-to-image (`mode`, `image`,
`strength`). One image a request. A parameter the chosen model does not take is a 400 naming it.
"""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass
from typing import Any, Protocol

from common.errors import ValidationFailedError
from image.models import ImageRequest


@dataclass(frozen=True)
class Generated:
    data: bytes
    seed: int | None
    width: int
    height: int
    filtered: bool  # the model's own filter withheld it


class Adapter(Protocol):
    def body(self, request: ImageRequest, prompt: str, source: bytes | None) -> dict[str, Any]: ...

    def images(self, response: dict[str, Any]) -> list[Generated]: ...


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no imaging library in the function)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _refuse(fields: list[str], model_name: str, why: str) -> None:
    if fields:
        raise ValidationFailedError(
            f"{model_name} does not take {', '.join(fields)}", details=[{"field": f, "message": why} for f in fields]
        )


class StabilityAdapter:
    def __init__(self, model_id: str, name: str, image_to_image: bool) -> None:
        self.model_id, self.name, self.image_to_image = model_id, name, image_to_image

    def body(self, request: ImageRequest, prompt: str, source: bytes | None) -> dict[str, Any]:
        unsupported = [f for f in ("width", "height", "cfg_scale", "quality", "style", "mask_prompt") if getattr(request, f) is not None]
        _refuse(unsupported, self.name, "Stability models take aspect_ratio, seed and negative_prompt")
        if request.number_of_images != 1:
            _refuse(["number_of_images"], self.name, "Stability models return one image a request")
        allowed_tasks = ("TEXT_IMAGE", "IMAGE_VARIATION") if self.image_to_image else ("TEXT_IMAGE",)
        if request.task not in allowed_tasks:
            _refuse(["task"], self.name, f"supported tasks: {', '.join(allowed_tasks)}")
        body: dict[str, Any] = {"prompt": prompt, "output_format": "png"}
        if request.negative_prompt:
            body["negative_prompt"] = request.negative_prompt
        if request.seed is not None:
            body["seed"] = request.seed
        if request.task == "IMAGE_VARIATION":
            if source is None:
                _refuse(["source_image"], self.name, "image variation needs a source_image")
            if request.aspect_ratio is not None:
                _refuse(["aspect_ratio"], self.name, "image-to-image keeps the source image's shape")
            body.update(mode="image-to-image", image=base64.b64encode(source or b"").decode(), strength=request.strength or 0.7)
        else:
            if request.strength is not None or source is not None:
                _refuse([f for f in ("strength", "source_image") if getattr(request, f) is not None], self.name, "only for IMAGE_VARIATION")
            body["aspect_ratio"] = request.aspect_ratio or "1:1"
            if self.image_to_image:
                body["mode"] = "text-to-image"
        return body

    def images(self, response: dict[str, Any]) -> list[Generated]:
        seeds = response.get("seeds") or []
        reasons = response.get("finish_reasons") or []
        result = []
        for i, encoded in enumerate(response.get("images") or []):
            data = base64.b64decode(encoded)
            width, height = png_size(data)
            reason = reasons[i] if i < len(reasons) else None
            result.append(Generated(data, seeds[i] if i < len(seeds) else None, width, height, bool(reason and "Filter" in reason)))
        return result


def adapter_for(model_id: str, family: str, name: str, tasks: tuple[str, ...]) -> Adapter:
    if family == "stability":
        return StabilityAdapter(model_id, name, "IMAGE_VARIATION" in tasks)
    raise ValidationFailedError(f"image family {family} is not supported", details=[{"field": "model_id", "message": "unsupported family"}])
