"""POST /rag/query/stream through the local gateway over real HTTP: the rag function's streaming app (LangChain's
ChatBedrockConverse `.stream()`), the offline Knowledge Base over the sample corpus, citations as they are named."""

from __future__ import annotations

import pytest

from tests.integration.streams import post_stream
from tests.integration.test_rag import corpus  # noqa: F401 - the module fixture: the sample corpus, ingested

QUESTION = "재택 근무는 일주일에 며칠까지 가능한가요?"


def test_given_a_korean_question_then_the_answer_streams_and_its_citation_arrives_as_soon_as_it_is_named(streaming, corpus, sim):  # noqa: F811
    sim.token_ms = 2
    got = post_stream(streaming.gateway.url, "rag/query/stream", streaming.token, {"question": QUESTION})
    assert got.status == 200
    assert (got.kinds()[0], got.kinds()[-2:]) == ("start", ["usage", "done"])
    assert got.of("start")[0]["conversation_id"] is None
    assert "재택 근무는 주 2일까지 가능합니다" in got.text()
    (citation,) = got.of("citation")
    assert (citation["number"], citation["source"]["name"]) == (1, "hr-faq-ko.md")
    assert "X-Amz-Signature=" in citation["url"]
    # Sent right after the delta that completed "[1]" (not at the end).
    so_far = ""
    for index, (_, kind, data) in enumerate(got.events):
        so_far += data["text"] if kind == "delta" else ""
        if "[1]" in so_far:
            assert got.kinds()[index + 1] == "citation"
            break
    assert got.of("done") == [{"stored": "not_stored"}]
    sent = sim.recorded("ConverseStream")[-1]
    assert sent["guardrailConfig"]["streamProcessingMode"] == "sync"
    assert not sim.recorded("Converse")


def test_given_no_relevant_passage_then_the_fixed_sentence_is_the_one_delta_without_a_model_call(streaming, corpus, sim):  # noqa: F811
    got = post_stream(streaming.gateway.url, "rag/query/stream", streaming.token, {"question": "화성 탐사선의 연료는 무엇인가요?"})
    assert got.kinds() == ["start", "delta", "usage", "done"]
    assert got.text() == "업로드된 문서에서 이 질문에 대한 답을 찾지 못했습니다."
    assert got.of("usage")[0] == {"input_tokens": 0, "output_tokens": 0, "stop_reason": "end_turn", "latency_ms": 0}
    assert not sim.recorded("ConverseStream")


@pytest.mark.parametrize("code", ["modelStreamErrorException", "throttlingException"])
def test_given_a_model_error_mid_stream_then_an_error_event_ends_the_stream(streaming, corpus, sim, code):  # noqa: F811
    sim.inject(code, after_chunks=1)
    got = post_stream(streaming.gateway.url, "rag/query/stream", streaming.token, {"question": QUESTION})
    assert got.kinds() == ["start", "delta", "error"]
    assert (
        got.of("error")[0]["error"]["code"]
        == {"modelStreamErrorException": "upstream_unavailable", "throttlingException": "throttled"}[code]
    )
    assert len(sim.recorded("ConverseStream")) == 1  # never sent again


def test_given_a_bad_filter_or_an_unknown_conversation_then_a_json_4xx_before_any_stream(streaming, corpus, sim):  # noqa: F811
    url, token = streaming.gateway.url, streaming.token
    bad = post_stream(url, "rag/query/stream", token, {"question": QUESTION, "filter": {"startsWith": {"key": "a", "value": "b"}}})
    assert (bad.status, bad.headers["content-type"], bad.body["error"]["code"]) == (400, "application/json", "validation_error")
    missing = post_stream(url, "rag/query/stream", token, {"question": QUESTION, "conversation_id": "c" * 24})
    assert (missing.status, missing.body["error"]["code"]) == (404, "not_found")
    assert not sim.recorded("ConverseStream")
