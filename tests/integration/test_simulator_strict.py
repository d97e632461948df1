"""The offline Bedrock refuses what Bedrock refuses and botocore lets through: maximum lengths, enums,
patterns and ranges from the service models, and each image model's documented body (real boto3
clients over HTTP; botocore's client-side validation passes every request here)."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from PIL import Image

from local.bedrock_sim import constraints
from local.bedrock_sim.dispatch import OPERATIONS, SERVICES
from local.bedrock_sim.protocol import Protocol, SimError

HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
SD35, CORE, ULTRA = "stability.sd3-5-large-v1:0", "stability.stable-image-core-v1:1", "stability.stable-image-ultra-v1:1"
NOVA, TITAN = "amazon.nova-canvas-v1:0", "amazon.titan-image-generator-v2:0"
ONCE = Config(retries={"total_max_attempts": 1})


def client(sim, service: str = "bedrock-runtime") -> Any:
    return boto3.client(service, endpoint_url=sim.endpoint_url, region_name="us-west-2", config=ONCE)


def refusal(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as info:
        call(**params)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return str(info.value.response["Error"]["Message"])


def converse(sim, **extra: Any) -> str:
    params = {"modelId": HAIKU, "messages": [{"role": "user", "content": [{"text": "hi"}]}], **extra}
    return refusal(client(sim).converse, **params)


def png(size: tuple[int, int] = (64, 64), mode: str = "RGB", colour: Any = (200, 30, 30)) -> str:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


# --- the service models' constraints -----------------------------------------------------


def test_given_a_string_over_its_maximum_length_then_bedrocks_validation_message(sim):
    message = converse(sim, guardrailConfig={"guardrailIdentifier": "a" * 2049, "guardrailVersion": "1"})
    assert message == (
        "1 validation error detected: Value at 'guardrailConfig.guardrailIdentifier' failed to satisfy constraint: "
        "Member must have length less than or equal to 2048"
    )  # a value longer than 256 characters is left out of the message
    assert not sim.recorded("Converse")  # refused before it is served


def test_given_a_list_or_a_map_over_its_maximum_length_then_refused(sim):
    message = converse(sim, inferenceConfig={"stopSequences": ["x"] * 2501})
    assert "at 'inferenceConfig.stopSequences' failed to satisfy constraint: Member must have length less than or equal to 2500" in message
    message = converse(sim, requestMetadata={f"k{i}": "v" for i in range(17)})
    assert "at 'requestMetadata' failed to satisfy constraint: Member must have length less than or equal to 16" in message


def test_given_a_value_outside_its_enum_then_the_enum_set_is_named(sim):
    guard = {"guardrailIdentifier": sim.guardrail_id, "guardrailVersion": "1", "trace": "verbose"}
    assert converse(sim, guardrailConfig=guard) == (
        "1 validation error detected: Value 'verbose' at 'guardrailConfig.trace' failed to satisfy constraint: "
        "Member must satisfy enum value set: [enabled, disabled, enabled_full]"
    )
    message = refusal(
        client(sim).apply_guardrail,
        guardrailIdentifier=sim.guardrail_id,
        guardrailVersion="1",
        source="BOTH",
        content=[{"text": {"text": "hello"}}],
    )
    assert "Value 'BOTH' at 'source' failed to satisfy constraint: Member must satisfy enum value set: [INPUT, OUTPUT]" in message


def test_given_a_value_breaking_its_pattern_then_the_pattern_is_named_with_the_member_path(sim):
    guard = {"guardrailIdentifier": sim.guardrail_id, "guardrailVersion": "v1"}
    assert converse(sim, guardrailConfig=guard) == (
        "1 validation error detected: Value 'v1' at 'guardrailConfig.guardrailVersion' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: (|([1-9][0-9]{0,7})|(DRAFT))"
    )
    guard = {"guardrailIdentifier": "my-guardrail", "guardrailVersion": "1"}  # guardrail ids are [a-z0-9]+
    assert "Value 'my-guardrail' at 'guardrailConfig.guardrailIdentifier'" in converse(sim, guardrailConfig=guard)
    # The whole value must match (a pattern found inside it is not enough), and list elements are <list>.<n>.member:
    tool = {"toolSpec": {"name": "Complete Session", "inputSchema": {"json": {"type": "object"}}}}
    assert converse(sim, toolConfig={"tools": [tool]}) == (
        "1 validation error detected: Value 'Complete Session' at 'toolConfig.tools.1.member.toolSpec.name' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+"
    )


def test_given_a_number_outside_its_range_then_refused_and_every_violation_is_listed(sim):
    agent = client(sim, "bedrock-agent-runtime")
    search = {"vectorSearchConfiguration": {"numberOfResults": 101}}
    message = refusal(agent.retrieve, knowledgeBaseId="KBLOCAL001", retrievalQuery={"text": "q"}, retrievalConfiguration=search)
    assert message == (
        "1 validation error detected: Value '101' at 'retrievalConfiguration.vectorSearchConfiguration.numberOfResults' "
        "failed to satisfy constraint: Member must have value less than or equal to 100"
    )
    message = refusal(agent.retrieve, knowledgeBaseId="KB-LOCAL01", retrievalQuery={"text": "q"}, retrievalConfiguration=search)
    assert message.startswith("2 validation errors detected: Value 'KB-LOCAL01' at 'knowledgeBaseId'")
    assert "; Value '101' at 'retrievalConfiguration.vectorSearchConfiguration.numberOfResults'" in message


def test_given_the_simulators_own_answer_breaks_a_constraint_then_it_is_reported_as_a_simulator_bug():
    protocol = Protocol(SERVICES)
    output = protocol.models["bedrock-runtime"].operation_model("ApplyGuardrail").output_shape
    document = {
        "usage": {
            "topicPolicyUnits": 0,
            "contentPolicyUnits": 0,
            "wordPolicyUnits": 0,
            "sensitiveInformationPolicyUnits": 0,
            "sensitiveInformationPolicyFreeUnits": 0,
            "contextualGroundingPolicyUnits": 0,
        },
        "action": "MAYBE",
        "outputs": [],
        "assessments": [],
    }
    with pytest.raises(
        SimError,
        match=r"simulator response does not match the service model: 1 validation error detected: "
        r"Value 'MAYBE' at 'action'",
    ):
        protocol.validate(output, document, "simulator response")


def test_given_a_java_only_pattern_then_it_is_checked_and_every_pattern_of_the_simulated_operations_is_checked():
    protocol = Protocol(SERVICES)
    output = protocol.models["bedrock-agent-runtime"].operation_model("Retrieve").output_shape
    result = {"content": {"text": "x"}, "documentId": "doc\u0007"}  # \P{C}: no control character
    found = constraints.check(output, {"retrievalResults": [result]})
    assert [str(v) for v in found] == [
        "Value 'doc\u0007' at 'retrievalResults.1.member.documentId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^\\P{C}*$"
    ]
    assert constraints.check(output, {"retrievalResults": [{**result, "documentId": "문서-1"}]}) == []
    patterns: set[str] = set()
    for model in protocol.models.values():
        for name in OPERATIONS:
            if name in model.operation_names:
                operation = model.operation_model(name)
                _patterns(operation.input_shape, patterns, set())
                _patterns(operation.output_shape, patterns, set())
    assert len(patterns) > 20
    assert [p for p in sorted(patterns) if constraints.matcher(p) is None] == []  # none is skipped


def _patterns(shape: Any, found: set[str], seen: set[str]) -> None:
    if shape is None or shape.name in seen:
        return
    seen.add(shape.name)
    if "pattern" in shape.metadata:
        found.add(shape.metadata["pattern"])
    children = {"structure": lambda: shape.members.values(), "list": lambda: [shape.member], "map": lambda: [shape.key, shape.value]}
    for child in children.get(shape.type_name, list)():
        _patterns(child, found, seen)


# --- Stability image bodies ------------------------------------------------------------------


def invoke(sim, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client(sim).invoke_model(modelId=model_id, body=json.dumps(body))
    return dict(json.loads(response["body"].read()))


def invoke_refusal(sim, model_id: str, body: dict[str, Any]) -> str:
    return refusal(client(sim).invoke_model, modelId=model_id, body=json.dumps(body))


@pytest.mark.parametrize("model_id", [SD35, CORE, ULTRA])
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"cfg_scale": 7}, "#: extraneous key [cfg_scale] is not permitted"),
        ({"prompt": "p" * 10_001}, "#/prompt: expected maxLength: 10000, actual: 10001"),
        ({"negative_prompt": "n" * 10_001}, "#/negative_prompt: expected maxLength: 10000, actual: 10001"),
        ({"prompt": 42}, "#/prompt: expected type: String"),
        ({"seed": 4_294_967_295}, "#/seed: 4294967295 is not less or equal to 4294967294"),
        ({"seed": -1}, "#/seed: -1 is not greater or equal to 0"),
        ({"seed": "5"}, "#/seed: expected type: Integer"),
        ({"seed": True}, "#/seed: expected type: Integer"),
        ({"aspect_ratio": "7:3"}, "#/aspect_ratio: 7:3 is not a valid enum value"),
        ({"output_format": "gif"}, "#/output_format: gif is not a valid enum value"),
    ],
)
def test_given_a_stability_body_breaking_its_documented_schema_then_malformed_input(sim, model_id, change, expected):
    message = invoke_refusal(sim, model_id, {"prompt": "a lighthouse", **change})
    assert message == f"Malformed input request: {expected}, please reformat your input and try again."


@pytest.mark.parametrize("model_id", [SD35, CORE, ULTRA])
def test_given_the_documented_limits_themselves_then_a_picture(sim, model_id):
    body = {"prompt": "p" * 10_000, "negative_prompt": "n" * 10_000, "seed": 4_294_967_294, "aspect_ratio": "9:21", "output_format": "webp"}
    assert len(invoke(sim, model_id, body)["images"]) == 1
    assert invoke(sim, model_id, {"prompt": ""})["seeds"]  # the pages give the prompt a minimum of 0 characters
    assert "required key [prompt]" in invoke_refusal(sim, model_id, {"seed": 1})


def test_given_sd35_image_to_image_then_mode_image_and_strength_follow_the_page(sim):
    source = png((96, 64))
    assert invoke(sim, SD35, {"prompt": "p", "mode": "image-to-image", "image": source, "strength": 1})["images"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"mode": "inpaint"}, "#/mode: inpaint is not a valid enum value"),
        ({"mode": "image-to-image", "image": source, "strength": 1.5}, "#/strength: 1.5 is not less or equal to 1"),
        ({"mode": "image-to-image", "image": source, "strength": "high"}, "#/strength: expected type: Number"),
        ({"mode": "image-to-image", "image": source}, "#: required key [strength] not found (image-to-image)"),
        ({"mode": "image-to-image", "strength": 0.5}, "#: required key [image] not found (image-to-image)"),
        ({"mode": "image-to-image", "image": source, "strength": 0.5, "aspect_ratio": "1:1"}, "#/aspect_ratio: valid for text-to-image"),
        ({"mode": "image-to-image", "image": "bm90IGFuIGltYWdl", "strength": 0.5}, "#/image: the image could not be decoded"),
    ]
    for change, expected in cases:
        assert expected in invoke_refusal(sim, SD35, {"prompt": "p", **change}), change
    for model_id in (CORE, ULTRA):
        assert "extraneous key [mode]" in invoke_refusal(sim, model_id, {"prompt": "p", "mode": "text-to-image"})


# --- Nova Canvas and Titan Image Generator v2: the gaps closed ---------------------------------


def canvas(params: dict[str, Any] | None = None, config: dict[str, Any] | None = None, task: str = "TEXT_IMAGE") -> dict[str, Any]:
    key = {"TEXT_IMAGE": "textToImageParams", "INPAINTING": "inPaintingParams", "IMAGE_VARIATION": "imageVariationParams"}[task]
    body: dict[str, Any] = {"taskType": task, key: params or {"text": "a red kite"}}
    if config is not None:
        body["imageGenerationConfig"] = config
    return body


def test_given_a_seed_over_nova_canvas_range_then_refused_though_titan_takes_it(sim):
    assert invoke(sim, NOVA, canvas(config={"seed": 858_993_459, "width": 320, "height": 320}))["images"]
    assert "#/seed: 0 to 858993459" in invoke_refusal(sim, NOVA, canvas(config={"seed": 858_993_460}))
    assert invoke(sim, TITAN, canvas(config={"seed": 858_993_460, "width": 320, "height": 320}))["images"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (canvas({"text": "t", "style": "WATERCOLOR"}), "#/style: WATERCOLOR is not a valid enum value"),
        (canvas({"text": "t", "conditionImage": "x", "controlMode": "DEPTH"}), "#/controlMode: DEPTH is not a valid enum value"),
        (canvas({"text": "t", "controlStrength": 1.5}), "#/controlStrength: 0 to 1.0"),
        (canvas({"text": "t", "controlStrength": "max"}), "#/controlStrength: expected type: Number"),
        (canvas(config={"seed": "12"}), "#/seed: expected type: Integer"),
        (canvas(config={"numberOfImages": 2.5}), "#/numberOfImages: expected type: Integer"),
        (canvas(config={"cfgScale": True}), "#/cfgScale: expected type: Number"),
        (canvas({"images": "one"}, task="IMAGE_VARIATION"), "#/images: expected type: JSONArray"),
    ],
)
def test_given_a_nova_canvas_parameter_outside_the_user_guide_then_malformed_input(sim, body, expected):
    assert expected in invoke_refusal(sim, NOVA, body)


def test_given_a_mask_that_is_not_pure_black_and_white_or_a_translucent_source_then_refused(sim):
    source = png((320, 320))
    grey_mask = png((320, 320), "RGB", (128, 128, 128))
    body = canvas({"text": "a cat", "image": source, "maskImage": grey_mask}, task="INPAINTING")
    assert "#/maskImage: a mask must contain only pure black and pure white pixels" in invoke_refusal(sim, NOVA, body)
    body = canvas({"text": "a cat", "image": source, "maskImage": png((320, 320), "RGB", (0, 0, 0))}, task="INPAINTING")
    assert invoke(sim, NOVA, body)["images"]
    translucent = png((320, 320), "RGBA", (10, 20, 30, 128))
    body = canvas({"text": "a cat", "image": translucent, "maskPrompt": "the cat"}, task="INPAINTING")
    assert "#/image: the alpha channel must not contain transparent or translucent pixels" in invoke_refusal(sim, NOVA, body)
    assert invoke(
        sim, NOVA, canvas({"text": "a cat", "image": png((320, 320), "RGBA", (1, 2, 3, 255)), "maskPrompt": "x"}, task="INPAINTING")
    )["images"]


def test_given_a_style_for_titan_then_refused_styles_are_nova_canvas_only(sim):
    assert "extraneous key [style]" in invoke_refusal(sim, TITAN, canvas({"text": "t", "style": "PHOTOREALISM"}))
