"""Offline Amazon image models (Nova Canvas, Titan Image Generator v2): their task-based body.

Checks the body like the service does (one parameter object per `taskType`, its required and
allowed keys, `imageGenerationConfig` ranges and size rules) and answers {"images": [...]} with
`numberOfImages` deterministic Pillow PNGs at the requested size (the source's size for edits; a
transparent background for BACKGROUND_REMOVAL). A prompt with a word in MODEL_FILTERED is withheld
by the "model's own filter": fewer images and an `error`, as the real models answer.

Rules from the Nova Canvas user guide (https://docs.aws.amazon.com/nova/latest/userguide/image-gen-access.html,
its request/response structure and input-image sections): the parameters' types, ranges and enums below;
seed 0–858,993,459 for Nova Canvas (https://docs.aws.amazon.com/nova/latest/userguide/code-examples-image.html),
0–2,147,483,646 for Titan Image Generator v2; a mask image holds only pure black and pure white pixels;
an input PNG's alpha channel holds no transparent or translucent pixel.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from typing import Any

from PIL import Image

from local.bedrock_sim.images import draw_png
from local.bedrock_sim.protocol import SimError

MODELS = ("amazon.nova-canvas-v1:0", "amazon.titan-image-generator-v2:0")
MODEL_FILTERED = ("forbidden-by-model", "모델금지")
TEXT = {"text", "negativeText"}
PARAMS: dict[str, tuple[str, set[str], set[str]]] = {  # task: (params key, required, optional)
    "TEXT_IMAGE": ("textToImageParams", {"text"}, {"negativeText", "style", "conditionImage", "controlMode", "controlStrength"}),
    "COLOR_GUIDED_GENERATION": ("colorGuidedGenerationParams", {"text", "colors"}, {"negativeText", "referenceImage"}),
    "IMAGE_VARIATION": ("imageVariationParams", {"images"}, {"text", "negativeText", "similarityStrength"}),
    "INPAINTING": ("inPaintingParams", {"image"}, {"text", "negativeText", "maskPrompt", "maskImage"}),
    "OUTPAINTING": ("outPaintingParams", {"image"}, {"text", "negativeText", "maskPrompt", "maskImage", "outPaintingMode"}),
    "BACKGROUND_REMOVAL": ("backgroundRemovalParams", {"image"}, set()),
}
CONFIG_KEYS = {"width", "height", "quality", "cfgScale", "seed", "numberOfImages"}
HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
MAX_SEED = {"amazon.nova-canvas-v1:0": 858_993_459, "amazon.titan-image-generator-v2:0": 2_147_483_646}
STYLES = (
    "3D_ANIMATED_FAMILY_FILM",
    "DESIGN_SKETCH",
    "FLAT_VECTOR_ILLUSTRATION",
    "GRAPHIC_NOVEL_ILLUSTRATION",
    "MAXIMALISM",
    "MIDCENTURY_RETRO",
    "PHOTOREALISM",
    "SOFT_DIGITAL_PAINTING",
)
# Each number's type: integers must be JSON integers; a bool is no number.
INTEGERS = {"width", "height", "seed", "numberOfImages"}
NUMBERS = {"cfgScale", "similarityStrength", "controlStrength"}


def _bad(message: str) -> SimError:
    return SimError("ValidationException", f"Malformed input request: {message}, please reformat your input and try again.")


def _picture(value: Any, name: str) -> Image.Image:
    try:
        picture = Image.open(io.BytesIO(base64.b64decode(value, validate=True)))
        picture.load()
    except (binascii.Error, ValueError, TypeError, OSError):
        raise _bad(f"#/{name}: the image could not be decoded") from None
    alpha: Any = picture.getchannel("A").getextrema()[0] if "A" in picture.getbands() else 255
    if alpha < 255:
        raise _bad(f"#/{name}: the alpha channel must not contain transparent or translucent pixels")
    if name == "maskImage" and not set(_colors(picture)) <= {(0, 0, 0), (255, 255, 255)}:
        raise _bad("#/maskImage: a mask must contain only pure black and pure white pixels")
    return picture


def _colors(picture: Image.Image) -> list[Any]:
    found: list[Any] = picture.convert("RGB").getcolors(maxcolors=3) or [(0, (1, 2, 3))]  # over 3 colours: surely no mask
    return [colour for _, colour in found]


def _check_types(values: dict[str, Any]) -> None:
    for key, value in values.items():
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if key in INTEGERS and not (number and float(value).is_integer()):
            raise _bad(f"#/{key}: expected type: Integer")
        if key in NUMBERS and not number:
            raise _bad(f"#/{key}: expected type: Number")
        if key in ("colors", "images") and not isinstance(value, list):
            raise _bad(f"#/{key}: expected type: JSONArray")


def _check_params(task: str, params: dict[str, Any]) -> None:
    _, required, optional = PARAMS[task]
    _check_types(params)
    extra = sorted(set(params) - required - optional)
    if extra:
        raise _bad(f"extraneous key [{extra[0]}] is not permitted")
    missing = sorted(required - set(params))
    if missing:
        raise _bad(f"required key [{missing[0]}] not found")
    for key in TEXT & set(params):
        if not isinstance(params[key], str) or not 1 <= len(params[key]) <= 1024:
            raise _bad(f"#/{key}: expected a string of 1 to 1024 characters")
    if task in ("INPAINTING", "OUTPAINTING") and ("maskPrompt" in params) == ("maskImage" in params):
        raise _bad("exactly one of maskPrompt and maskImage is required")
    if params.get("outPaintingMode", "DEFAULT") not in ("DEFAULT", "PRECISE"):
        raise _bad("#/outPaintingMode: DEFAULT or PRECISE")
    if "colors" in params and (not 1 <= len(params["colors"]) <= 10 or not all(HEX.match(str(c)) for c in params["colors"])):
        raise _bad("#/colors: 1 to 10 hexadecimal colors like #FF9800")
    if "images" in params and not 1 <= len(params["images"]) <= 5:
        raise _bad("#/images: 1 to 5 images")
    if not 0.2 <= params.get("similarityStrength", 0.7) <= 1.0:
        raise _bad("#/similarityStrength: 0.2 to 1.0")
    if params.get("style", STYLES[0]) not in STYLES:
        raise _bad(f"#/style: {params['style']} is not a valid enum value")
    if params.get("controlMode", "CANNY_EDGE") not in ("CANNY_EDGE", "SEGMENTATION"):
        raise _bad(f"#/controlMode: {params['controlMode']} is not a valid enum value")
    if not 0 <= params.get("controlStrength", 0.7) <= 1.0:
        raise _bad("#/controlStrength: 0 to 1.0")


def _check_config(model_id: str, task: str, config: dict[str, Any]) -> None:
    extra = sorted(set(config) - CONFIG_KEYS)
    if extra:
        raise _bad(f"extraneous key [{extra[0]}] is not permitted")
    _check_types(config)
    if task in ("INPAINTING", "OUTPAINTING") and {"width", "height"} & set(config):
        raise _bad("width and height are not taken by editing tasks: the output follows the input image")
    if not 1 <= config.get("numberOfImages", 1) <= 5:
        raise _bad("#/numberOfImages: 1 to 5")
    if config.get("quality", "standard") not in ("standard", "premium"):
        raise _bad("#/quality: standard or premium")
    if not 1.1 <= config.get("cfgScale", 6.5) <= 10:
        raise _bad("#/cfgScale: 1.1 to 10")
    if not 0 <= config.get("seed", 12) <= MAX_SEED[model_id]:
        raise _bad(f"#/seed: 0 to {MAX_SEED[model_id]}")
    width, height = config.get("width", 1024), config.get("height", 1024)
    if not all(320 <= side <= 4096 and side % 16 == 0 for side in (width, height)):
        raise _bad("width and height must be multiples of 16 from 320 to 4096")
    if max(width / height, height / width) > 4 or width * height > 4_194_304:
        raise _bad("the aspect ratio must be 1:4 to 4:1 and the image at most 4,194,304 pixels")


def generate(model_id: str, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise _bad("the body must be a JSON object")
    task = body.get("taskType")
    if task not in PARAMS:
        raise _bad(f"#/taskType: one of {', '.join(PARAMS)}")
    key = PARAMS[task][0]
    allowed = {"taskType", key} | ({"imageGenerationConfig"} if task != "BACKGROUND_REMOVAL" else set())
    extra = sorted(set(body) - allowed)
    if extra:
        raise _bad(f"extraneous key [{extra[0]}] is not permitted")
    params, config = body.get(key), body.get("imageGenerationConfig", {})
    if not isinstance(params, dict) or not isinstance(config, dict):
        raise _bad(f"required key [{key}] not found")
    _check_params(task, params)
    if model_id != "amazon.nova-canvas-v1:0" and "style" in params:
        raise _bad("extraneous key [style] is not permitted")  # styles are Nova Canvas's
    _check_config(model_id, task, config)
    prompt = params.get("text", "")
    if any(word in prompt.lower() for word in MODEL_FILTERED):
        return {"images": [], "error": "All of the generated images have been blocked by our content filters."}
    seed = config.get("seed", 12)
    size = (config.get("width", 1024), config.get("height", 1024))
    source_key = {"INPAINTING": "image", "OUTPAINTING": "image", "BACKGROUND_REMOVAL": "image"}.get(task)
    if source_key:
        size = _picture(params[source_key], source_key).size
    for name in ("maskImage", "referenceImage", "conditionImage"):
        if name in params:
            _picture(params[name], name)
    for i, encoded in enumerate(params.get("images", [])):
        _picture(encoded, f"images/{i}")
    if task == "BACKGROUND_REMOVAL":
        return {"images": [base64.b64encode(_cut_out(params["image"])).decode()]}
    count = config.get("numberOfImages", 1)
    return {"images": [base64.b64encode(draw_png(prompt, seed + i, size)).decode() for i in range(count)]}


def _cut_out(encoded: str) -> bytes:
    """The source with a transparent border: what a background removal returns (RGBA PNG)."""
    picture = _picture(encoded, "image").convert("RGBA")
    width, height = picture.size
    alpha = Image.new("L", picture.size, 0)
    alpha.paste(255, (width // 4, height // 4, width - width // 4, height - height // 4))
    picture.putalpha(alpha)
    out = io.BytesIO()
    picture.save(out, format="PNG", compress_level=1)
    return out.getvalue()
