"""Image generation: guard the prompt, translate Korean (image/translation.py) and guard the translation, generate,
guard each picture, store, sign. Deleting a stored picture: image/deletion.py."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from botocore.exceptions import ClientError

from common.auth import Caller
from common.bedrock import bedrock_errors, call_bedrock
from common.clock import Clock
from common.errors import (
    BadRequestError,
    ModelAccessError,
    NotFoundError,
    PayloadTooLargeError,
    ValidationFailedError,
)
from common.guard_text import combined, guard_texts
from common.guardrail import NOT_APPLIED, GuardrailOutcome, outcome_from_apply
from common.observability import GUARDRAIL_INTERVENTIONS, MetricUnit, metrics
from common.runtime_config import ImageModelSpec, RuntimeConfig
from common.storage import object_missing, storage_failure
from common.usage.meter import UNMETERED, Meter, Metering
from common.usage.prices import guardrail_cost, image_cost
from image import gallery, translation
from image.adapters import Generated, Inputs, invalid
from image.families import adapter_for
from image.metering import request_estimate
from image.models import ImageRequest

URL_SECONDS = gallery.URL_SECONDS


@dataclass(frozen=True)
class ImageDeps:
    config: RuntimeConfig
    image_runtime: Any  # bedrock-runtime in the image region
    text_runtime: Any  # bedrock-runtime in the deploy region (translation, guardrail)
    s3: Any
    bucket: str
    guardrail_id: str
    guardrail_version: str
    clock: Clock = field(default_factory=Clock)  # lifecycle notes use its date; records their time
    metering: Metering | None = None  # None: not metered
    db: Any = None  # DynamoDB: one record per stored picture (image/gallery.py); None: none written
    table: str = ""


def _model(config: RuntimeConfig, model_id: str | None) -> ImageModelSpec:
    wanted = model_id or config.default_image_model
    for model in config.image_models:
        if model.id == wanted:
            return model
    allowed = [m.id for m in config.image_models]
    raise BadRequestError(
        f"model_id {wanted!r} is not allowed here; allowed: {', '.join(allowed)}",
        details=[{"field": "model_id", "message": "not an allowed model", "allowed": allowed}],
    )


def _check_prompt(request: ImageRequest) -> None:
    if request.task == "BACKGROUND_REMOVAL":
        for field in ("prompt", "negative_prompt"):
            if getattr(request, field) is not None:
                raise invalid(field, "BACKGROUND_REMOVAL takes a source_image only")
    elif request.prompt is None:
        raise invalid("prompt", f"required for {request.task}")


def _picture(caller: Caller, raw: str | None, field: str, deps: ImageDeps) -> bytes | None:
    """A picture: a key under the caller's own prefix, or base64 within the size limit."""
    if raw is None:
        return None
    limit = deps.config.limits.max_image_body_bytes
    if raw.startswith(gallery.PREFIX):
        data = own_image(caller, raw, deps)
    else:
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            problem = {"field": field, "message": "not base64 and not a key under images/<you>/"}
            raise ValidationFailedError(f"{field} is neither your image key nor base64", details=[problem]) from None
    if len(data) > limit:
        raise PayloadTooLargeError(f"{field} is {len(data)} bytes; the limit is {limit}")
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        raise ValidationFailedError(f"{field} must be a PNG or JPEG", details=[{"field": field, "message": "not PNG/JPEG"}])
    return data


def own_image(caller: Caller, key: str, deps: ImageDeps) -> bytes:
    """An image under the caller's own prefix; anyone else's answers exactly like a missing one."""
    if not key.startswith(f"{gallery.PREFIX}{caller.sub}/") or ".." in key:
        raise NotFoundError("image not found")
    try:
        obj = deps.s3.get_object(Bucket=deps.bucket, Key=key)
    except ClientError as err:
        if object_missing(err):
            raise NotFoundError("image not found") from None
        raise storage_failure(err, "image storage") from err
    if obj.get("ContentLength", 0) > deps.config.limits.max_image_body_bytes:
        raise PayloadTooLargeError("the image is larger than the limit")
    data: bytes = obj["Body"].read()
    return data


def _guard_prompt(request: ImageRequest, deps: ImageDeps, meter: Meter) -> tuple[GuardrailOutcome, ImageRequest]:
    """The guardrail's verdict on the prompts, and the request with any anonymized text masked as it was."""
    if request.prompt is None:  # background removal: no text to judge (the pictures made are judged)
        return NOT_APPLIED, request
    texts = [request.prompt, *([request.negative_prompt] if request.negative_prompt else [])]
    guarded = guard_texts(deps.text_runtime, deps.guardrail_id, deps.guardrail_version, texts)
    meter.add(guardrail_cost([guarded.usage], deps.config.prices))
    if guarded.outcome.action == "ANONYMIZED":
        masked = {"prompt": guarded.texts[0], **({"negative_prompt": guarded.texts[1]} if request.negative_prompt else {})}
        request = request.model_copy(update=masked)
    return guarded.outcome, request


def _guard_translation(prompt: str, deps: ImageDeps, meter: Meter) -> tuple[GuardrailOutcome, str]:
    """The translation is model output that becomes the image model's input: guard it as input too.
    (Word filters match exact text, so a Korean prompt can pass while its English does not.)"""
    guarded = guard_texts(deps.text_runtime, deps.guardrail_id, deps.guardrail_version, [prompt])
    meter.add(guardrail_cost([guarded.usage], deps.config.prices))
    return guarded.outcome, guarded.texts[0]


def _guard_image(image: Generated, deps: ImageDeps, meter: Meter) -> GuardrailOutcome:
    with bedrock_errors():
        response = call_bedrock(
            deps.text_runtime.apply_guardrail,
            guardrailIdentifier=deps.guardrail_id,
            guardrailVersion=deps.guardrail_version,
            source="OUTPUT",
            content=[{"image": {"format": "png", "source": {"bytes": image.data}}}],
        )
    meter.add(guardrail_cost([response.get("usage") or {}], deps.config.prices))
    return outcome_from_apply(response)


def _lifecycle_note(model: ImageModelSpec, today: date) -> str:
    status = model.status(today)
    if status == "END_OF_LIFE":
        return f" {model.name} reached end of life on {model.end_of_life} (Bedrock model lifecycle): remove it from models.image.allowed."
    if status == "LEGACY":
        return (
            f" {model.name} is a Legacy Bedrock model (end of life {model.end_of_life or 'not announced'}): Bedrock refuses "
            "Legacy models to accounts that have not used them recently; move to a current model."
        )
    return ""


def _invoke(model: ImageModelSpec, body: dict[str, Any], deps: ImageDeps) -> dict[str, Any]:
    """InvokeModel; a refusal of a Legacy or retired model says so, and what the operator should do."""
    today = deps.clock.today()
    try:
        with bedrock_errors(model.id):
            response = call_bedrock(
                deps.image_runtime.invoke_model,
                modelId=model.id,
                body=json.dumps(body),
                contentType="application/json",
                accept="application/json",
            )
    except ModelAccessError as err:
        note = _lifecycle_note(model, today)
        raise (ModelAccessError(err.message + note) if note else err) from err
    except BadRequestError as err:
        if model.status(today) != "END_OF_LIFE":
            raise
        raise ModelAccessError(f"Bedrock refused model {model.id}.{_lifecycle_note(model, today)} Bedrock said: {err.message}") from err
    document: dict[str, Any] = json.loads(response["body"].read())
    return document


def generate(caller: Caller, request: ImageRequest, deps: ImageDeps) -> dict[str, Any]:
    model = _model(deps.config, request.model_id)
    adapter = adapter_for(model.id, model.family, model.name, model.tasks)
    _check_prompt(request)
    inputs = Inputs(_picture(caller, request.source_image, "source_image", deps), _picture(caller, request.mask_image, "mask_image", deps))
    adapter.body(request, request.prompt, inputs)  # refuse unsupported parameters before any paid call
    translator = translation.translator(deps.config, request.prompt)
    tokens = translation.translation_tokens(deps.config, translator) if translator else 0
    estimate = request_estimate(deps.config, model, request, translator, translation.TRANSLATE_PROMPT, tokens)
    meter = deps.metering.start(caller, estimate) if deps.metering else UNMETERED  # 429 before the first paid call
    with meter.charging():
        result = _generate(caller, request, deps, model, adapter, inputs, meter)
    meter.settle()
    return result


def _generate(
    caller: Caller, request: ImageRequest, deps: ImageDeps, model: ImageModelSpec, adapter: Any, inputs: Inputs, meter: Meter
) -> dict[str, Any]:
    prompt_outcome, request = _guard_prompt(request, deps, meter)
    if prompt_outcome.action == "BLOCKED":
        return _blocked(model.id, prompt_outcome, translated=False)
    prompt = translation.translate(request.prompt, deps.config, deps.text_runtime, meter)
    if prompt is not None and prompt != request.prompt:
        translation_outcome, prompt = _guard_translation(prompt, deps, meter)
        if translation_outcome.action == "BLOCKED":
            return _blocked(model.id, translation_outcome, translated=True)
        prompt_outcome = combined(prompt_outcome, translation_outcome)  # masked in either pass: both passes' policies
    generated = adapter.images(_invoke(model, adapter.body(request, prompt, inputs), deps), request)
    meter.add(image_cost(model, len(generated)))
    kept, withheld = [], 0
    for image in generated:
        if image.filtered or _guard_image(image, deps, meter).action == "BLOCKED":
            withheld += 1
            continue
        kept.append(_store(caller, image, model.id, deps, request))
    outcome = prompt_outcome if prompt_outcome.intervened else NOT_APPLIED
    if withheld:
        metrics.add_metric(name=GUARDRAIL_INTERVENTIONS, unit=MetricUnit.Count, value=withheld)
        message = f"{withheld} image(s) were withheld by the guardrail and not stored."
        outcome = GuardrailOutcome(True, "BLOCKED", False, ("image:output",), message)
    metrics.add_metric(name="ImagesGenerated", unit=MetricUnit.Count, value=len(kept))
    return {"images": kept, "model_id": model.id, "prompt": prompt, "translated": prompt != request.prompt, "guardrail": outcome.to_dict()}


def _blocked(model_id: str, outcome: GuardrailOutcome, *, translated: bool) -> dict[str, Any]:
    """A blocked prompt (or its translation): no image model call, nothing stored, the prompt not echoed."""
    metrics.add_metric(name=GUARDRAIL_INTERVENTIONS, unit=MetricUnit.Count, value=1)
    return {"images": [], "model_id": model_id, "prompt": None, "translated": translated, "guardrail": outcome.to_dict()}


def _store(caller: Caller, image: Generated, model_id: str, deps: ImageDeps, request: ImageRequest) -> dict[str, Any]:
    key = gallery.object_key(caller.sub, secrets.token_urlsafe(18))
    try:
        deps.s3.put_object(
            Bucket=deps.bucket,
            Key=key,
            Body=image.data,
            ContentType="image/png",
            ServerSideEncryption="AES256",
            Metadata={"model-id": model_id, "seed": str(image.seed)},
        )
        url = deps.s3.generate_presigned_url("get_object", Params={"Bucket": deps.bucket, "Key": key}, ExpiresIn=URL_SECONDS)
    except ClientError as err:
        raise storage_failure(err, "image storage") from err
    stored = {"key": key, "url": url, "seed": image.seed, "width": image.width, "height": image.height}
    if deps.db is not None:  # the record GET /images lists, written after the object (never naming a missing one)
        item = gallery.record_item(
            caller.sub,
            key,
            deps.clock.now(),
            deps.config.image_retention_days,
            model_id=model_id,
            prompt=request.prompt,
            task=request.task,
            picture=stored,
        )
        gallery.remember(deps.db, deps.table, item)
    return stored
