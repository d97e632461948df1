"""The image API's request body (one model for every family; adapters refuse what theirs lacks)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Task = Literal["TEXT_IMAGE", "IMAGE_VARIATION", "INPAINTING", "OUTPAINTING", "BACKGROUND_REMOVAL", "COLOR_GUIDED_GENERATION"]
AspectRatio = Literal["1:1", "16:9", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"]
HexColor = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
# A key under images/<you>/ or base64 (the service resolves and size-checks it).
ImageInput = Annotated[str, Field(min_length=1)]


class ImageRequest(BaseModel):
    """`prompt` is required by every task but BACKGROUND_REMOVAL, which refuses it (checked in image.service)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    prompt: Annotated[str, Field(min_length=1, max_length=10_000)] | None = None
    negative_prompt: Annotated[str, Field(min_length=1, max_length=10_000)] | None = None
    model_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    task: Task = "TEXT_IMAGE"
    source_image: ImageInput | None = None
    mask_prompt: Annotated[str, Field(min_length=1, max_length=1024)] | None = None
    mask_image: ImageInput | None = None
    outpainting_mode: Literal["DEFAULT", "PRECISE"] | None = None
    colors: Annotated[list[HexColor], Field(min_length=1, max_length=10)] | None = None
    aspect_ratio: AspectRatio | None = None
    width: Annotated[int, Field(ge=256, le=4096)] | None = None
    height: Annotated[int, Field(ge=256, le=4096)] | None = None
    seed: Annotated[int, Field(ge=0, le=4_294_967_294)] | None = None
    cfg_scale: Annotated[float, Field(ge=1.1, le=10)] | None = None
    strength: Annotated[float, Field(ge=0, le=1)] | None = None
    number_of_images: Annotated[int, Field(ge=1, le=5)] = 1
    quality: Literal["standard", "premium"] | None = None
    style: Annotated[str, Field(min_length=1, max_length=40)] | None = None
