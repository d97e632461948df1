"""Amazon image models (Nova Canvas; Titan Image Generator v2 shares the body shape).

Body: `taskType` + one parameter object per task + `imageGenerationConfig` {width, height,
quality, cfgScale, seed, numberOfImages} (none for BACKGROUND_REMOVAL; no width/height for
INPAINTING and OUTPAINTING, whose output follows the source). Response: {images: [base64], error?};
fewer images than asked plus `error` means the model's own filter withheld the rest.
Rules from the Nova Canvas request/response page (docs.aws.amazon.com/nova/latest/userguide/
image-gen-req-resp-structure.html); Titan v2 is past end of life and its own size list is not encoded.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from image.adapters import Generated, Inputs, invalid, png_size, refuse
from image.models import ImageRequest

NOVA_STYLES = (
    "3D_ANIMATED_FAMILY_FILM",
    "DESIGN_SKETCH",
    "FLAT_VECTOR_ILLUSTRATION",
    "GRAPHIC_NOVEL_ILLUSTRATION",
    "MAXIMALISM",
    "MIDCENTURY_RETRO",
    "PHOTOREALISM",
    "SOFT_DIGITAL_PAINTING",
)
MAX_TEXT = 1024
# Nova Canvas: 0-858,993,459 (https://docs.aws.amazon.com/nova/latest/userguide/code-examples-image.html);
# Titan Image Generator v2: 0-2,147,483,646.
MAX_SEED = {"amazon.nova-canvas-v1:0": 858_993_459}
TITAN_MAX_SEED = 2_147_483_646
SIDE = (320, 4096)
MAX_PIXELS = 4_194_304  # 2048 x 2048: AWS pages disagree whether this exact count is allowed; the overview names 2048x2048
CONFIG = frozenset({"width", "height", "quality", "cfg_scale", "seed", "number_of_images"})
EDIT_CONFIG = frozenset({"quality", "cfg_scale", "seed", "number_of_images"})


@dataclass(frozen=True)
class Task:
    params_key: str
    needs: frozenset[str]
    takes: frozenset[str]


TASKS = {
    "TEXT_IMAGE": Task("textToImageParams", frozenset({"prompt"}), frozenset({"negative_prompt", "style"}) | CONFIG),
    "COLOR_GUIDED_GENERATION": Task(
        "colorGuidedGenerationParams", frozenset({"prompt", "colors"}), frozenset({"negative_prompt", "source_image"}) | CONFIG
    ),
    "IMAGE_VARIATION": Task(
        "imageVariationParams", frozenset({"prompt", "source_image"}), frozenset({"negative_prompt", "strength"}) | CONFIG
    ),
    "INPAINTING": Task(
        "inPaintingParams", frozenset({"prompt", "source_image"}), frozenset({"negative_prompt", "mask_prompt", "mask_image"}) | EDIT_CONFIG
    ),
    "OUTPAINTING": Task(
        "outPaintingParams",
        frozenset({"prompt", "source_image"}),
        frozenset({"negative_prompt", "mask_prompt", "mask_image", "outpainting_mode"}) | EDIT_CONFIG,
    ),
    "BACKGROUND_REMOVAL": Task("backgroundRemovalParams", frozenset({"source_image"}), frozenset()),
}
FIELDS = (
    "prompt",
    "negative_prompt",
    "source_image",
    "mask_prompt",
    "mask_image",
    "outpainting_mode",
    "colors",
    "aspect_ratio",
    "width",
    "height",
    "seed",
    "cfg_scale",
    "strength",
    "quality",
    "style",
)


def _given(request: ImageRequest) -> set[str]:
    given = {f for f in FIELDS if getattr(request, f) is not None}
    return given | ({"number_of_images"} if request.number_of_images != 1 else set())


def _b64(data: bytes | None) -> str:
    return base64.b64encode(data or b"").decode()


def check_size(width: int, height: int) -> None:
    low, high = SIDE
    for field, value in (("width", width), ("height", height)):
        if not low <= value <= high or value % 16:
            raise invalid(field, f"must be a multiple of 16 from {low} to {high}")
    if max(width / height, height / width) > 4:
        raise invalid("width", "width:height must be between 1:4 and 4:1")
    if width * height > MAX_PIXELS:
        raise invalid("width", f"width x height must be at most {MAX_PIXELS:,} pixels (2048 x 2048)")


class AmazonAdapter:
    def __init__(self, model_id: str, name: str, tasks: tuple[str, ...]) -> None:
        self.model_id, self.name, self.tasks = model_id, name, tasks
        self.styles = NOVA_STYLES if model_id.startswith("amazon.nova-canvas") else ()
        self.max_seed = MAX_SEED.get(model_id, TITAN_MAX_SEED)

    def _validate(self, request: ImageRequest, task: Task) -> None:
        if request.task not in self.tasks:
            refuse(["task"], self.name, f"supported tasks: {', '.join(self.tasks)}")
        given = _given(request)
        refuse(sorted(given - task.needs - task.takes), self.name, f"{request.task} takes {', '.join(sorted(task.needs | task.takes))}")
        missing = sorted(task.needs - given)
        if missing:
            raise invalid(missing[0], f"{request.task} needs {', '.join(missing)}")
        if request.task in ("INPAINTING", "OUTPAINTING") and (request.mask_prompt is None) == (request.mask_image is None):
            raise invalid("mask_prompt", f"{request.task} needs exactly one of mask_prompt and mask_image")
        for field in ("prompt", "negative_prompt"):
            if len(getattr(request, field) or "") > MAX_TEXT:
                raise invalid(field, f"{self.name} takes at most {MAX_TEXT} characters")
        if request.style is not None and request.style not in self.styles:
            raise invalid("style", f"one of {', '.join(self.styles)}" if self.styles else f"{self.name} has no styles")
        if request.seed is not None and request.seed > self.max_seed:
            raise invalid("seed", f"{self.name} takes a seed from 0 to {self.max_seed:,}")
        if request.strength is not None and request.strength < 0.2:
            raise invalid("strength", "similarity strength from 0.2 to 1.0 for Amazon image variation")
        if (request.width is None) != (request.height is None):
            raise invalid("width" if request.width is None else "height", "give width and height together")
        if request.width is not None and request.height is not None:
            check_size(request.width, request.height)

    def body(self, request: ImageRequest, prompt: str | None, inputs: Inputs) -> dict[str, Any]:
        task = TASKS[request.task]
        self._validate(request, task)
        if request.task == "BACKGROUND_REMOVAL":
            return {"taskType": request.task, task.params_key: {"image": _b64(inputs.source)}}
        params: dict[str, Any] = {"text": prompt}
        if request.negative_prompt:
            params["negativeText"] = request.negative_prompt
        if request.task == "TEXT_IMAGE" and request.style:
            params["style"] = request.style
        elif request.task == "COLOR_GUIDED_GENERATION":
            params["colors"] = list(request.colors or [])
            if inputs.source is not None:
                params["referenceImage"] = _b64(inputs.source)
        elif request.task == "IMAGE_VARIATION":
            params["images"] = [_b64(inputs.source)]
            if request.strength is not None:
                params["similarityStrength"] = request.strength
        elif request.task in ("INPAINTING", "OUTPAINTING"):
            params["image"] = _b64(inputs.source)
            if request.mask_prompt is not None:
                params["maskPrompt"] = request.mask_prompt
            else:
                params["maskImage"] = _b64(inputs.mask)
            if request.outpainting_mode is not None:
                params["outPaintingMode"] = request.outpainting_mode
        config: dict[str, Any] = {"numberOfImages": request.number_of_images}
        optional = {
            "width": request.width,
            "height": request.height,
            "quality": request.quality,
            "cfgScale": request.cfg_scale,
            "seed": request.seed,
        }
        config.update({k: v for k, v in optional.items() if v is not None})
        return {"taskType": request.task, task.params_key: params, "imageGenerationConfig": config}

    def images(self, response: dict[str, Any], request: ImageRequest) -> list[Generated]:
        result = []
        for encoded in response.get("images") or []:
            data = base64.b64decode(encoded)
            result.append(Generated(data, request.seed, *png_size(data), False))
        if response.get("error"):  # the model's filter withheld the ones missing
            asked = 1 if request.task == "BACKGROUND_REMOVAL" else request.number_of_images
            result += [Generated(b"", request.seed, 0, 0, True)] * max(0, asked - len(result))
        return result
