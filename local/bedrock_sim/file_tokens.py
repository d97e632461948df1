"""Input tokens of image and document blocks as the offline Bedrock reports them: the documented formulas, applied.

* Claude images: resized to the model's native resolution when larger, then counted as the vision page says
  (https://platform.claude.com/docs/en/build-with-claude/vision): before Opus 4.7, long edge 1,568 px and about 1,600
  tokens, width x height / 750; Opus 4.7 and later (the 5.5 models taken as later), long edge 2,576 px and 3.75 MP
  [second-hand], ceil(w/28) x ceil(h/28) patches of 28 x 28 px.
* Nova images: the table of https://docs.aws.amazon.com/nova/latest/userguide/modalities-image.html: "the closest
  aspect ratio", then the row closest in size ("800x400 … the closest resolution is 900x450 … about 800 tokens");
  an image larger than that row, that row's tokens per pixel.
* Documents: the tokens of their text (model.tokens: about four characters a token); PDF text as pypdf extracts it;
  docx/xlsx the text of their XML parts; .doc/.xls (binary Office: not parsed here) a token per four bytes. Pictures:
  a Claude PDF with citations on is read page by page as text and an image of each page ("Claude PDF chat",
  https://platform.claude.com/docs/en/build-with-claude/pdf-support; without citations, text only); Nova reads the
  pictures inside PDF and DOCX files ("standard image formats (PNG, JPG, GIF, WebP)",
  https://docs.aws.amazon.com/nova/latest/userguide/modalities-document.html).
A PDF pypdf cannot read counts no text (the model would see none).
The chat function reserves an upper bound of these (lambdas/chat/file_tokens.py); tests check it is never less.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from typing import Any

from PIL import Image

from local.bedrock_sim.model import tokens

NOVA_TABLE = ((900, 450, 800), (900, 900, 1_300), (1_400, 900, 1_800), (1_800, 900, 2_400), (1_300, 1_300, 2_600))
PAGE_DPI = 200  # a page rendered for Claude (then resized to the native resolution like any image)
_PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
_TAG = re.compile(rb"<[^>]*>")


def _high_resolution(model_id: str) -> bool:
    return "opus-4-7" in model_id or "-5-5" in model_id


def claude_image(model_id: str, width: int, height: int) -> int:
    long_edge, most_pixels = (2_576, 3_750_000) if _high_resolution(model_id) else (1_568, 1_150_000)
    scale = min(1.0, long_edge / max(width, height, 1), math.sqrt(most_pixels / max(width * height, 1)))
    w, h = max(1, int(width * scale)), max(1, int(height * scale))
    if _high_resolution(model_id):
        return math.ceil(w / 28) * math.ceil(h / 28)
    return max(1, math.ceil(w * h / 750))


def nova_image(width: int, height: int) -> int:
    ratio = max(width, height) / max(1, min(width, height))
    nearest = min(abs(max(w, h) / min(w, h) - ratio) for w, h, _ in NOVA_TABLE)
    rows = [row for row in NOVA_TABLE if abs(max(row[0], row[1]) / min(row[0], row[1]) - ratio) == nearest]
    w, h, counted = min(rows, key=lambda row: abs(row[0] * row[1] - width * height))
    return math.ceil(counted * max(1.0, width * height / (w * h)))


def image_tokens(model_id: str, width: int, height: int) -> int:
    return nova_image(width, height) if "nova" in model_id else claude_image(model_id, width, height)


def picture_size(data: bytes) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            return opened.size
    except Exception:
        return (0, 0)


def block_tokens(model_id: str, block: dict[str, Any], raw: bytes) -> int:
    """Tokens of an image block (`raw` its bytes) or of a document block."""
    if "document" not in block:
        return image_tokens(model_id, *picture_size(raw))
    document = block["document"]
    kind = document.get("format", "txt")
    if kind == "pdf":
        return _pdf(model_id, raw, bool((document.get("citations") or {}).get("enabled")))
    if kind in ("docx", "xlsx"):
        return _office(model_id, raw)
    if kind in ("doc", "xls"):
        return max(1, len(raw) // 4)
    return max(1, tokens(raw.decode("utf-8", "replace")))


def _pdf(model_id: str, raw: bytes, citations: bool) -> int:
    from pypdf import PdfReader

    try:
        pages = list(PdfReader(io.BytesIO(raw)).pages)
        total = sum(tokens(page.extract_text() or "") for page in pages)
    except Exception:
        return 1  # unreadable: no text for the model (Bedrock would refuse it)
    for page in pages:
        box = page.mediabox
        if citations and "nova" not in model_id:
            total += claude_image(model_id, int(box.width * PAGE_DPI / 72), int(box.height * PAGE_DPI / 72))
        if "nova" in model_id:
            total += sum(nova_image(*_xobject_size(x)) for x in _xobjects(page))
    return max(1, total)


def _xobjects(page: Any) -> list[Any]:
    resources = page.get("/Resources") or {}
    xobjects = resources.get("/XObject") or {}
    found = [xobjects[name].get_object() for name in xobjects]
    return [x for x in found if x.get("/Subtype") == "/Image"]


def _xobject_size(xobject: Any) -> tuple[int, int]:
    return int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))


def _office(model_id: str, raw: bytes) -> int:
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            for name in archive.namelist():
                if name.endswith(".xml"):
                    text = _TAG.sub(b" ", archive.read(name)).decode("utf-8", "replace")
                    total += tokens(" ".join(text.split()))
                elif name.lower().endswith(_PICTURES) and "nova" in model_id:
                    total += nova_image(*picture_size(archive.read(name)))
    except zipfile.BadZipFile:
        return max(1, len(raw) // 4)
    return max(1, total)
