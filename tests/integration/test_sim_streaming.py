"""The offline Bedrock's ConverseStream streams for real: paced frames, the guardrail's sync and async stream
modes, exception events part-way, and the controls over /_sim/ (docs/local-bedrock.md#streaming)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError, EventStreamError, ParamValidationError

from local.bedrock_sim.streaming import SYNC_BATCH_CHARS, batches
from tests.integration.conftest import guard_config

HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
QUESTION = [{"role": "user", "content": [{"guardContent": {"text": {"text": "안내해 주세요", "qualifiers": ["guard_content"]}}}]}]


def _timed(stream) -> list[tuple[float, dict]]:
    started = time.monotonic()
    return [(time.monotonic() - started, event) for event in stream]


def _text(events) -> str:
    return "".join(e["contentBlockDelta"]["delta"].get("text", "") for _, e in events if "contentBlockDelta" in e)


def test_given_a_first_token_delay_and_a_token_pace_then_frames_arrive_as_the_model_writes_them(runtime, sim):
    sim.first_token_ms, sim.token_ms, sim.reply_tokens = 300, 2, 500
    started = time.monotonic()
    response = runtime.converse_stream(modelId=HAIKU, messages=QUESTION)
    headers_after = time.monotonic() - started
    events = _timed(response["stream"])
    deltas = [t for t, e in events if "contentBlockDelta" in e]
    assert headers_after < 0.25  # the answer starts (headers, messageStart) before the first token
    assert 0.25 < deltas[0] < 0.5  # the first text after first_token_ms
    assert deltas[-1] - deltas[0] > 0.8  # then about 2 ms a token for 500 tokens
    assert events[-1][1]["metadata"]["usage"]["outputTokens"] == 500


def test_given_reply_tokens_over_max_tokens_then_the_reply_stops_at_max_tokens(runtime, sim):
    sim.reply_tokens = 5000
    events = list(runtime.converse_stream(modelId=HAIKU, messages=QUESTION, inferenceConfig={"maxTokens": 300})["stream"])
    assert events[-2]["messageStop"]["stopReason"] == "max_tokens"
    assert events[-1]["metadata"]["usage"]["outputTokens"] <= 300


def test_given_reply_tokens_then_a_rag_answer_repeats_its_cited_sentence_so_it_streams_long_and_stays_grounded(runtime, sim):
    passages = "[1] 재택 근무는 주 2일까지 가능합니다.\n\n[2] 연차 휴가는 인사 시스템에서 신청합니다."
    asked = [{"role": "user", "content": [{"text": passages}, {"text": "재택 근무는 며칠 가능한가요?"}]}]
    sim.reply_tokens = 200
    events = list(runtime.converse_stream(modelId=HAIKU, messages=asked)["stream"])
    text = _text([(0.0, e) for e in events])
    assert text.count("재택 근무는 주 2일까지 가능합니다. [1]") > 5
    assert "[2]" not in text
    assert "Streaming keeps" not in text
    assert 180 < events[-1]["metadata"]["usage"]["outputTokens"] <= 200
    capped = list(runtime.converse_stream(modelId=HAIKU, messages=asked, inferenceConfig={"maxTokens": 60})["stream"])
    assert capped[-2]["messageStop"]["stopReason"] == "max_tokens"
    assert capped[-1]["metadata"]["usage"]["outputTokens"] <= 60


def test_given_sync_mode_then_each_batch_is_checked_before_it_is_sent_and_pii_arrives_masked(runtime, sim):
    sim.reply_suffix = " 담당자 메일은 help.desk@example.com 입니다. " + "계속 안내합니다. " * 30
    sim.first_token_ms, sim.token_ms = 0, 2
    response = runtime.converse_stream(
        modelId=HAIKU, messages=QUESTION, guardrailConfig={**guard_config(sim), "streamProcessingMode": "sync"}
    )
    events = _timed(response["stream"])
    text = _text(events)
    assert "{EMAIL}" in text
    assert "help.desk@example.com" not in text
    assert events[-2][1]["messageStop"]["stopReason"] == "guardrail_intervened"
    assessments = next(iter(events[-1][1]["metadata"]["trace"]["guardrail"]["outputAssessments"].values()))
    assert len(assessments) == len(batches(text)) > 1  # one check per batch
    first = next(t for t, e in events if "contentBlockDelta" in e)
    assert first > 0.1  # held back until the first batch (>= 200 characters, ~50 tokens) was written and checked


def test_given_async_mode_then_chunks_go_out_as_written_and_an_intervention_stops_the_rest(runtime, sim):
    sim.reply_suffix = " " + "허용되는 문장입니다. " * 20 + "이 자료는 대외비 입니다. " + "보내지 않을 문장. " * 40 + "끝."
    sim.token_ms = 1
    config = {**guard_config(sim), "streamProcessingMode": "async"}
    events = list(runtime.converse_stream(modelId=HAIKU, messages=QUESTION, guardrailConfig=config)["stream"])
    text = "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e)
    assert "대외비" in text  # shown before the check that caught it
    assert not text.endswith("끝.")
    assert events[-2]["messageStop"]["stopReason"] == "guardrail_intervened"
    blocked = next(iter(events[-1]["metadata"]["trace"]["guardrail"]["outputAssessments"].values()))[-1]
    assert blocked["wordPolicy"]["customWords"][0]["action"] == "BLOCKED"


def test_given_an_injected_stream_exception_then_boto3_raises_it_after_the_chunks_before_it(runtime, sim):
    sim.inject("modelStreamErrorException", after_chunks=2)
    stream = runtime.converse_stream(modelId=HAIKU, messages=QUESTION)["stream"]
    received = []
    with pytest.raises(EventStreamError) as raised:
        received.extend(stream)
    assert raised.value.response["Error"]["Code"] == "modelStreamErrorException"
    assert sum("contentBlockDelta" in e for e in received) == 2
    assert list(runtime.converse_stream(modelId=HAIKU, messages=QUESTION)["stream"])[-1]["metadata"]  # once only
    with pytest.raises(ValueError, match="not a ConverseStream exception"):
        sim.inject("ModelErrorException", after_chunks=1)


def test_given_a_stream_mode_on_converse_then_the_sdk_refuses_it(runtime, sim):
    """streamProcessingMode is a member of GuardrailStreamConfiguration (ConverseStream) only, not of Converse's."""
    with pytest.raises(ParamValidationError):
        runtime.converse(modelId=HAIKU, messages=QUESTION, guardrailConfig={**guard_config(sim), "streamProcessingMode": "sync"})
    with pytest.raises((ParamValidationError, ClientError)):
        runtime.converse_stream(modelId=HAIKU, messages=QUESTION, guardrailConfig={**guard_config(sim), "streamProcessingMode": "fast"})


def _post(sim, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(sim.endpoint_url + path, data=json.dumps(body).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read()
            return answer.status, json.loads(text) if text else {}
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_given_the_http_controls_then_the_model_pace_reply_and_stream_faults_are_set_over_sim(runtime, sim):
    assert _post(sim, "/_sim/model", {"first_token_ms": 50, "token_ms": 1, "reply_tokens": 120, "reply_suffix": " 끝."}) == (
        200,
        {"first_token_ms": 50, "token_ms": 1, "reply_tokens": 120, "reply_suffix": " 끝."},
    )
    assert (sim.first_token_ms, sim.reply_tokens) == (50, 120)
    assert _post(sim, "/_sim/model", {"token_ms": "fast"})[0] == 400
    assert _post(sim, "/_sim/model", {"pace": 1})[0] == 400
    assert _post(sim, "/_sim/faults", {"code": "throttlingException", "after_chunks": 1}) == (204, {})
    assert _post(sim, "/_sim/faults", {"code": "Nope", "after_chunks": 1})[0] == 400
    with pytest.raises(EventStreamError):
        list(runtime.converse_stream(modelId=HAIKU, messages=QUESTION)["stream"])
    sim.reset()
    assert (sim.first_token_ms, sim.token_ms, sim.reply_tokens, sim.reply_suffix) == (0, 0, None, "")


def test_given_text_then_batches_end_after_whitespace_and_rejoin_to_the_text():
    text = "가나다 " * 200 + "user@example.com 끝"
    pieces = batches(text)
    assert "".join(pieces) == text
    assert all(len(p) >= SYNC_BATCH_CHARS and p[-1].isspace() for p in pieces[:-1])
    assert any("user@example.com" in p for p in pieces)  # never split
