"""Offline image models: deterministic PNGs drawn with Pillow from the prompt and seed.

Each Stability model accepts exactly its documented request fields; the picture's size follows
the aspect ratio (about one megapixel, as the real models return) or the source image. The
prompt and seed travel in PNG text chunks, which the offline guardrail reads to judge a picture.
"""

from __future__ import annotations

import base64
import hashlib
import io
from typing import Any

from PIL import Image, ImageDraw, PngImagePlugin

from local.bedrock_sim.protocol import SimError

SIZES = {
    "1:1": (1024, 1024), "16:9": (1344, 768), "21:9": (1536, 640), "2:3": (832, 1216), "3:2": (1216, 832),
    "4:5": (896, 1088), "5:4": (1088, 896), "9:16": (768, 1344), "9:21": (640, 1536),
}  # fmt: skip
STABILITY_FIELDS = {
    "stability.sd3-5-large-v1:0": {"prompt", "negative_prompt", "mode", "aspect_ratio", "seed", "output_format", "image", "strength"},
    "stability.stable-image-core-v1:1": {"prompt", "negative_prompt", "aspect_ratio", "seed", "output_format"},
    "stability.stable-image-ultra-v1:1": {"prompt", "negative_prompt", "aspect_ratio", "seed", "output_format"},
}
# Words that make the offline picture "violent", so the image guardrail has something to block.
VIOLENT = ("blood", "gore", "massacre", "피투성이", "학살")


def _seed(prompt: str, seed: int | None) -> int:
    if seed:
        return seed
    return int.from_bytes(hashlib.sha256(prompt.encode()).digest()[:4], "big") % 4_294_967_294


def draw_png(prompt: str, seed: int, size: tuple[int, int]) -> bytes:
    digest = hashlib.sha256(f"{prompt}|{seed}".encode()).digest()
    width, height = size
    picture = Image.new("RGB", size, tuple(digest[0:3]))
    pen = ImageDraw.Draw(picture)
    for i in range(6):
        x0, y0 = digest[3 + i] * width // 256, digest[9 + i] * height // 256
        x1, y1 = x0 + width // 4, y0 + height // 4
        pen.ellipse((x0, y0, x1, y1), fill=tuple(digest[15 + i : 18 + i]))
    label = prompt.encode("ascii", "replace").decode()[:60]
    pen.text((16, 16), f"offline image | seed {seed}", fill=(255, 255, 255))
    pen.text((16, 36), label, fill=(255, 255, 255))
    info = PngImagePlugin.PngInfo()
    info.add_itxt("prompt", prompt)
    info.add_text("seed", str(seed))
    out = io.BytesIO()
    picture.save(out, format="PNG", pnginfo=info, optimize=False, compress_level=1)
    return out.getvalue()


def stability(model_id: str, body: dict[str, Any]) -> dict[str, Any]:
    allowed = STABILITY_FIELDS[model_id]
    extra = sorted(set(body) - allowed)
    if extra:
        raise SimError("ValidationException", f"Malformed input request: extraneous key [{extra[0]}] is not permitted.")
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not 1 <= len(prompt) <= 10_000:
        raise SimError("ValidationException", "Malformed input request: prompt must be 1 to 10000 characters.")
    if body.get("output_format", "png") not in ("png", "jpeg"):
        raise SimError("ValidationException", "Malformed input request: output_format must be png or jpeg.")
    seed = _seed(prompt, body.get("seed"))
    if body.get("mode") == "image-to-image":
        if "image" not in body or "strength" not in body or "aspect_ratio" in body:
            raise SimError("ValidationException", "image-to-image needs image and strength, and takes no aspect_ratio.")
        try:
            source = Image.open(io.BytesIO(base64.b64decode(body["image"])))
        except Exception:
            raise SimError("ValidationException", "The provided image could not be read.") from None
        size = source.size
    else:
        ratio = body.get("aspect_ratio", "1:1")
        if ratio not in SIZES:
            raise SimError("ValidationException", f"Malformed input request: aspect_ratio must be one of {', '.join(SIZES)}.")
        size = SIZES[ratio]
    data = draw_png(prompt, seed, size)
    return {"seeds": [seed], "finish_reasons": [None], "images": [base64.b64encode(data).decode()]}


def violent(data: bytes) -> bool:
    """The offline image classifier: what the picture was drawn from."""
    try:
        prompt = str(Image.open(io.BytesIO(data)).info.get("prompt", ""))
    except Exception:
        return False
    return any(word in prompt.lower() for word in VIOLENT)
