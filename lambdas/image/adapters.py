"""The interface every image model family implements: request body out, pictures back.

One module per family (image.stability, image.amazon); `adapter_for` picks one. A parameter the
chosen model does not take is a 400 naming it, raised before any paid call.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Inputs:
    """The request's pictures, already resolved to bytes (own key or base64 within the limit)."""

    source: bytes | None = None
    mask: bytes | None = None


class Adapter(Protocol):
    def body(self, request: ImageRequest, prompt: str | None, inputs: Inputs) -> dict[str, Any]: ...

    def images(self, response: dict[str, Any], request: ImageRequest) -> list[Generated]: ...


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no imaging library in the function)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def refuse(fields: list[str], model_name: str, why: str) -> None:
    """400 naming every field in `fields` (nothing when the list is empty)."""
    if fields:
        raise ValidationFailedError(
            f"{model_name} does not take {', '.join(fields)}", details=[{"field": f, "message": why} for f in fields]
        )


def invalid(field: str, message: str) -> ValidationFailedError:
    return ValidationFailedError(f"{field}: {message}", details=[{"field": field, "message": message}])
