"""Offline image models: deterministic PNGs drawn with Pillow from the prompt and seed.

Each Stability model's body is checked against its documented schema (image_bodies.py); the picture's size follows
the aspect ratio (about one megapixel, as the real models return) or the source image. The
prompt and seed travel in PNG text chunks, which the offline guardrail reads to judge a picture.
"""

from __future__ import annotations

import base64
import hashlib
import io
from typing import Any

from PIL import Image, ImageDraw, PngImagePlugin

from local.bedrock_sim.image_bodies import SCHEMAS, malformed
from local.bedrock_sim.image_bodies import check as check_body

SIZES = {
    "1:1": (1024, 1024),
    "16:9": (1344, 768),
    "21:9": (1536, 640),
    "2:3": (832, 1216),
    "3:2": (1216, 832),
    "4:5": (896, 1088),
    "5:4": (1088, 896),
    "9:16": (768, 1344),
    "9:21": (640, 1536),
}
STABILITY_FIELDS = {model_id: set(schema) for model_id, schema in SCHEMAS.items()}
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
    check_body(model_id, body)
    prompt = body["prompt"]
    seed = _seed(prompt, body.get("seed"))
    if body.get("mode") == "image-to-image":
        try:
            source = Image.open(io.BytesIO(base64.b64decode(body["image"], validate=True)))
            source.load()
        except Exception:
            raise malformed("#/image: the image could not be decoded") from None
        size = source.size
    else:
        size = SIZES[body.get("aspect_ratio", "1:1")]
    data = draw_png(prompt, seed, size)
    return {"seeds": [seed], "finish_reasons": [None], "images": [base64.b64encode(data).decode()]}


def violent(data: bytes) -> bool:
    """The offline image classifier: what the picture was drawn from."""
    try:
        prompt = str(Image.open(io.BytesIO(data)).info.get("prompt", ""))
    except Exception:
        return False
    return any(word in prompt.lower() for word in VIOLENT)
