"""The offline Bedrock refuses image and document blocks as Converse does (local/bedrock_sim/content_blocks.py), over HTTP
with a real boto3 client: counts, sizes, pixels, the document name rule, roles, the text block, the model's capability."""

from __future__ import annotations

import io
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from PIL import Image

from local.bedrock_sim import content_blocks
from local.bedrock_sim.protocol import SimError

HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
NAME_RULE = "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses"
PDF = b"%PDF-1.4\n%%EOF\n"


def png(size: tuple[int, int] = (4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("L", size).save(out, format="PNG")
    return out.getvalue()


def document(name: str = "Q3 report (final)", data: bytes = PDF, file_format: str = "pdf") -> dict[str, Any]:
    return {"document": {"format": file_format, "name": name, "source": {"bytes": data}}}


def image(data: bytes, file_format: str = "png") -> dict[str, Any]:
    return {"image": {"format": file_format, "source": {"bytes": data}}}


def converse(sim, content: list[dict[str, Any]], messages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    runtime = boto3.client(
        "bedrock-runtime", endpoint_url=sim.endpoint_url, region_name="us-west-2", config=Config(retries={"total_max_attempts": 1})
    )
    return runtime.converse(modelId=HAIKU, messages=[*(messages or []), {"role": "user", "content": content}])


def refusal(sim, content: list[dict[str, Any]], messages: list[dict[str, Any]] | None = None) -> str:
    with pytest.raises(ClientError) as info:
        converse(sim, content, messages)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    return str(info.value.response["Error"]["Message"])


def test_given_a_png_and_a_pdf_with_text_when_conversing_then_the_reply_names_what_was_read(sim):
    answer = converse(sim, [image(png()), document(), {"text": "summarize"}])
    text = answer["output"]["message"]["content"][0]["text"]
    assert "image png" in text
    assert "document «Q3 report (final)» (pdf)" in text


@pytest.mark.parametrize("name", ["report.pdf", "two  spaces", "Q3_report", "보고서", "a/b"])
def test_given_a_document_name_outside_the_rule_when_conversing_then_bedrocks_name_message(sim, name):
    assert refusal(sim, [document(name), {"text": "read"}]).startswith(NAME_RULE)


def test_given_six_documents_when_conversing_then_refused(sim):
    assert "up to 5" in refusal(sim, [document(f"doc {i}") for i in range(6)] + [{"text": "read"}])


def test_given_a_document_without_a_text_block_when_conversing_then_refused(sim):
    assert "must also include a text block" in refusal(sim, [document()])


def test_given_a_file_in_an_assistant_message_when_conversing_then_refused(sim):
    history = [{"role": "user", "content": [{"text": "hi"}]}, {"role": "assistant", "content": [image(png()), {"text": "here"}]}]
    assert "only include images and documents if the role is user" in refusal(sim, [{"text": "and?"}], history)


def test_given_png_bytes_labelled_jpeg_when_conversing_then_the_format_mismatch_message(sim):
    assert refusal(sim, [image(png(), "jpeg"), {"text": "what?"}]).endswith("The provided image does not match the specified image format.")


def test_given_an_image_over_3_75_mb_or_8000_px_when_conversing_then_refused(sim):
    assert "no more than 3.75 MB" in refusal(sim, [image(png() + b"\0" * 3_750_000), {"text": "what?"}])
    assert "no more than 8000 px" in refusal(sim, [image(png((8_001, 1))), {"text": "what?"}])


def test_given_a_model_that_reads_no_images_when_checking_then_bedrocks_capability_message():
    messages = [{"role": "user", "content": [image(png()), {"text": "what?"}]}]
    with pytest.raises(SimError, match="This model doesn't support the image content block that you provided"):
        content_blocks.check("amazon.nova-micro-v1:0", messages)
