"""The InvokeModel body of each Stability image model, as the AWS model-parameter pages define it.

Sources (Amazon Bedrock User Guide):
- Stable Diffusion 3.5 Large: https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-diffusion-3-5-large.html
- Stable Image Ultra: https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-diffusion-stable-ultra-text-image-request-response.html
- Stable Image Core: https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-diffusion-stable-image-core-text-image-request-response.html

`prompt` (string, 0–10,000 characters: the pages' own table says minimum 0), `negative_prompt` (string, at
most 10,000), `aspect_ratio` (16:9, 1:1, 21:9, 2:3, 3:2, 4:5, 5:4, 9:16, 9:21; text-to-image only),
`seed` (integer 0–4,294,967,294, 0 = random), `output_format` (jpeg, png, webp); SD3.5 Large also
`mode` (text-to-image, image-to-image: that one requires `image`, base64, and `strength`, a number
0–1). Any other key, a wrong type or a value out of range is refused the way Bedrock refuses a body
its JSON schema rejects ("Malformed input request: #/<field>: …, please reformat your input and try
again."; the format of a real answer: https://github.com/pingcap/autoflow/pull/574).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from local.bedrock_sim.protocol import SimError

TYPE_NAMES = {str: "String", int: "Integer", float: "Number"}
ASPECT_RATIOS = ("16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21")


@dataclass(frozen=True)
class Field:
    kind: type  # str, int or float (an int is a number too; a bool is neither)
    max_length: int | None = None
    enum: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None


TEXT = Field(str, max_length=10_000)
COMMON = {
    "prompt": TEXT,
    "negative_prompt": TEXT,
    "aspect_ratio": Field(str, enum=ASPECT_RATIOS),
    "seed": Field(int, low=0, high=4_294_967_294),
    "output_format": Field(str, enum=("jpeg", "png", "webp")),
}
SCHEMAS: dict[str, dict[str, Field]] = {
    "stability.sd3-5-large-v1:0": {
        **COMMON,
        "mode": Field(str, enum=("text-to-image", "image-to-image")),
        "image": Field(str),
        "strength": Field(float, low=0, high=1),
    },
    "stability.stable-image-core-v1:1": COMMON,
    "stability.stable-image-ultra-v1:1": COMMON,
}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def malformed(detail: str) -> SimError:
    return SimError("ValidationException", f"Malformed input request: {detail}, please reformat your input and try again.")


def _type_ok(field: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if field.kind is float:
        return isinstance(value, int | float)
    return isinstance(value, field.kind)


def check(model_id: str, body: Any) -> None:
    """Refuse a body that breaks the model's documented request schema; return quietly otherwise."""
    if not isinstance(body, dict):
        raise malformed("#: expected type: JSONObject")
    schema = SCHEMAS[model_id]
    for key in body:
        if key not in schema:
            raise malformed(f"#: extraneous key [{key}] is not permitted")
    if "prompt" not in body:
        raise malformed("#: required key [prompt] not found")
    for key, value in body.items():
        field = schema[key]
        if not _type_ok(field, value):
            raise malformed(f"#/{key}: expected type: {TYPE_NAMES[field.kind]}")
        if field.max_length is not None and len(value) > field.max_length:
            raise malformed(f"#/{key}: expected maxLength: {field.max_length}, actual: {len(value)}")
        if field.enum and value not in field.enum:
            raise malformed(f"#/{key}: {value} is not a valid enum value")
        if field.low is not None and value < field.low:
            raise malformed(f"#/{key}: {value} is not greater or equal to {_number(field.low)}")
        if field.high is not None and value > field.high:
            raise malformed(f"#/{key}: {value} is not less or equal to {_number(field.high)}")
    if body.get("mode") == "image-to-image":
        missing = [k for k in ("image", "strength") if k not in body]
        if missing:
            raise malformed(f"#: required key [{missing[0]}] not found (image-to-image)")
        if "aspect_ratio" in body:
            raise malformed("#/aspect_ratio: valid for text-to-image requests only")
