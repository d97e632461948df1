"""Files in chat: presigned uploads under the caller's own prefix, and the checks a turn's files pass before Bedrock.

Upload: POST /chat/attachments answers a presigned POST for `attachments/{sub}/{upload id}/{file name}` whose
policy fixes the key, the Content-Type and SSE-S3, and allows 1 byte up to the kind's Converse limit
(content-length-range; https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html), for
`attachments.upload_seconds`. The turn names the keys; each one is checked here in order — the caller's prefix (another
user's key is a 404, as another user's conversation is: its existence is not disclosed), the format by extension, the
model's capability, Converse's per-message counts, then HEAD (exists, size) and the first bytes (the content is what
the extension says). Any failure is a 400 (404 for a key that is not the caller's or is gone) naming the file and the
rule. The bytes go to Bedrock inline (`source.bytes`): Claude takes no S3 locations (chat/file_rules.py sources).
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from botocore.exceptions import ClientError

from chat.file_rules import (
    ALLOWED,
    GUARDED_IMAGE_FORMATS,
    MAX_DOCUMENTS,
    MAX_IMAGE_PIXELS,
    MAX_IMAGES,
    FileFormat,
    content_matches,
    format_of,
    image_size,
    key_name,
)
from chat.models import AttachmentRef, AttachmentUploadRequest
from common.auth import Caller
from common.errors import NotFoundError, ValidationFailedError
from common.runtime_config import AttachmentSettings, ChatModelSpec
from common.storage import object_missing, storage_failure

PREFIX = "attachments/"  # infra/constants.py ATTACHMENTS_PREFIX: the IAM grants and the lifecycle rule name it
NAME_FIELD = "x-amz-meta-name"  # user metadata "name" (percent-encoded: metadata travels in HTTP headers)


@dataclass(frozen=True)
class Loaded:
    """A checked file of this turn: what is stored with the message and what Bedrock is sent."""

    key: str
    name: str
    spec: FileFormat
    data: bytes

    def stored(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "type": self.spec.content_type, "size": len(self.data)}


def user_prefix(sub: str) -> str:
    return f"{PREFIX}{sub}/"


def _problem(field: str, name: str, rule: str) -> ValidationFailedError:
    return ValidationFailedError(f"{name}: {rule}", details=[{"field": field, "message": f"{name}: {rule}"}])


def display_name(raw: str) -> str:
    """A name to show (never used in a key or sent as a document name as is): NFC, no control characters."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", raw) if unicodedata.category(ch)[0] != "C").strip()
    return name[:255] or "file"


class Attachments:
    def __init__(self, s3: Any, bucket: str, settings: AttachmentSettings) -> None:
        self._s3, self._bucket, self._settings = s3, bucket, settings

    # --- upload -------------------------------------------------------------------------------

    def create_upload(self, caller: Caller, request: AttachmentUploadRequest) -> dict[str, Any]:
        name = display_name(request.name)
        spec = format_of(name)
        if spec is None:
            raise _problem("name", name, f"this file type cannot be attached; allowed: {ALLOWED}")
        if request.content_type != spec.content_type:
            raise _problem("content_type", name, f"a {spec.format} file is sent as {spec.content_type}")
        if request.size > spec.max_bytes:
            rule = f"an attached {spec.kind} may be at most {spec.max_bytes:,} bytes (Converse); this one is {request.size:,}"
            raise _problem("size", name, rule)
        key = f"{user_prefix(caller.sub)}{secrets.token_urlsafe(12)}/{key_name(name)}"
        try:
            post = self._s3.generate_presigned_post(
                Bucket=self._bucket,
                Key=key,
                Fields={"Content-Type": spec.content_type, "x-amz-server-side-encryption": "AES256", NAME_FIELD: quote(name)},
                Conditions=[
                    {"Content-Type": spec.content_type},
                    {"x-amz-server-side-encryption": "AES256"},
                    {NAME_FIELD: quote(name)},  # the name as the user gave it (a key holds a safe form of it)
                    ["content-length-range", 1, spec.max_bytes],
                ],
                ExpiresIn=self._settings.upload_seconds,
            )
        except ClientError as err:
            raise storage_failure(err, "attachment storage") from err
        return {
            "key": key,
            "name": name,
            "kind": spec.kind,
            "format": spec.format,
            "max_bytes": spec.max_bytes,
            "upload": {"url": post["url"], "fields": post["fields"]},
            "expires_in": self._settings.upload_seconds,
        }

    # --- the turn's files -----------------------------------------------------------------------

    def load(self, caller: Caller, refs: list[AttachmentRef], model: ChatModelSpec, images_guarded: bool) -> list[Loaded]:
        """The turn's files, checked (module docstring) and read; raises on the first file that breaks a rule."""
        limit = self._settings.max_files_per_turn
        if len(refs) > limit:
            raise ValidationFailedError(
                f"at most {limit} files per turn", details=[{"field": "attachments", "message": f"{len(refs)} files; at most {limit}"}]
            )
        checked: list[tuple[AttachmentRef, str, FileFormat]] = []
        for i, ref in enumerate(refs):
            field = f"attachments[{i}]"
            name = display_name(ref.name or ref.key.rsplit("/", 1)[-1])  # the upload's own name once HEAD has it
            if not ref.key.startswith(user_prefix(caller.sub)):
                raise NotFoundError(f"attachment not found: {name}", details=[{"field": field, "message": f"{name}: not yours"}])
            if any(ref.key == other.key for other, _, _ in checked):
                raise _problem(field, name, "the same file is attached twice")
            spec = format_of(ref.key)
            if spec is None:
                raise _problem(field, name, f"this file type cannot be attached; allowed: {ALLOWED}")
            if ref.type is not None and ref.type != spec.content_type:
                raise _problem(field, name, f"type {ref.type} does not match the file's extension ({spec.content_type})")
            if not (model.files.images if spec.kind == "image" else model.files.documents):
                raise _problem(field, name, f"the model {model.name} does not read {spec.kind}s; pick one that does (GET /models: files)")
            if spec.kind == "image" and images_guarded and spec.format not in GUARDED_IMAGE_FORMATS:
                raise _problem(field, name, "the guardrail checks PNG and JPEG images only; convert the image to PNG or JPEG")
            checked.append((ref, name, spec))
        for kind, most in (("image", MAX_IMAGES), ("document", MAX_DOCUMENTS)):
            count = sum(1 for _, _, spec in checked if spec.kind == kind)
            if count > most:
                raise ValidationFailedError(
                    f"at most {most} {kind}s per message (Converse)",
                    details=[{"field": "attachments", "message": f"{count} {kind}s; Converse takes at most {most} per message"}],
                )
        return [
            self._read_checked(f"attachments[{i}]", ref.key, name, spec, explicit=ref.name is not None)
            for i, (ref, name, spec) in enumerate(checked)
        ]

    def _read_checked(self, field: str, key: str, name: str, spec: FileFormat, *, explicit: bool) -> Loaded:
        head = self._head(key)
        if head is None:
            raise NotFoundError(f"attachment not found: {name}", details=[{"field": field, "message": f"{name}: not uploaded, or expired"}])
        size, uploaded_as = head
        name = display_name(uploaded_as) if uploaded_as and not explicit else name
        if size == 0 or size > spec.max_bytes:
            raise _problem(field, name, f"an attached {spec.kind} must be 1 to {spec.max_bytes:,} bytes (Converse); this one is {size:,}")
        data = self.read(key)
        if data is None:
            raise NotFoundError(f"attachment not found: {name}", details=[{"field": field, "message": f"{name}: not uploaded, or expired"}])
        if not content_matches(spec, data):
            raise _problem(field, name, f"the file's content is not {spec.format} (its first bytes do not match the extension)")
        if spec.kind == "image":
            size_px = image_size(data, spec.format)
            if size_px is None:
                raise _problem(field, name, f"the {spec.format} image's size cannot be read")
            if max(size_px) > MAX_IMAGE_PIXELS:
                most = f"{MAX_IMAGE_PIXELS} × {MAX_IMAGE_PIXELS}"
                raise _problem(field, name, f"an image may be at most {most} px (Converse); this one is {size_px[0]} × {size_px[1]}")
        return Loaded(key, name, spec, data)

    def _head(self, key: str) -> tuple[int, str] | None:
        """(size, the name it was uploaded as), or None when there is no such object."""
        try:
            head = self._s3.head_object(Bucket=self._bucket, Key=key)
            return int(head["ContentLength"]), unquote(head.get("Metadata", {}).get("name", ""))
        except ClientError as err:
            if object_missing(err):
                return None
            raise storage_failure(err, "attachment storage") from err

    def delete(self, caller: Caller, keys: list[str]) -> None:
        """Delete the caller's own files (keys under another prefix are skipped); Quiet mode answers only failures
        (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html): those are left to the lifecycle rule."""
        own = sorted({k for k in keys if k.startswith(user_prefix(caller.sub))})
        for start in range(0, len(own), 1000):  # DeleteObjects takes at most 1,000 keys
            batch = [{"Key": k} for k in own[start : start + 1000]]
            try:
                self._s3.delete_objects(Bucket=self._bucket, Delete={"Objects": batch, "Quiet": True})
            except ClientError as err:
                raise storage_failure(err, "attachment storage") from err

    def read(self, key: str) -> bytes | None:
        """The object's bytes; None when it is gone (expired by the lifecycle rule, or never uploaded)."""
        try:
            return bytes(self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read())
        except ClientError as err:
            if object_missing(err):
                return None
            raise storage_failure(err, "attachment storage") from err
