"""The offline Bedrock's document citations over HTTP with a real boto3 client (local/bedrock_sim/citations.py): cited
answers in botocore's exact shapes, buffered (citationsContent blocks) and streamed (citation deltas), quoting the
attached document; and the refusals: another format, a model that does not cite, a request that mixes."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.integration.test_rag import minimal_pdf

HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
NOVA = "us.amazon.nova-lite-v1:0"
# Bedrock's messages, second-hand (boto/boto3#4726, #4608); MIXED is the simulator's own (docs/local-bedrock.md).
UNSUPPORTED_FORMAT = "Unsupported document format. Only txt and pdf formats are supported when citations are enabled"
NOT_SUPPORTED = "This model doesn't support citations."
MIXED = "Citations must be enabled on all of the documents in a request or on none of them."
NOTES = "Our team meets on Mondays. The launch moves to Friday because the review ran long. Lunch is at noon."


def document(name: str, data: bytes, file_format: str, cite: bool = True) -> dict[str, Any]:
    block: dict[str, Any] = {"format": file_format, "name": name, "source": {"bytes": data}}
    if cite:
        block["citations"] = {"enabled": True}
    return {"document": block}


def runtime(sim) -> Any:
    config = Config(retries={"total_max_attempts": 1})
    return boto3.client("bedrock-runtime", endpoint_url=sim.endpoint_url, region_name="us-west-2", config=config)


def converse(sim, content: list[dict[str, Any]], model: str = HAIKU) -> dict[str, Any]:
    return runtime(sim).converse(modelId=model, messages=[{"role": "user", "content": content}])


def refusal(sim, content: list[dict[str, Any]], model: str = HAIKU) -> str:
    with pytest.raises(ClientError) as info:
        converse(sim, content, model)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    return str(info.value.response["Error"]["Message"])


def test_given_a_txt_with_citations_when_conversing_then_a_citations_content_block_quotes_it_with_character_offsets(sim):
    answer = converse(sim, [document("team notes", NOTES.encode(), "txt"), {"text": "When is the launch?"}])

    content = answer["output"]["message"]["content"]
    assert [next(iter(block)) for block in content] == ["text", "citationsContent"]
    cited = content[1]["citationsContent"]
    citation = cited["citations"][0]
    assert citation["title"] == "team notes"
    where = citation["location"]["documentChar"]
    quote = citation["sourceContent"][0]["text"]
    assert quote == "The launch moves to Friday because the review ran long."  # the sentence sharing the question's words
    assert NOTES[where["start"] : where["end"]] == quote  # offsets into the document, end exclusive
    assert where["documentIndex"] == 0
    assert quote in cited["content"][0]["text"]  # the answer's words that the citation backs


def test_given_a_pdf_with_citations_when_streamed_then_a_citation_delta_opens_its_block_before_the_text(sim):
    pdf = minimal_pdf("The budget for Q3 is 40 million won.")
    content = [document("plan", b"not cited", "txt"), document("budget", pdf, "pdf"), {"text": "What is the budget?"}]
    response = runtime(sim).converse_stream(modelId=HAIKU, messages=[{"role": "user", "content": content}])
    events = list(response["stream"])

    deltas = [(e["contentBlockDelta"]["contentBlockIndex"], e["contentBlockDelta"]["delta"]) for e in events if "contentBlockDelta" in e]
    cited = [(index, delta["citation"]) for index, delta in deltas if "citation" in delta]
    assert [c["title"] for _, c in cited] == ["plan", "budget"]
    index, citation = cited[1]
    assert citation["location"] == {"documentPage": {"documentIndex": 1, "start": 1, "end": 2}}
    assert citation["sourceContent"] == [{"text": "The budget for Q3 is 40 million won."}]
    block = [d for i, d in deltas if i == index]
    assert "citation" in block[0]  # first in its block, then the words it backs
    assert "40 million won" in "".join(d.get("text", "") for d in block[1:])
    stops = [e["contentBlockStop"]["contentBlockIndex"] for e in events if "contentBlockStop" in e]
    assert stops == [0, 1, 2]


def test_given_citations_on_a_csv_when_conversing_then_bedrocks_format_message(sim):
    message = refusal(sim, [document("table", b"a,b\n1,2\n", "csv"), {"text": "sum it"}])
    assert message == UNSUPPORTED_FORMAT


def test_given_citations_on_a_model_that_does_not_cite_when_conversing_then_refused(sim):
    assert refusal(sim, [document("team notes", NOTES.encode(), "txt"), {"text": "When?"}], model=NOVA) == NOT_SUPPORTED
    answer = converse(sim, [document("team notes", NOTES.encode(), "txt", cite=False), {"text": "When?"}], model=NOVA)
    assert [next(iter(block)) for block in answer["output"]["message"]["content"]] == ["text"]  # without: read, not cited


def test_given_citations_on_one_document_and_not_another_when_conversing_then_refused(sim):
    content = [document("a", NOTES.encode(), "txt"), document("b", NOTES.encode(), "txt", cite=False), {"text": "When?"}]
    assert refusal(sim, content) == MIXED
