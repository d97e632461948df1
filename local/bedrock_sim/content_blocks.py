"""Image and document blocks in a Converse request, checked as Bedrock checks them, and what the offline model "reads".

Rules (docs/local-bedrock.md lists them with their sources):
- Message content: at most 20 images, each at most 3.75 MB and 8,000 × 8,000 px; at most five documents, each at most
  4.5 MB; a message with a document also carries a text block; only user messages carry images and documents
  (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Message.html). "MB" is read as 10^6 bytes.
- DocumentBlock.name: alphanumerics, single whitespace, hyphens, parentheses, square brackets
  (API_runtime_DocumentBlock.html), refused with the message Bedrock answers [second-hand: simonw/llm-bedrock#8,
  vercel/ai#20365]. Bedrock also lets underscores through (second-hand); the simulator does not (stricter is safe).
- A model that does not read images or documents (infra/catalog/attachments.py) refuses the block with Bedrock's message
  for images [second-hand: boto/boto3#4581, aws-samples/amazon-bedrock-samples#608] and the same form for documents.
- Image bytes that are not the stated format: "The provided image does not match the specified image format."
  [second-hand: boto/boto3#4415].
- guardContent images (GuardrailConverseImageBlock): png | jpeg only (botocore's enum checks that), assessed by the
  image content filters on input.
"""

from __future__ import annotations

import base64
import io
import re
from typing import Any

from PIL import Image

from infra.catalog.attachments import content_support
from local.bedrock_sim import images
from local.bedrock_sim.protocol import SimError

MAX_IMAGES, MAX_DOCUMENTS = 20, 5
MAX_IMAGE_BYTES, MAX_DOCUMENT_BYTES, MAX_PIXELS = 3_750_000, 4_500_000, 8_000
NAME = re.compile(r"^[A-Za-z0-9()\[\]-]+( [A-Za-z0-9()\[\]-]+)*$")
NAME_MESSAGE = (
    "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses, and "
    "square brackets. The name can't contain more than one consecutive whitespace character. Check that the file name "
    "conforms to these restrictions and retry your request."
)
_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}


def raw(value: Any) -> bytes | None:
    """A blob as bytes (the wire carries it base64-encoded; protocol.py may have decoded it already)."""
    if value is None:
        return None
    return base64.b64decode(value) if isinstance(value, str) else bytes(value)


def _invalid(message: str) -> SimError:
    return SimError("ValidationException", message)


def image_of(block: dict[str, Any]) -> dict[str, Any] | None:
    return block.get("image") or (block.get("guardContent") or {}).get("image")


def check(foundation_model_id: str, messages: list[dict[str, Any]]) -> None:
    support = content_support(foundation_model_id)
    for i, message in enumerate(messages):
        pictures = [(j, image_of(b)) for j, b in enumerate(message["content"]) if image_of(b)]
        documents = [(j, b["document"]) for j, b in enumerate(message["content"]) if "document" in b]
        if (pictures or documents) and message["role"] != "user":
            raise _invalid(f"messages.{i}: you can only include images and documents if the role is user.")
        if pictures and not support.images:
            raise _invalid("This model doesn't support the image content block that you provided. Update the content block and try again.")
        if documents and not support.documents:
            raise _invalid(
                "This model doesn't support the document content block that you provided. Update the content block and try again."
            )
        if len(pictures) > MAX_IMAGES:
            raise _invalid(f"messages.{i}.content: too many images ({len(pictures)}); a message can include up to {MAX_IMAGES}.")
        if len(documents) > MAX_DOCUMENTS:
            raise _invalid(f"messages.{i}.content: too many documents ({len(documents)}); a message can include up to {MAX_DOCUMENTS}.")
        if documents and not any("text" in b or "text" in (b.get("guardContent") or {}) for b in message["content"]):
            raise _invalid(f"messages.{i}.content: a message with a document must also include a text block.")
        for j, picture in pictures:
            assert picture is not None
            _check_image(f"messages.{i}.content.{j}", picture)
        for j, document in documents:
            _check_document(f"messages.{i}.content.{j}", document)


def _check_image(path: str, block: dict[str, Any]) -> None:
    data = raw(block["source"].get("bytes"))
    if data is None:
        return  # an s3Location: not read offline (docs/local-bedrock.md)
    if len(data) > MAX_IMAGE_BYTES:
        raise _invalid(f"{path}.image: the image is {len(data)} bytes; each image's size must be no more than 3.75 MB.")
    try:
        with Image.open(io.BytesIO(data)) as picture:
            found, size = picture.format, picture.size
    except Exception:
        found, size = None, (0, 0)
    if found != _PIL_FORMATS.get(block["format"]):
        raise _invalid("The model returned the following errors: The provided image does not match the specified image format.")
    if max(size) > MAX_PIXELS:
        raise _invalid(f"{path}.image: the image is {size[0]} x {size[1]} px; height and width must be no more than {MAX_PIXELS} px.")


def _check_document(path: str, block: dict[str, Any]) -> None:
    if not NAME.fullmatch(block["name"]):
        raise _invalid(NAME_MESSAGE)
    data = raw(block["source"].get("bytes"))
    if data is not None and len(data) > MAX_DOCUMENT_BYTES:
        raise _invalid(f"{path}.document: the document is {len(data)} bytes; each document's size must be no more than 4.5 MB.")
    if data is not None and block.get("format") == "pdf" and not data.startswith(b"%PDF-"):
        raise _invalid(f"{path}.document: the document is not a valid pdf file.")


def guarded_images(messages: list[dict[str, Any]]) -> list[bytes]:
    """Image bytes marked for the guardrail (guardContent.image) in the request."""
    found = [
        raw(b["guardContent"]["image"]["source"].get("bytes"))
        for m in messages
        for b in m["content"]
        if "image" in b.get("guardContent", {})
    ]
    return [data for data in found if data is not None]


def image_blocked(data: bytes, setting: Any) -> bool:
    """The offline image filter on input: the picture was drawn from violent words and VIOLENCE filters images on input."""
    return bool(setting.images) and setting.input != "NONE" and images.violent(data)


def read_note(messages: list[dict[str, Any]]) -> str:
    """What the offline model says it read: each file of each message, so a test sees which files were sent."""
    seen = []
    for i, message in enumerate(messages):
        for block in message["content"]:
            picture = image_of(block)
            if picture:
                seen.append(f"image {picture['format']} ({len(raw(picture['source'].get('bytes')) or b'')} bytes) in message {i + 1}")
            if "document" in block:
                document = block["document"]
                seen.append(f"document «{document['name']}» ({document.get('format', 'txt')}) in message {i + 1}")
    return f" Files I read: {'; '.join(seen)}." if seen else ""
