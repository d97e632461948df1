"""Content credentials (C2PA) of an image, read with c2pa-python; invisible watermarks cannot be checked."""

from __future__ import annotations

import base64
import binascii
import io
import json
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.errors import ValidationFailedError

AI_SOURCE_TYPES = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia")
WATERMARK_NOTE = (
    "Invisible watermarks (such as those Amazon Titan and Nova image models embed) cannot be checked: "
    "Amazon Bedrock offers no public watermark-detection API. Only C2PA content credentials are verified."
)
_SIGNATURE_FAILURES = ("claimSignature.mismatch", "claimSignature.missing", "signingCredential.invalid", "signingCredential.revoked")


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    image: Annotated[str, Field(min_length=1)] | None = None
    key: Annotated[str, Field(min_length=1, max_length=1024)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> VerifyRequest:
        if (self.image is None) == (self.key is None):
            raise ValueError("send exactly one of image (base64) or key (an image you generated)")
        return self


def decode_image(encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailedError("image is not base64", details=[{"field": "image", "message": "not valid base64"}]) from None


def mime_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    raise ValidationFailedError("not a PNG, JPEG or WebP image", details=[{"field": "image", "message": "unsupported image format"}])


def verify(data: bytes) -> dict[str, Any]:
    import c2pa  # the native library loads only when a verification is asked for

    result: dict[str, Any] = {"content_credentials": {"present": False}, "watermark": {"checked": False, "note": WATERMARK_NOTE}}
    try:
        reader = c2pa.Reader(mime_type(data), io.BytesIO(data))
    except c2pa.C2paError as err:
        if "ManifestNotFound" in type(err).__name__ or "no JUMBF" in str(err):
            return result
        raise ValidationFailedError(
            "the image's content credentials cannot be read", details=[{"field": "image", "message": str(err)[:200]}]
        ) from None
    try:
        report = json.loads(reader.json())
        state = reader.get_validation_state()
    finally:
        reader.close()
    result["content_credentials"] = summarize(report, str(state))
    return result


def _action(action: dict[str, Any]) -> dict[str, Any]:
    agent = action.get("softwareAgent")
    return {
        "action": action.get("action"),
        "digital_source_type": action.get("digitalSourceType"),
        "software_agent": agent.get("name") if isinstance(agent, dict) else agent,
    }


def summarize(report: dict[str, Any], state: str) -> dict[str, Any]:
    manifest = report.get("manifests", {}).get(report.get("active_manifest", ""), {})
    generator_info = (manifest.get("claim_generator_info") or [{}])[0]
    signature = manifest.get("signature_info", {})
    results = (report.get("validation_results") or {}).get("activeManifest") or {}
    successes = {item.get("code") for item in results.get("success", [])}
    failures = [item for item in (results.get("failure") or report.get("validation_status") or [])]
    failure_codes = {item.get("code") for item in failures}
    actions = [
        _action(action)
        for assertion in manifest.get("assertions", [])
        if str(assertion.get("label", "")).startswith("c2pa.actions")
        for action in assertion.get("data", {}).get("actions", [])
    ]
    return {
        "present": True,
        "claim_generator": " ".join(str(v) for v in (generator_info.get("name"), generator_info.get("version")) if v)
        or manifest.get("claim_generator"),
        "issuer": signature.get("issuer"),
        "common_name": signature.get("common_name"),
        "signed_at": signature.get("time"),
        "signature_valid": "claimSignature.validated" in successes and not failure_codes & set(_SIGNATURE_FAILURES),
        "trusted_signer": "signingCredential.untrusted" not in failure_codes and "signingCredential.trusted" in successes,
        # The pixels are still the ones that were signed (no hard-binding hash mismatch).
        "content_matches": not any(str(code).endswith("Hash.mismatch") for code in failure_codes),
        "validation_state": state,
        "validation_failures": [{"code": f.get("code"), "explanation": f.get("explanation")} for f in failures],
        "actions": actions,
        "ai_generated": any(str(a.get("digital_source_type") or "").rsplit("/", 1)[-1] in AI_SOURCE_TYPES for a in actions),
    }
