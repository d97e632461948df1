"""POST /images with the Amazon family (Nova Canvas): each task's body through the real handler, boto3 and the simulator.

The deployment here is the one a synth made on 2026-08-01, when Nova Canvas was Legacy (a synth
after its end of life refuses it: tests/infra/test_config.py): image region us-east-1, Nova Canvas
only. The functions run on the fixed date tests/clock.py gives (after that end of life) unless a
test sets another: no result depends on the day the suite runs.
"""

from __future__ import annotations

import base64
import io
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import boto3
import pytest
from PIL import Image

from chat import handler as chat_handler
from common.clock import Clock
from common.runtime_config import runtime_config
from image import handler as image_handler
from infra.config import deep_merge, load_config
from infra.deployment import resolve
from infra.deployment import runtime_config_document as render_runtime_config
from local.bedrock_sim.images import draw_png
from tests.clock import TODAY
from tests.events import FakeContext, rest_event
from tests.integration.conftest import IMAGES_BUCKET, ROOT

NOVA = "amazon.nova-canvas-v1:0"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def nova_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    context["genai:config"] = deep_merge(
        context["genai:config"], {"models": {"image": {"allowed": [NOVA], "default": NOVA, "region": "us-east-1"}}}
    )
    deployment = resolve(load_config(context), "us-west-2", today=date(2026, 8, 1))
    path = tmp_path_factory.mktemp("nova") / "runtime_config.json"
    path.write_text(json.dumps(render_runtime_config(deployment)), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """The functions' clock (their injected dependency) reads the suite's fixed date."""
    for handler in (chat_handler, image_handler):
        monkeypatch.setattr(handler, "clock", Clock(TODAY))


@pytest.fixture
def nova(sim, nova_config: Path) -> Iterator:
    """The functions read the Nova Canvas deployment's runtime config (read once per container, like in Lambda)."""
    saved = os.environ["RUNTIME_CONFIG_PATH"]
    os.environ["RUNTIME_CONFIG_PATH"] = str(nova_config)
    runtime_config.cache_clear()
    try:
        yield sim
    finally:
        os.environ["RUNTIME_CONFIG_PATH"] = saved
        runtime_config.cache_clear()


def generate(body: dict, sub: str = "painter") -> tuple[int, dict]:
    response = image_handler.handler(rest_event("POST", "/images", body=body, sub=sub), FakeContext("image"))
    return response["statusCode"], json.loads(response["body"])


def sent(sim) -> dict:
    (call,) = sim.recorded("InvokeModel")[-1:]
    assert call["modelId"] == NOVA
    return json.loads(call["body"])


def b64_png(size: tuple[int, int], prompt: str = "source") -> str:
    return base64.b64encode(draw_png(prompt, 3, size)).decode()


def b64_mask(size: tuple[int, int]) -> str:
    """A mask as Nova Canvas takes it: only pure black (the area to change) and pure white pixels."""
    mask = Image.new("RGB", size, (255, 255, 255))
    mask.paste((0, 0, 0), (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    mask.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def stored(key: str) -> Image.Image:
    return Image.open(io.BytesIO(boto3.client("s3").get_object(Bucket=IMAGES_BUCKET, Key=key)["Body"].read()))


def test_given_text_image_then_nova_gets_its_task_body_and_every_picture_is_stored_at_the_size(nova):
    status, body = generate(
        {
            "prompt": "a lighthouse at dawn",
            "negative_prompt": "fog",
            "model_id": NOVA,
            "width": 1280,
            "height": 720,
            "seed": 7,
            "quality": "premium",
            "cfg_scale": 6.5,
            "number_of_images": 3,
            "style": "PHOTOREALISM",
        }
    )
    assert status == 200, body
    assert sent(nova) == {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": "a lighthouse at dawn", "negativeText": "fog", "style": "PHOTOREALISM"},
        "imageGenerationConfig": {"numberOfImages": 3, "width": 1280, "height": 720, "quality": "premium", "cfgScale": 6.5, "seed": 7},
    }
    assert [(i["width"], i["height"], i["seed"]) for i in body["images"]] == [(1280, 720, 7)] * 3
    assert len({i["key"] for i in body["images"]}) == 3
    assert stored(body["images"][0]["key"]).size == (1280, 720)
    assert body["model_id"] == NOVA


def test_given_no_size_then_the_config_names_only_the_count_and_the_model_default_is_used(nova):
    status, body = generate({"prompt": "a red kite"})
    assert status == 200, body
    expected = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a red kite"}, "imageGenerationConfig": {"numberOfImages": 1}}
    assert sent(nova) == expected
    assert (body["images"][0]["width"], body["images"][0]["height"]) == (1024, 1024)


def test_given_color_guided_generation_then_colors_and_the_optional_reference_image_are_sent(nova):
    reference = b64_png((512, 512))
    status, body = generate(
        {
            "prompt": "a harbor market",
            "task": "COLOR_GUIDED_GENERATION",
            "colors": ["#16324F", "#e8c547"],
            "source_image": reference,
            "width": 768,
            "height": 512,
        }
    )
    assert status == 200, body
    request = sent(nova)
    assert request["taskType"] == "COLOR_GUIDED_GENERATION"
    params = request["colorGuidedGenerationParams"]
    assert params == {"text": "a harbor market", "colors": ["#16324F", "#e8c547"], "referenceImage": reference}
    assert (body["images"][0]["width"], body["images"][0]["height"]) == (768, 512)


def test_given_image_variation_then_the_users_own_image_and_similarity_strength_are_sent(nova):
    _, first = generate({"prompt": "a blue bicycle", "width": 512, "height": 512})
    key = first["images"][0]["key"]
    status, body = generate({"prompt": "the same bicycle at night", "task": "IMAGE_VARIATION", "source_image": key, "strength": 0.5})
    assert status == 200, body
    params = sent(nova)["imageVariationParams"]
    assert params["similarityStrength"] == 0.5
    (picture,) = params["images"]
    assert base64.b64decode(picture).startswith(PNG)
    status, other = generate({"prompt": "steal", "task": "IMAGE_VARIATION", "source_image": key}, sub="someone-else")
    assert (status, other["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize("mask", ["prompt", "image"])
def test_given_inpainting_with_a_mask_prompt_or_a_mask_image_then_the_output_keeps_the_source_size(nova, mask):
    source = b64_png((640, 480))
    masking = {"mask_prompt": "the window"} if mask == "prompt" else {"mask_image": b64_mask((640, 480))}
    status, body = generate({"prompt": "a round window", "task": "INPAINTING", "source_image": source, "seed": 5, **masking})
    assert status == 200, body
    request = sent(nova)
    params = request["inPaintingParams"]
    assert params["image"] == source
    assert ("maskPrompt" in params, "maskImage" in params) == (mask == "prompt", mask == "image")
    assert request["imageGenerationConfig"] == {"numberOfImages": 1, "seed": 5}  # no width/height: the source decides
    assert (body["images"][0]["width"], body["images"][0]["height"]) == (640, 480)


def test_given_outpainting_then_the_mode_is_sent(nova):
    source = b64_png((512, 384))
    status, body = generate(
        {
            "prompt": "a teapot in a bright kitchen",
            "task": "OUTPAINTING",
            "source_image": source,
            "mask_prompt": "teapot",
            "outpainting_mode": "PRECISE",
            "cfg_scale": 4.0,
        }
    )
    assert status == 200, body
    assert sent(nova)["outPaintingParams"] == {
        "text": "a teapot in a bright kitchen",
        "image": source,
        "maskPrompt": "teapot",
        "outPaintingMode": "PRECISE",
    }


def test_given_background_removal_then_only_the_picture_is_sent_and_a_transparent_png_is_stored(nova):
    source = b64_png((400, 300))
    status, body = generate({"task": "BACKGROUND_REMOVAL", "source_image": source})
    assert status == 200, body
    assert sent(nova) == {"taskType": "BACKGROUND_REMOVAL", "backgroundRemovalParams": {"image": source}}
    assert [c["source"] for c in nova.recorded("ApplyGuardrail")] == ["OUTPUT"]  # no prompt to judge: only the picture made
    assert body["prompt"] is None
    picture = stored(body["images"][0]["key"])
    assert (picture.mode, picture.size) == ("RGBA", (400, 300))
    assert picture.getchannel("A").getpixel((0, 0)) == 0  # the background is gone


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"width": 1000, "height": 1024}, "width"),  # not a multiple of 16
        ({"width": 256, "height": 256}, "width"),  # under 320
        ({"width": 4096, "height": 4096}, "width"),  # over 4,194,304 pixels
        ({"width": 2048, "height": 320}, "width"),  # wider than 4:1
        ({"width": 1024}, "height"),  # one without the other
    ],
)
def test_given_a_size_nova_canvas_refuses_then_400_naming_it_and_no_model_call(nova, fields, field):
    status, body = generate({"prompt": "a field of tulips", **fields})
    assert (status, body["error"]["code"]) == (400, "validation_error")
    assert body["error"]["details"][0]["field"] == field
    assert not nova.recorded("InvokeModel")


def test_given_a_seed_over_nova_canvas_range_then_400_naming_it_and_no_model_call(nova):
    # Nova Canvas takes seeds 0-858,993,459 (Titan Image Generator v2 took up to 2,147,483,646).
    status, body = generate({"prompt": "a field of tulips", "seed": 858_993_460})
    assert (status, body["error"]["code"]) == (400, "validation_error")
    assert body["error"]["details"][0]["field"] == "seed"
    assert "0 to 858,993,459" in body["error"]["message"] + json.dumps(body["error"]["details"])
    assert not nova.recorded("InvokeModel")
    status, body = generate({"prompt": "a field of tulips", "seed": 858_993_459})
    assert status == 200, body
    assert sent(nova)["imageGenerationConfig"]["seed"] == 858_993_459


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"aspect_ratio": "16:9"}, "aspect_ratio"),
        ({"mask_prompt": "cat"}, "mask_prompt"),
        ({"colors": ["#FFFFFF"]}, "colors"),
        ({"strength": 0.5}, "strength"),
        ({"style": "ANIME"}, "style"),
        ({"seed": 3_000_000_000}, "seed"),
        ({"task": "INPAINTING", "source_image": "SRC", "mask_prompt": "cat", "width": 512, "height": 512}, "height"),
        ({"task": "INPAINTING", "source_image": "SRC", "mask_prompt": "cat", "style": "MAXIMALISM"}, "style"),
        ({"task": "INPAINTING", "source_image": "SRC", "mask_prompt": "cat", "outpainting_mode": "PRECISE"}, "outpainting_mode"),
        ({"task": "INPAINTING", "source_image": "SRC"}, "mask_prompt"),  # no mask
        ({"task": "INPAINTING", "source_image": "SRC", "mask_prompt": "cat", "mask_image": "SRC"}, "mask_prompt"),  # two masks
        ({"task": "IMAGE_VARIATION", "source_image": "SRC", "strength": 0.1}, "strength"),
        ({"task": "IMAGE_VARIATION"}, "source_image"),
        ({"task": "COLOR_GUIDED_GENERATION"}, "colors"),
        ({"task": "COLOR_GUIDED_GENERATION", "colors": ["red"]}, "colors.0"),
        ({"task": "BACKGROUND_REMOVAL", "source_image": "SRC"}, "prompt"),
        ({"task": "BACKGROUND_REMOVAL", "source_image": "SRC", "prompt": None, "seed": 1}, "seed"),
        ({"number_of_images": 6}, "number_of_images"),
        ({"prompt": "x" * 1025}, "prompt"),
    ],
)
def test_given_a_parameter_the_task_or_model_does_not_take_then_400_naming_it_and_nothing_is_called(nova, fields, bad):
    source = b64_png((320, 320))
    request = {"prompt": "a cat on a sofa", **{k: (source if v == "SRC" else v) for k, v in fields.items()}}
    request = {k: v for k, v in request.items() if v is not None}
    status, body = generate(request)
    assert (status, body["error"]["code"]) == (400, "validation_error"), body
    assert bad in {d["field"] for d in body["error"]["details"]}
    assert not nova.recorded("InvokeModel")
    assert not nova.recorded("ApplyGuardrail")


def test_given_pictures_the_models_own_filter_withholds_then_none_is_stored_and_the_response_says_so(nova):
    status, body = generate({"prompt": "forbidden-by-model scene", "number_of_images": 2}, sub="filtered")
    assert status == 200, body
    assert body["images"] == []
    assert body["guardrail"]["message"] == "2 image(s) were withheld by the guardrail and not stored."
    assert boto3.client("s3").list_objects_v2(Bucket=IMAGES_BUCKET, Prefix="images/filtered/").get("KeyCount", 0) == 0


def test_given_bedrock_refuses_the_retired_model_then_503_telling_the_operator(nova):
    # Nova Canvas's end of life (2026-09-30) has passed: whatever Bedrock answers, the operator is told why and what to do.
    for code in ("ValidationException", "ResourceNotFoundException", "AccessDeniedException"):
        nova.inject(code, operation="InvokeModel")
        status, body = generate({"prompt": "a quiet forest"})
        assert (status, body["error"]["code"]) == (503, "model_not_enabled"), code
        assert "reached end of life on 2026-09-30" in body["error"]["message"]
        assert "models.image.allowed" in body["error"]["message"]


def test_given_the_models_route_then_each_image_model_shows_its_lifecycle(nova):
    response = chat_handler.handler(rest_event("GET", "/models"), FakeContext("chat"))
    (model,) = json.loads(response["body"])["image_models"]
    assert model["id"] == NOVA
    assert model["lifecycle"] == {"status": "END_OF_LIFE", "legacy_since": "2026-03-30", "end_of_life": "2026-09-30"}


def test_given_a_day_before_the_end_of_life_then_the_functions_say_legacy_not_retired(nova, monkeypatch):
    legacy_day = Clock(date(2026, 8, 1))
    for handler in (chat_handler, image_handler):
        monkeypatch.setattr(handler, "clock", legacy_day)
    response = chat_handler.handler(rest_event("GET", "/models"), FakeContext("chat"))
    (model,) = json.loads(response["body"])["image_models"]
    assert model["lifecycle"]["status"] == "LEGACY"
    nova.inject("AccessDeniedException", operation="InvokeModel")
    status, body = generate({"prompt": "a quiet forest"})
    assert (status, body["error"]["code"]) == (503, "model_not_enabled")
    assert "is a Legacy Bedrock model (end of life 2026-09-30)" in body["error"]["message"]
    assert "reached end of life" not in body["error"]["message"]


def test_given_the_default_deployment_then_the_stability_models_are_active(sim):
    response = chat_handler.handler(rest_event("GET", "/models"), FakeContext("chat"))
    models = json.loads(response["body"])["image_models"]
    assert {m["lifecycle"]["status"] for m in models} == {"ACTIVE"}
    assert all(m["lifecycle"]["end_of_life"] is None for m in models)
