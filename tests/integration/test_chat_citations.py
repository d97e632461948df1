"""Document citations in chat (lambdas/chat/doc_citations.py): the real handler and chat streaming app, real boto3 clients,
the offline Bedrock over HTTP (which refuses citations where Bedrock does: local/bedrock_sim/citations.py). Config
`attachments.citations` switches them per route: each value is rendered as a deploy renders it (an override file over
cdk.json → infra/config.py → the runtime config document) and read by the function as a new container would."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests

from chat import handler as chat_handler
from common.runtime_config import RuntimeConfig
from infra.config import load_config
from infra.deployment import resolve, runtime_config_document
from tests import documents
from tests.clock import TODAY
from tests.integration.streams import Streaming, get_json, post_stream, start_streaming
from tests.integration.test_chat import DEFAULT, NOVA, call, chat
from tests.integration.test_chat_files import upload
from tests.integration.test_rag import minimal_pdf

NOTES = "Our team meets on Mondays. The launch moves to Friday because the review ran long. Lunch is at noon."
PDF_TEXT = "The budget for Q3 is 40 million won."


def published_event(kind: str) -> dict:
    """The schema docs/openapi.json publishes for a stream event's data, its references resolvable."""
    spec = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text(encoding="utf-8"))
    events = spec["paths"]["/chat/stream"]["post"]["responses"]["200"]["content"]["text/event-stream"]["schema"]["oneOf"]
    data = next(e["properties"]["data"] for e in events if e["properties"]["event"]["const"] == kind)
    return {**data["contentSchema"], "components": spec["components"]}


def documents_sent(sim, operation: str = "Converse") -> list[dict]:
    return [b["document"] for m in sim.recorded(operation)[-1]["messages"] for b in m["content"] if "document" in b]


def test_given_a_txt_and_a_pdf_when_chatting_then_the_answer_cites_both_and_the_conversation_keeps_the_citations(sim):
    notes = upload("회의 메모.txt", NOTES.encode(), "text/plain")
    budget = upload("Q3 budget.pdf", minimal_pdf(PDF_TEXT), "application/pdf")

    status, body, _ = chat("When is the launch and what is the budget?", attachments=[{"key": notes["key"]}, {"key": budget["key"]}])

    assert status == 200, body
    assert [d["citations"] for d in documents_sent(sim)] == [{"enabled": True}, {"enabled": True}]
    cited = body["citations"]
    assert [(c["number"], c["source"]["name"], c["source"]["key"]) for c in cited] == [
        (1, "회의 메모.txt", notes["key"]),
        (2, "Q3 budget.pdf", budget["key"]),
    ]
    assert cited[0]["excerpt"] == "The launch moves to Friday because the review ran long."
    start, end = cited[0]["location"]["start"], cited[0]["location"]["end"]
    assert (cited[0]["location"]["type"], NOTES[start:end]) == ("char", cited[0]["excerpt"])
    assert (cited[1]["excerpt"], cited[1]["source"]["page"], cited[1]["location"]["type"]) == (PDF_TEXT, 1, "page")
    reply = body["message"]["content"]
    assert reply.startswith("[offline model")  # the text block, then the cited parts' words in place
    assert reply.endswith(f'«Q3 budget» says: "{PDF_TEXT}"')
    status, detail, _ = call("GET", f"/conversations/{body['conversation_id']}", resource="/conversations/{id}")
    assert status == 200
    assert detail["messages"][1]["citations"] == cited
    assert detail["messages"][1]["content"] == reply


def test_given_a_model_that_does_not_cite_when_chatting_with_a_txt_then_no_citations_are_asked_or_returned(sim):
    notes = upload("notes.txt", NOTES.encode(), "text/plain")
    status, body, _ = chat("When is the launch?", model_id=NOVA, attachments=[{"key": notes["key"]}])
    assert status == 200, body
    assert ["citations" in d for d in documents_sent(sim)] == [False]
    assert body["citations"] == []


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("sales.csv", b"month,total\nMay,12\n", "text/csv"),
        (
            "memo.docx",
            documents.docx(["The launch moves to Friday."]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_given_a_csv_or_docx_beside_a_txt_when_chatting_then_no_document_asks_for_citations(sim, name, data, content_type):
    notes = upload("notes.txt", NOTES.encode(), "text/plain")
    other = upload(name, data, content_type)
    status, body, _ = chat("Compare them", attachments=[{"key": notes["key"]}, {"key": other["key"]}])
    assert status == 200, body
    assert [(d["format"], "citations" in d) for d in documents_sent(sim)] == [("txt", False), (name.rsplit(".", 1)[1], False)]
    assert body["citations"] == []


def test_given_a_txt_in_an_earlier_turn_when_asking_again_then_the_resent_document_is_cited_by_its_file(sim):
    notes = upload("plan.txt", NOTES.encode(), "text/plain")
    status, first, _ = chat("Keep this", attachments=[{"key": notes["key"]}])
    assert status == 200

    status, second, _ = chat("When is lunch?", conversation_id=first["conversation_id"])

    assert status == 200
    assert [d["citations"] for d in documents_sent(sim)] == [{"enabled": True}]  # the window's copy, cited like the turn's
    assert [(c["source"]["name"], c["excerpt"]) for c in second["citations"]] == [("plan.txt", "Lunch is at noon.")]


def stream_upload(url: str, token: str, name: str, data: bytes, content_type: str) -> str:
    """A file uploaded through the gateway's POST /chat/attachments and its presigned POST: its key."""
    offer = post_stream(url, "chat/attachments", token, {"name": name, "content_type": content_type, "size": len(data)})
    assert offer.status == 201, offer.body
    target = offer.body["upload"]
    assert requests.post(target["url"], data=target["fields"], files={"file": (name, data)}, timeout=10).status_code in (200, 204)
    return str(offer.body["key"])


def test_given_a_stream_with_a_pdf_then_a_citation_event_follows_the_deltas_and_the_turn_is_stored_with_it(streaming, sim):
    url, token = streaming.gateway.url, streaming.token
    key = stream_upload(url, token, "budget.pdf", minimal_pdf(PDF_TEXT), "application/pdf")

    got = post_stream(url, "chat/stream", token, {"message": "What is the budget?", "attachments": [{"key": key}]})

    assert got.status == 200
    assert documents_sent(sim, "ConverseStream")[0]["citations"] == {"enabled": True}
    kinds = got.kinds()
    assert (kinds[0], kinds[-2:]) == ("start", ["usage", "done"])
    assert kinds.index("citation") > kinds.index("delta")
    [citation] = got.of("citation")
    jsonschema.validate(citation, published_event("citation"))  # as docs/openapi.json says
    assert (citation["number"], citation["source"]["name"], citation["excerpt"]) == (1, "budget.pdf", PDF_TEXT)
    assert citation["location"] == {"type": "page", "start": 1, "end": 2}
    assert got.text().endswith(f'«budget» says: "{PDF_TEXT}"')
    status, detail = get_json(url, f"conversations/{got.of('start')[0]['conversation_id']}", token)
    assert status == 200
    assert detail["messages"][1]["citations"] == [citation]
    assert detail["messages"][1]["content"] == got.text()
    assert got.of("start")[0]["model_id"] == DEFAULT  # a model that cites (infra/catalog/attachments.py)


# --- config attachments.citations: which routes ask for citations (docs/configuration.md#attachments) ---------------


def deployed_with(citations: str, folder: Path) -> dict[str, Any]:
    """The runtime config document a deploy renders with `attachments.citations` in an override file (`-c config=`),
    budgets lifted as for every test (tests/conftest.py)."""
    override = folder / "override.json"
    override.write_text(json.dumps({"attachments": {"citations": citations}}), encoding="utf-8")
    context = json.loads((Path(__file__).resolve().parents[2] / "cdk.json").read_text(encoding="utf-8"))["context"]
    document = runtime_config_document(resolve(load_config({**context, "config": str(override)}), "us-west-2", TODAY))
    document["budgets"] = {**document["budgets"], "default": {"unlimited": True}}
    return document


@pytest.fixture(scope="module")
def streaming_with(local_aws, moto_server, tmp_path_factory) -> Iterator[Callable[[str], Streaming]]:
    """The chat streaming app (its own process, as Lambda runs it) started on the runtime config of `citations`."""
    started: dict[str, Streaming] = {}

    def start(citations: str) -> Streaming:
        if citations not in started:
            folder = tmp_path_factory.mktemp(f"citations-{citations}")
            path = folder / "runtime_config.json"
            path.write_text(json.dumps(deployed_with(citations, folder)), encoding="utf-8")
            started[citations] = start_streaming(moto_server, {"RUNTIME_CONFIG_PATH": str(path)}, ("chat_stream",))
        return started[citations]

    yield start
    for one in started.values():
        one.stop()


@pytest.mark.parametrize(("setting", "asked"), [("on", True), ("buffered-only", True), ("off", False)])
def test_given_attachments_citations_when_chatting_with_a_txt_then_post_chat_asks_for_them_unless_off(
    sim, monkeypatch, tmp_path, setting, asked
):
    # What a chat function whose container read that runtime_config.json has (chat/deps.py reads it at import).
    monkeypatch.setattr(chat_handler, "config", RuntimeConfig.model_validate(deployed_with(setting, tmp_path)))
    notes = upload("plan.txt", NOTES.encode(), "text/plain")

    status, body, _ = chat("When is lunch?", attachments=[{"key": notes["key"]}])

    assert status == 200, body
    assert [d.get("citations") for d in documents_sent(sim)] == [{"enabled": True} if asked else None]
    assert [c["excerpt"] for c in body["citations"]] == (["Lunch is at noon."] if asked else [])
    assert ("says:" in body["message"]["content"]) is asked  # the offline model's cited words come only when asked


@pytest.mark.parametrize(("setting", "asked"), [("on", True), ("buffered-only", False), ("off", False)])
def test_given_attachments_citations_when_streaming_with_a_txt_then_post_chat_stream_asks_for_them_only_when_on(
    streaming_with, sim, setting, asked
):
    started = streaming_with(setting)
    url, token = started.gateway.url, started.token
    key = stream_upload(url, token, "plan.txt", NOTES.encode(), "text/plain")

    got = post_stream(url, "chat/stream", token, {"message": "When is lunch?", "attachments": [{"key": key}]})

    assert got.status == 200, got.body
    assert [d.get("citations") for d in documents_sent(sim, "ConverseStream")] == [{"enabled": True} if asked else None]
    assert [c["excerpt"] for c in got.of("citation")] == (["Lunch is at noon."] if asked else [])
    assert got.kinds()[-2:] == ["usage", "done"]
    status, detail = get_json(url, f"conversations/{got.of('start')[0]['conversation_id']}", token)
    assert status == 200
    assert [c["excerpt"] for c in detail["messages"][1]["citations"]] == (["Lunch is at noon."] if asked else [])
