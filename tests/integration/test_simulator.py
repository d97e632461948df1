"""The offline Bedrock speaks the real protocol: boto3 parses every answer; bad requests are refused."""

from __future__ import annotations

import base64
import io
import json
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from PIL import Image

from local.bedrock_sim.eventstream import encode_message
from tests.integration.conftest import guard_config

HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def test_given_converse_stream_then_boto3_decodes_the_event_stream(runtime):
    stream = runtime.converse_stream(modelId=HAIKU, messages=[{"role": "user", "content": [{"text": "스트리밍 테스트"}]}])["stream"]
    events = list(stream)
    kinds = [next(iter(e)) for e in events]
    assert kinds[0] == "messageStart"
    assert kinds[-2:] == ["messageStop", "metadata"]
    text = "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e)
    assert "스트리밍 테스트" in text
    assert events[-1]["metadata"]["usage"]["outputTokens"] > 0


def test_given_an_event_stream_frame_then_botocores_decoder_reads_it():
    from botocore.eventstream import EventStreamBuffer

    buffer = EventStreamBuffer()
    buffer.add_data(encode_message({":event-type": "x", ":message-type": "event"}, b'{"a":1}'))
    message = next(iter(buffer))
    assert message.headers[":event-type"] == "x"
    assert message.payload == b'{"a":1}'


def test_given_a_request_that_breaks_the_service_model_then_validation_exception(sim):
    body = json.dumps({"messages": [{"role": "robot", "content": "not a list"}]}).encode()
    request = urllib.request.Request(
        f"{sim.endpoint_url}/model/{HAIKU}/converse", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 400
    assert info.value.headers["x-amzn-ErrorType"] == "ValidationException"
    assert "does not match the service model" in json.loads(info.value.read())["message"]


def test_given_unknown_model_or_bare_profile_only_model_then_bedrocks_validation_errors(runtime):
    with pytest.raises(ClientError, match="model identifier is invalid"):
        runtime.converse(modelId="anthropic.nope", messages=[{"role": "user", "content": [{"text": "x"}]}])
    with pytest.raises(ClientError, match="on-demand throughput isn't supported"):
        runtime.converse(modelId="anthropic.claude-haiku-4-5-20251001-v1:0", messages=[{"role": "user", "content": [{"text": "x"}]}])


def test_given_roles_that_do_not_alternate_then_validation_exception(runtime):
    messages = [{"role": "user", "content": [{"text": "a"}]}, {"role": "user", "content": [{"text": "b"}]}]
    with pytest.raises(ClientError, match="alternate"):
        runtime.converse(modelId=HAIKU, messages=messages)


def test_given_max_tokens_and_stop_sequences_then_the_reply_stops_like_a_model(runtime):
    cut = runtime.converse(
        modelId=HAIKU, messages=[{"role": "user", "content": [{"text": "long " * 50}]}], inferenceConfig={"maxTokens": 5}
    )
    assert cut["stopReason"] == "max_tokens"
    assert cut["usage"]["outputTokens"] <= 5
    stopped = runtime.converse(
        modelId=HAIKU, messages=[{"role": "user", "content": [{"text": "hi"}]}], inferenceConfig={"stopSequences": ["You said"]}
    )
    assert stopped["stopReason"] == "stop_sequence"


def test_given_apply_guardrail_then_korean_rrn_is_blocked_and_email_masked(runtime, sim):
    blocked = runtime.apply_guardrail(
        guardrailIdentifier=sim.guardrail_id,
        guardrailVersion=sim.guardrail_version,
        source="INPUT",
        content=[{"text": {"text": "주민등록번호 900101-1234567 입니다"}}],
    )
    assert blocked["action"] == "GUARDRAIL_INTERVENED"
    regex = blocked["assessments"][0]["sensitiveInformationPolicy"]["regexes"][0]
    assert (regex["name"], regex["action"]) == ("KR_RESIDENT_REGISTRATION_NUMBER", "BLOCKED")
    masked = runtime.apply_guardrail(
        guardrailIdentifier=sim.guardrail_id,
        guardrailVersion=sim.guardrail_version,
        source="OUTPUT",
        content=[{"text": {"text": "write to lee@example.org"}}],
    )
    assert masked["outputs"] == [{"text": "write to {EMAIL}"}]
    clean = runtime.apply_guardrail(
        guardrailIdentifier=sim.guardrail_id,
        guardrailVersion=sim.guardrail_version,
        source="INPUT",
        content=[{"text": {"text": "좋은 아침"}}],
    )
    assert clean["action"] == "NONE"
    with pytest.raises(ClientError) as info:
        runtime.apply_guardrail(guardrailIdentifier="other", guardrailVersion="1", source="INPUT", content=[{"text": {"text": "x"}}])
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_given_invoke_model_with_anthropic_body_then_a_messages_api_answer(runtime):
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 50, "messages": [{"role": "user", "content": "안녕"}]}
    answer = json.loads(runtime.invoke_model(modelId=HAIKU, body=json.dumps(body))["body"].read())
    assert answer["type"] == "message"
    assert "안녕" in answer["content"][0]["text"]


@pytest.mark.parametrize(
    "code", ["ThrottlingException", "ModelTimeoutException", "ServiceUnavailableException", "AccessDeniedException", "ValidationException"]
)
def test_given_an_injected_fault_then_boto3_raises_it_with_the_service_models_status(sim, code):
    client = boto3.client("bedrock-runtime", endpoint_url=sim.endpoint_url, config=Config(retries={"total_max_attempts": 1}))
    sim.inject(code, times=1)
    with pytest.raises(ClientError) as info:
        client.converse(modelId=HAIKU, messages=[{"role": "user", "content": [{"text": "x"}]}])
    assert info.value.response["Error"]["Code"] == code
    expected = {
        "ThrottlingException": 429,
        "ModelTimeoutException": 408,
        "ServiceUnavailableException": 503,
        "AccessDeniedException": 403,
        "ValidationException": 400,
    }
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == expected[code]


def test_given_requests_then_the_simulator_records_them_for_tests(runtime, sim):
    runtime.converse(modelId=HAIKU, messages=[{"role": "user", "content": [{"text": "record me"}]}], guardrailConfig=guard_config(sim))
    recorded = sim.recorded("Converse")
    assert recorded[-1]["messages"][0]["content"][0]["text"] == "record me"
    with urllib.request.urlopen(f"{sim.endpoint_url}/_sim/requests", timeout=5) as response:
        assert json.loads(response.read())[-1]["operation"] == "Converse"


def test_given_retrieve_and_generate_then_an_answer_with_its_cited_span_and_reference(sim):
    from tests.integration.conftest import KB_ID, PREFIX, wait_for_jobs

    s3 = boto3.client("s3")
    s3.put_object(Bucket="documents-test", Key=PREFIX + "faq-rg.md", Body="점심시간은 12시부터 1시까지입니다.".encode())
    boto3.client("bedrock-agent").start_ingestion_job(knowledgeBaseId=KB_ID, dataSourceId="DSLOCAL001")
    wait_for_jobs(sim)
    client = boto3.client("bedrock-agent-runtime", endpoint_url=sim.endpoint_url)
    answer = client.retrieve_and_generate(
        input={"text": "점심시간은 언제인가요?"},
        retrieveAndGenerateConfiguration={
            "type": "KNOWLEDGE_BASE",
            "knowledgeBaseConfiguration": {
                "knowledgeBaseId": KB_ID,
                "modelArn": "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
            },
        },
    )
    assert "12시부터 1시까지" in answer["output"]["text"]
    reference = answer["citations"][0]["retrievedReferences"][0]
    assert reference["location"]["s3Location"]["uri"].endswith("faq-rg.md")
    assert answer["sessionId"]


NOVA = "amazon.nova-canvas-v1:0"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "x", "mood": "calm"}}, "extraneous key [mood]"),
        ({"taskType": "TEXT_IMAGE", "textToImageParams": {}}, "required key [text]"),
        ({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "x"}, "imageGenerationConfig": {"width": 1000}}, "multiples of 16"),
        ({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "x"}, "imageGenerationConfig": {"numberOfImages": 6}}, "1 to 5"),
        ({"taskType": "INPAINTING", "inPaintingParams": {"image": "aGk=", "maskPrompt": "a", "maskImage": "aGk="}}, "exactly one"),
        ({"taskType": "COLOR_GUIDED_GENERATION", "colorGuidedGenerationParams": {"text": "x", "colors": ["red"]}}, "hexadecimal"),
        ({"taskType": "BACKGROUND_REMOVAL", "backgroundRemovalParams": {"image": "aGk="}, "imageGenerationConfig": {}}, "extraneous key"),
        ({"taskType": "UPSCALE"}, "taskType"),
    ],
)
def test_given_a_malformed_amazon_image_body_then_validation_exception_like_bedrocks(runtime, body, says):
    with pytest.raises(ClientError) as info:
        runtime.invoke_model(modelId=NOVA, body=json.dumps(body))
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert says in info.value.response["Error"]["Message"]


def test_given_an_amazon_text_image_body_then_deterministic_pngs_at_the_size(runtime):
    config = {"width": 512, "height": 320, "seed": 9, "numberOfImages": 2}
    body = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a fox"}, "imageGenerationConfig": config}
    first = json.loads(runtime.invoke_model(modelId=NOVA, body=json.dumps(body))["body"].read())
    again = json.loads(runtime.invoke_model(modelId=NOVA, body=json.dumps(body))["body"].read())
    assert first == again
    assert len(set(first["images"])) == 2
    assert Image.open(io.BytesIO(base64.b64decode(first["images"][0]))).size == (512, 320)
