"""Files in chat, for the chat page and `genai chat --attach`: what the chosen model can take, the content type the API
expects for each extension, the upload (POST /chat/attachments, then the presigned POST), and how files are shown."""

from __future__ import annotations

from typing import Any

# The API's formats by extension (lambdas/chat/file_rules.py); mimetypes' guesses differ by platform.
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".csv": "text/csv",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".md": "text/markdown",
}
CONTENT_TYPES = {**IMAGE_TYPES, **DOCUMENT_TYPES}
# The picker's per-file limit in whole MB (Streamlit's unit): the larger of Converse's limits, 3.75 MB an image and
# 4.5 MB a document (docs/api.md), rounded up, instead of the 50 MB the documents page needs. The API refuses a file
# over its own kind's limit with a 400 naming the file and the rule.
PICKER_MAX_MB = 5


def content_type(name: str) -> str:
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def is_image(name: str) -> bool:
    return content_type(name).startswith("image/")


def accepted(model: dict[str, Any]) -> list[str]:
    """The extensions (without the dot) the model reads, from GET /models `files`; [] when it reads no files."""
    files = model.get("files") or {}
    chosen = (IMAGE_TYPES if files.get("images") else {}) | (DOCUMENT_TYPES if files.get("documents") else {})
    return [extension[1:] for extension in chosen]


def upload_all(client: Any, files: list[tuple[str, bytes]]) -> list[dict[str, str]]:
    """Upload each (name, bytes); the `attachments` of the turn. The API's refusal (ApiError) names the file."""
    return [{"key": str(client.attach(name, data, content_type(name))["key"]), "name": name} for name, data in files]
