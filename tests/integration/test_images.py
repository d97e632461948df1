"""POST /images: Stability request shapes, guardrails on prompt and picture, storage and presigned URLs."""

from __future__ import annotations

import base64
import io
import json

import boto3
import pytest
from PIL import Image

from image import handler as image_handler
from tests.events import FakeContext, rest_event
from tests.integration.conftest import IMAGES_BUCKET

SD35 = "stability.sd3-5-large-v1:0"
CORE = "stability.stable-image-core-v1:1"


def generate(body: dict, sub: str = "artist"):
    response = image_handler.handler(rest_event("POST", "/images", body=body, sub=sub), FakeContext("image"))
    return response["statusCode"], json.loads(response["body"])


def invoked(sim) -> list[dict]:
    return [json.loads(p["body"]) | {"modelId": p["modelId"]} for p in sim.recorded("InvokeModel")]


def test_given_a_prompt_then_a_png_at_the_ratio_is_stored_under_the_users_prefix_with_a_presigned_url(sim):
    status, body = generate({"prompt": "a lighthouse at dawn, watercolor", "aspect_ratio": "16:9", "seed": 42})
    assert status == 200, body
    (image,) = body["images"]
    assert image["key"].startswith("images/artist/")
    assert (image["width"], image["height"], image["seed"]) == (1344, 768, 42)
    assert "X-Amz-Signature=" in image["url"]
    stored = boto3.client("s3").get_object(Bucket=IMAGES_BUCKET, Key=image["key"])
    assert stored["ContentType"] == "image/png"
    assert Image.open(io.BytesIO(stored["Body"].read())).size == (1344, 768)
    assert body["guardrail"]["action"] == "NONE"
    assert invoked(sim)[-1] == {
        "prompt": "a lighthouse at dawn, watercolor",
        "output_format": "png",
        "seed": 42,
        "aspect_ratio": "16:9",
        "modelId": CORE,
    }


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (SD35, {"prompt": "p", "output_format": "png", "aspect_ratio": "1:1", "mode": "text-to-image"}),
        (CORE, {"prompt": "p", "output_format": "png", "aspect_ratio": "1:1"}),
        ("stability.stable-image-ultra-v1:1", {"prompt": "p", "output_format": "png", "aspect_ratio": "1:1"}),
    ],
)
def test_given_each_stability_model_then_its_own_request_shape(sim, model, expected):
    status, _ = generate({"prompt": "p", "model_id": model})
    assert status == 200
    sent = json.loads(sim.recorded("InvokeModel")[-1]["body"])
    assert sent == expected


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"width": 512, "height": 512}, {"width", "height"}),
        ({"cfg_scale": 5.0}, {"cfg_scale"}),
        ({"number_of_images": 2}, {"number_of_images"}),
        ({"task": "INPAINTING"}, {"task"}),
        ({"aspect_ratio": "7:3"}, {"aspect_ratio"}),
        ({"seed": -1}, {"seed"}),
    ],
)
def test_given_a_parameter_the_model_does_not_take_then_400_naming_it_and_nothing_is_called(sim, fields, bad):
    status, body = generate({"prompt": "a cat", "model_id": CORE, **fields})
    assert status == 400
    assert {d["field"] for d in body["error"]["details"]} == bad
    assert not sim.recorded("InvokeModel")
    assert not sim.recorded("ApplyGuardrail")


def test_given_a_blocked_prompt_then_no_image_model_is_called(sim):
    status, body = generate({"prompt": "대외비 설계도를 그려줘"})
    assert status == 200
    assert body["images"] == []
    assert body["guardrail"]["action"] == "BLOCKED"
    assert not sim.recorded("InvokeModel")


def test_given_a_picture_the_guardrail_blocks_then_it_is_neither_stored_nor_returned(sim):
    before = boto3.client("s3").list_objects_v2(Bucket=IMAGES_BUCKET, Prefix="images/gory/").get("KeyCount", 0)
    status, body = generate({"prompt": "a battlefield covered in blood"}, sub="gory")
    assert status == 200
    assert body["images"] == []
    assert body["guardrail"]["action"] == "BLOCKED"
    assert "withheld" in body["guardrail"]["message"]
    assert len(sim.recorded("InvokeModel")) == 1
    after = boto3.client("s3").list_objects_v2(Bucket=IMAGES_BUCKET, Prefix="images/gory/").get("KeyCount", 0)
    assert after == before


def test_given_a_korean_prompt_then_it_is_translated_by_the_chat_model_before_the_image_model(sim):
    status, body = generate({"prompt": "해질녘 바닷가의 등대, 수채화"})
    assert status == 200
    assert body["translated"] is True
    translation = sim.recorded("Converse")[-1]
    assert translation["system"][0]["text"].startswith("Translate the user's image-generation prompt into natural English")
    assert translation["messages"][0]["content"][0]["text"] == "해질녘 바닷가의 등대, 수채화"
    assert json.loads(sim.recorded("InvokeModel")[-1]["body"])["prompt"] == body["prompt"]
    status, english = generate({"prompt": "a lighthouse"})
    assert english["translated"] is False


def test_given_image_variation_then_the_users_own_image_is_the_source_and_another_users_is_refused(sim):
    _, first = generate({"prompt": "a red bicycle", "model_id": SD35})
    key = first["images"][0]["key"]
    status, body = generate(
        {"prompt": "the same bicycle in blue", "model_id": SD35, "task": "IMAGE_VARIATION", "source_image": key, "strength": 0.5}
    )
    assert status == 200, body
    sent = json.loads(sim.recorded("InvokeModel")[-1]["body"])
    assert sent["mode"] == "image-to-image"
    assert sent["strength"] == 0.5
    assert base64.b64decode(sent["image"]).startswith(b"\x89PNG")
    status, body = generate(
        {"prompt": "steal it", "model_id": SD35, "task": "IMAGE_VARIATION", "source_image": key, "strength": 0.5}, sub="thief"
    )
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = generate({"prompt": "x", "model_id": SD35, "task": "IMAGE_VARIATION", "source_image": "not-base64!!"})
    assert (status, body["error"]["details"][0]["field"]) == (400, "source_image")


def test_given_an_image_model_fault_then_a_clear_status_and_nothing_stored(sim):
    sim.inject("AccessDeniedException", operation="InvokeModel")
    status, body = generate({"prompt": "a quiet forest"}, sub="denied")
    assert (status, body["error"]["code"]) == (503, "model_not_enabled")
    assert boto3.client("s3").list_objects_v2(Bucket=IMAGES_BUCKET, Prefix="images/denied/").get("KeyCount", 0) == 0


def verify(body: dict, sub: str = "artist"):
    response = image_handler.handler(rest_event("POST", "/images/verify", body=body, sub=sub), FakeContext("image"))
    return response["statusCode"], json.loads(response["body"])


def test_given_an_image_with_content_credentials_then_they_are_read_and_the_signature_validates(sim):
    from local.bedrock_sim.images import draw_png
    from tests.integration.credentials import sign_png

    signed = sign_png(draw_png("a signed cat", 7, (128, 128)))
    status, body = verify({"image": base64.b64encode(signed).decode()})
    assert status == 200, body
    credentials = body["content_credentials"]
    assert credentials["present"] is True
    assert credentials["claim_generator"] == "offline-image-model 1.0"
    assert credentials["issuer"] == "Bedrock GenAI Stack tests"
    assert credentials["signature_valid"] is True
    assert credentials["trusted_signer"] is False  # a CA made by the test is in no trust list
    assert credentials["content_matches"] is True
    assert credentials["actions"][0]["action"] == "c2pa.created"
    assert credentials["ai_generated"] is True
    assert body["watermark"]["checked"] is False
    assert "no public watermark-detection API" in body["watermark"]["note"]


def test_given_an_image_without_credentials_then_present_is_false(sim):
    _, generated = generate({"prompt": "plain picture"})
    status, body = verify({"key": generated["images"][0]["key"]})
    assert status == 200
    assert body["content_credentials"] == {"present": False}


def test_given_a_signed_image_whose_pixels_changed_then_the_content_no_longer_matches(sim):
    from local.bedrock_sim.images import draw_png
    from tests.integration.credentials import sign_png

    signed = bytearray(sign_png(draw_png("tamper me", 3, (128, 128))))
    pixels = signed.find(b"IDAT")
    signed[pixels + 20] ^= 0xFF
    status, body = verify({"image": base64.b64encode(bytes(signed)).decode()})
    assert status == 200
    credentials = body["content_credentials"]
    assert credentials["present"] is True
    assert credentials["content_matches"] is False
    assert credentials["validation_state"] == "Invalid"
    assert "assertion.dataHash.mismatch" in [f["code"] for f in credentials["validation_failures"]]


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 400), ({"image": "aGk=", "key": "images/artist/x.png"}, 400), ({"image": "not base64!"}, 400), ({"image": "aGVsbG8="}, 400)],
)
def test_given_a_bad_verify_request_then_400(sim, body, status):
    assert verify(body)[0] == status


def test_given_another_users_key_then_verify_answers_404(sim):
    _, generated = generate({"prompt": "mine"})
    status, body = verify({"key": generated["images"][0]["key"]}, sub="someone-else")
    assert (status, body["error"]["code"]) == (404, "not_found")


def test_given_pii_in_a_prompt_then_the_image_model_gets_it_anonymized(sim):
    status, body = generate({"prompt": "a poster with the email kim@example.com in large letters"})
    assert status == 200
    assert body["guardrail"]["action"] == "ANONYMIZED"
    sent = json.loads(sim.recorded("InvokeModel")[-1]["body"])
    assert sent["prompt"] == "a poster with the email {EMAIL} in large letters"
    assert len(body["images"]) == 1


def test_given_a_korean_prompt_whose_translation_holds_a_denied_word_then_it_is_blocked_before_the_image_model(sim):
    """`internal-only` is a denied word and 내부 전용 is not: word filters match exact text, so the Korean prompt
    passes and its English translation (the offline glossary: "internal-only blueprint draw") must be guarded too."""
    status, body = generate({"prompt": "내부 전용 설계도를 그려줘"})
    assert status == 200
    assert body["images"] == []
    assert body["guardrail"]["action"] == "BLOCKED"
    assert body["guardrail"]["policies"] == ["word:custom"]
    assert body["prompt"] is None
    checked = [c["content"][0]["text"]["text"] for c in sim.recorded("ApplyGuardrail")]
    assert checked == ["내부 전용 설계도를 그려줘", "internal-only blueprint draw"]  # the prompt, then its translation
    assert not sim.recorded("InvokeModel")


def test_given_masked_outputs_that_do_not_match_the_blocks_sent_then_502_and_no_generation(sim):
    sim.combined_outputs = True  # ApplyGuardrail answers the two masked texts as one (docs/local-bedrock.md)
    try:
        status, body = generate({"prompt": "a poster for kim@example.com", "negative_prompt": "no 010-1234-5678"})
    finally:
        sim.combined_outputs = False
    assert status == 502
    assert body["error"]["code"] == "guardrail_mismatch"
    assert "cannot be matched" in body["error"]["message"]
    assert body["error"]["details"] == {"sent": 2, "outputs": 1}
    assert not sim.recorded("InvokeModel")  # fail closed: never the unmasked text
