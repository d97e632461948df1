"""The most input tokens Bedrock can count for the files a chat turn sends (this turn's and the window's resent ones):
part of the reservation made before the first paid call (chat/metering.py, common/usage/estimate.py).

No AWS or Anthropic page gives an exact count for every file, so each rule below is an upper bound built from what the
pages do say, with its source; where they say nothing, the choice is this product's and says so (docs/cost.md).

Images (dimensions from the file's header, chat/file_rules.py image_size):
* Claude: "An image uses approximately width * height / 750 tokens"; the current page counts 28 x 28 px patches,
  ceil(w/28) x ceil(h/28), after resizing an image larger than the model's native resolution (long edge 1,568 px and
  about 1,600 tokens before Claude Opus 4.7; 2,576 px and 4,784 patches, 3.75 MP, from Opus 4.7)
  [https://platform.claude.com/docs/en/build-with-claude/vision; the 2,576 px / 3.75 MP figures second-hand, e.g.
  claudecodecamp.com "images cost 3x more tokens in Claude Opus 4.7"]. Bound: the larger of both formulas, at most
  CLAUDE_IMAGE_MAX (3.75 MP / 750) for every Claude model, the newest's native resolution being the largest.
* Nova: only a table of examples, ~800 tokens (900 x 450) to ~2,600 (1.3K x 1.3K), images being rescaled up or down to
  the closest of its aspect ratios [https://docs.aws.amazon.com/nova/latest/userguide/modalities-image.html]. This
  product's choice: at least NOVA_IMAGE_MIN (the table's largest plus 25% for its "~"), and 1 token per NOVA_PIXELS_PER
  pixels beyond (every row has more than 500 px a token; 400 leaves 20%). Nova 2 bills 230 tokens an image (its guide).
Documents (the text a model is shown, at one token a character at most: the assumption common/usage/estimate.py makes
for all text):
* txt, md, csv, html, doc, xls: their bytes (UTF-8, and the 8-bit or UTF-16 text of Office's binary formats, spend at
  least one byte a character).
* docx, xlsx (ZIP of XML, read with zipfile): the text between the XML tags plus one separator per tag; an xlsx sheet's
  shared-string cells at the longest shared string each, and any cell at XLSX_CELL_CHARS more (a number or date
  formatted as text); embedded PNG/JPEG/GIF/WebP pictures as images ("standard image formats … are processed",
  https://docs.aws.amazon.com/nova/latest/userguide/modalities-document.html).
* pdf: its text, the characters pypdf extracts from every page (chat/pdf_reader.py: the reading the guardrail's read
  check already made this turn, else a new one under the same limits), its pictures (image XObjects) as images, and
  every page as an image: Claude "converts each page
  of the document into an image" alongside its text when citations are on
  [https://platform.claude.com/docs/en/build-with-claude/pdf-support]; Nova "processes both the visual and textual
  elements" (the Nova page above). A page is counted as the largest image of the family (CLAUDE_IMAGE_MAX, and
  NOVA_IMAGE_MIN for Nova: this product's choice). Bedrock's own extractor is not pypdf: its text may differ a little
  (ligatures, spacing), which the one-token-a-character assumption covers (most text has several characters a token).
  A PDF pypdf cannot read (damaged, encrypted) counts its bytes, plus a page for each "/Type /Page" mark; one over the
  reader's limits (a decompression bomb, too slow to read) counts MAX_INFLATED, past any context window.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from chat.file_rules import image_size
from chat.ooxml_text import ARCHIVE_ERRORS
from chat.pdf_reader import PdfRefusedError, PdfUnreadableError, pdf_counts

CLAUDE_IMAGE_MAX = 5_000  # 3,750,000 px / 750
CLAUDE_PATCH = 28
CLAUDE_PIXELS_PER_TOKEN = 750
NOVA_IMAGE_MIN = 3_250  # ~2,600 x 1.25
NOVA_PIXELS_PER = 400
# Text taken as past any model's context window: a document that unpacks to more (a decompression bomb) is bounded by it.
MAX_INFLATED = 16_000_000
XLSX_CELL_CHARS = 24  # e.g. "2026-11-24 00:00:00" (19) or "-1,234,567,890.00" (17)
_PICTURES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".webp": "webp"}
_TAG = re.compile(rb"<[^>]*>")
_SHARED_CELL = re.compile(rb"<c\b[^>]*\bt=\"s\"")
_CELL = re.compile(rb"<c\b")
_SHARED_STRING = re.compile(rb"<si>(.*?)</si>", re.DOTALL)


def image_tokens(family: str, width: int, height: int) -> int:
    """The most tokens an image of these dimensions counts for a model of this family."""
    if family == "nova":
        return max(NOVA_IMAGE_MIN, math.ceil(width * height / NOVA_PIXELS_PER))
    area = math.ceil(width * height / CLAUDE_PIXELS_PER_TOKEN)
    patches = math.ceil(width / CLAUDE_PATCH) * math.ceil(height / CLAUDE_PATCH)
    return min(max(area, patches, 1), CLAUDE_IMAGE_MAX)


def page_tokens(family: str) -> int:
    """A document page seen as a picture (module docstring)."""
    return NOVA_IMAGE_MIN if family == "nova" else CLAUDE_IMAGE_MAX


def document_tokens(family: str, document_format: str, data: bytes) -> int:
    """The most tokens a document of this format counts (module docstring)."""
    if document_format == "pdf":
        try:
            found = pdf_counts(data)
        except PdfUnreadableError:
            return len(data) + page_tokens(family) * max(1, data.count(b"/Type /Page") + data.count(b"/Type/Page"))
        except PdfRefusedError:
            return MAX_INFLATED
        pictures = sum(image_tokens(family, w, h) for w, h in found.pictures)
        return found.text_chars + pictures + page_tokens(family) * found.pages
    if document_format in ("docx", "xlsx"):
        try:
            return _office_tokens(family, data)
        except ARCHIVE_ERRORS:  # damaged past its directory (read checks off, else the read check refused it first)
            return len(data)
    return len(data)


def _office_tokens(family: str, data: bytes) -> int:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return len(data)
    total, inflated, longest, shared_cells = 0, 0, 0, 0
    with archive:
        for info in archive.infolist():
            name = info.filename.lower()
            picture = _PICTURES.get(name[name.rfind(".") :]) if "." in name else None
            if picture is not None:
                with archive.open(info) as part:
                    size = image_size(part.read(65_536), picture)  # the header (a JPEG's size may come later: then 8,000 px)
                total += image_tokens(family, *(size or (8_000, 8_000)))
                continue
            if not name.endswith((".xml", ".rels")):
                continue
            if inflated + info.file_size > MAX_INFLATED:
                return total + MAX_INFLATED  # past any context window
            xml = archive.read(info)
            inflated += len(xml)
            tags = _TAG.findall(xml)
            total += len(xml) - sum(len(t) for t in tags) + len(tags)
            if name.endswith("sharedstrings.xml"):
                longest = max([len(_TAG.sub(b"", s)) for s in _SHARED_STRING.findall(xml)] + [longest])
            elif "/worksheets/" in name:
                shared_cells += len(_SHARED_CELL.findall(xml))
                total += XLSX_CELL_CHARS * len(_CELL.findall(xml))
    return total + shared_cells * longest


def files_tokens(family: str, files: Iterable[tuple[str, str, bytes]]) -> int:
    """(kind, Converse format, bytes) of each file sent: the most tokens they count together."""
    total = 0
    for kind, file_format, data in files:
        if kind == "image":
            size = image_size(data, file_format) or (8_000, 8_000)  # Converse's largest image, if the header is unreadable
            total += image_tokens(family, *size)
        else:
            total += document_tokens(family, file_format, data)
    return total


def sent_files(messages: list[dict[str, Any]]) -> list[tuple[str, str, bytes]]:
    """(kind, format, bytes) of the image and document blocks in Converse messages (the window's resent files)."""
    found = []
    for message in messages:
        for block in message["content"]:
            image = block.get("image") or (block.get("guardContent") or {}).get("image")
            if image is not None:
                found.append(("image", image["format"], bytes(image["source"]["bytes"])))
            elif "document" in block:
                document = block["document"]
                found.append(("document", document["format"], bytes(document["source"]["bytes"])))
    return found
