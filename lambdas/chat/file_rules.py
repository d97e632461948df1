"""What a chat attachment may be: its format (by extension, then by its first bytes), size and name.

Converse's rules (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Message.html): per message
at most 20 images, each at most 3.75 MB and 8,000 × 8,000 px, and at most five documents, each at most 4.5 MB;
a message with a document also needs a text block; only user messages carry files. Formats: ImageBlock png | jpeg |
gif | webp (API_runtime_ImageBlock.html), DocumentBlock pdf | csv | doc | docx | xls | xlsx | html | txt | md
(API_runtime_DocumentBlock.html). "MB" is read as 10^6 bytes (the smaller reading).
The guardrail reads images in PNG and JPEG only, at most 4 MB each
(https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_GuardrailConverseImageBlock.html,
https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-mmfilter.html).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Literal

Kind = Literal["image", "document"]
MAX_IMAGES = 20
MAX_DOCUMENTS = 5
MAX_IMAGE_BYTES = 3_750_000
MAX_DOCUMENT_BYTES = 4_500_000
MAX_IMAGE_PIXELS = 8_000  # per side
GUARDED_IMAGE_FORMATS = ("png", "jpeg")


@dataclass(frozen=True)
class FileFormat:
    kind: Kind
    format: str  # the Converse format value
    content_type: str

    @property
    def max_bytes(self) -> int:
        return MAX_IMAGE_BYTES if self.kind == "image" else MAX_DOCUMENT_BYTES


FORMATS: dict[str, FileFormat] = {
    ".png": FileFormat("image", "png", "image/png"),
    ".jpg": FileFormat("image", "jpeg", "image/jpeg"),
    ".jpeg": FileFormat("image", "jpeg", "image/jpeg"),
    ".gif": FileFormat("image", "gif", "image/gif"),
    ".webp": FileFormat("image", "webp", "image/webp"),
    ".pdf": FileFormat("document", "pdf", "application/pdf"),
    ".csv": FileFormat("document", "csv", "text/csv"),
    ".doc": FileFormat("document", "doc", "application/msword"),
    ".docx": FileFormat("document", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xls": FileFormat("document", "xls", "application/vnd.ms-excel"),
    ".xlsx": FileFormat("document", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".html": FileFormat("document", "html", "text/html"),
    ".htm": FileFormat("document", "html", "text/html"),
    ".txt": FileFormat("document", "txt", "text/plain"),
    ".md": FileFormat("document", "md", "text/markdown"),
}
ALLOWED = ", ".join(sorted(FORMATS))
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy Office container (.doc, .xls)


def format_of(name: str) -> FileFormat | None:
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return FORMATS.get(extension)


def content_matches(spec: FileFormat, head: bytes) -> bool:
    """Whether the file's bytes are what its extension says (not just the name): magic numbers for binary formats,
    the Office Open XML part for .docx/.xlsx, UTF-8 text without NUL bytes for the text formats."""
    checks = {
        "png": lambda: head.startswith(b"\x89PNG\r\n\x1a\n"),
        "jpeg": lambda: head.startswith(b"\xff\xd8\xff"),
        "gif": lambda: head[:6] in (b"GIF87a", b"GIF89a"),
        "webp": lambda: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
        "pdf": lambda: head.startswith(b"%PDF-"),
        "doc": lambda: head.startswith(_OLE2),
        "xls": lambda: head.startswith(_OLE2),
        "docx": lambda: _has_part(head, "word/"),
        "xlsx": lambda: _has_part(head, "xl/"),
    }
    check = checks.get(spec.format)
    return check() if check else _is_text(head)


def _has_part(data: bytes, folder: str) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name.startswith(folder) for name in archive.namelist())
    except zipfile.BadZipFile:
        return False


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def image_size(data: bytes, image_format: str) -> tuple[int, int] | None:
    """Width and height from the header (PNG, GIF, JPEG, WebP), without decoding the picture; None if unreadable."""
    try:
        if image_format == "png" and len(data) >= 24:
            return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        if image_format == "gif" and len(data) >= 10:
            return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
        if image_format == "webp":
            return _webp_size(data)
        if image_format == "jpeg":
            return _jpeg_size(data)
    except (IndexError, ValueError):
        return None
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8 ":
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker, length = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(data[i + 7 : i + 9], "big"), int.from_bytes(data[i + 5 : i + 7], "big")
        i += 2 + length
    return None


# DocumentBlock.name: "Alphanumeric characters, Whitespace characters (no more than one in a row), Hyphens,
# Parentheses, Square brackets", 1-200 characters; a '.' is refused, so the extension never goes in the name
# (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_DocumentBlock.html). Bedrock refuses non-ASCII
# letters too [second-hand: vercel/ai#20365, aws-samples/generative-ai-use-cases#1671].
DOCUMENT_NAME = re.compile(r"^[A-Za-z0-9()\[\]-]+( [A-Za-z0-9()\[\]-]+)*$")
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9()\[\] -]+")


def document_name(file_name: str, index: int, taken: set[str]) -> str:
    """The name Converse is given for a document: the file name without its extension, reduced to the allowed
    characters (others become '-', whitespace runs one space), else `document-N`; unique within the message."""
    stem = unicodedata.normalize("NFKC", file_name).rsplit(".", 1)[0]
    cleaned = " ".join(_NOT_ALLOWED.sub("-", stem.replace("_", "-")).split())
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip(" -")[:180].strip() or f"document-{index}"
    name, n = cleaned, 2
    while name in taken:
        name, n = f"{cleaned} ({n})", n + 1
    taken.add(name)
    return name


_KEY_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def key_name(file_name: str) -> str:
    """A file name safe in an S3 key (no path, no spaces or control characters), keeping its extension and letters."""
    base = unicodedata.normalize("NFC", file_name).replace("\\", "/").rsplit("/", 1)[-1]
    safe = _KEY_UNSAFE.sub("-", base).strip(".-")
    return safe[-120:] or "file"
