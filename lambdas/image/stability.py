"""Stability image models: SD3.5 Large, Stable Image Core, Stable Image Ultra.

`prompt`, `negative_prompt`, `aspect_ratio`, `seed`, `output_format`; SD3.5 Large also
image-to-image (`mode`, `image`, `strength`). One image a request.
"""

from __future__ import annotations

import base64
from typing import Any

from image.adapters import Generated, Inputs, png_size, refuse
from image.models import ImageRequest

NOT_TAKEN = ("width", "height", "cfg_scale", "quality", "style", "mask_prompt", "mask_image", "outpainting_mode", "colors")


class StabilityAdapter:
    def __init__(self, model_id: str, name: str, image_to_image: bool) -> None:
        self.model_id, self.name, self.image_to_image = model_id, name, image_to_image

    def body(self, request: ImageRequest, prompt: str | None, inputs: Inputs) -> dict[str, Any]:
        unsupported = [f for f in NOT_TAKEN if getattr(request, f) is not None]
        refuse(unsupported, self.name, "Stability models take aspect_ratio, seed and negative_prompt")
        if request.number_of_images != 1:
            refuse(["number_of_images"], self.name, "Stability models return one image a request")
        allowed_tasks = ("TEXT_IMAGE", "IMAGE_VARIATION") if self.image_to_image else ("TEXT_IMAGE",)
        if request.task not in allowed_tasks:
            refuse(["task"], self.name, f"supported tasks: {', '.join(allowed_tasks)}")
        body: dict[str, Any] = {"prompt": prompt or "", "output_format": "png"}
        if request.negative_prompt:
            body["negative_prompt"] = request.negative_prompt
        if request.seed is not None:
            body["seed"] = request.seed
        source = inputs.source
        if request.task == "IMAGE_VARIATION":
            if source is None:
                refuse(["source_image"], self.name, "image variation needs a source_image")
            if request.aspect_ratio is not None:
                refuse(["aspect_ratio"], self.name, "image-to-image keeps the source image's shape")
            body.update(mode="image-to-image", image=base64.b64encode(source or b"").decode(), strength=request.strength or 0.7)
        else:
            if request.strength is not None or source is not None:
                refuse([f for f in ("strength", "source_image") if getattr(request, f) is not None], self.name, "only for IMAGE_VARIATION")
            body["aspect_ratio"] = request.aspect_ratio or "1:1"
            if self.image_to_image:
                body["mode"] = "text-to-image"
        return body

    def images(self, response: dict[str, Any], request: ImageRequest) -> list[Generated]:  # noqa: ARG002 (the protocol's)
        seeds = response.get("seeds") or []
        reasons = response.get("finish_reasons") or []
        result = []
        for i, encoded in enumerate(response.get("images") or []):
            data = base64.b64decode(encoded)
            width, height = png_size(data)
            reason = reasons[i] if i < len(reasons) else None
            result.append(Generated(data, seeds[i] if i < len(seeds) else None, width, height, bool(reason and "Filter" in reason)))
        return result
