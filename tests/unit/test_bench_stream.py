"""The streaming benches' helpers: the SSE reader, the percentiles, the async configuration override, the report lines."""

from __future__ import annotations

import json

from bench import stream_cold, stream_ttft
from bench.__main__ import END, START, render
from bench.sse_client import events, summary
from infra.config import load_config
from tests.infra.conftest import cdk_context

FRAMES = """event: start
data: {"stream_id":"s1","conversation_id":"c1","model_id":"m"}

: ping

event: delta
data: {"text":"안녕"}

event: delta
data:{"text":"하세요"}

data: {"a":
data: 1}

event: done
data: {"stored":"complete"}
"""


def test_given_sse_frames_when_read_then_one_event_per_blank_line_comments_skipped_and_data_lines_joined():
    got = list(events(FRAMES.splitlines()))

    assert got == [
        ("start", {"stream_id": "s1", "conversation_id": "c1", "model_id": "m"}),
        ("delta", {"text": "안녕"}),
        ("delta", {"text": "하세요"}),  # no space after the colon: the value is the rest of the line
        ("message", {"a": 1}),  # no `event:` field: SSE's default type; two data lines join with a line break
    ]  # the last event has no blank line after it: a stream cut there is not an event


def test_given_values_when_summarized_then_the_median_and_the_nearest_rank_95th_percentile():
    values = [float(v) for v in range(1, 101)]  # 1..100

    assert summary(values) == {"p50": 50.5, "p95": 95.0}
    assert summary([7.0]) == {"p50": 7.0, "p95": 7.0}


def test_given_the_async_override_then_synth_accepts_it_and_it_masks_nothing(tmp_path):
    override = tmp_path / "async.json"
    override.write_text(json.dumps(stream_ttft.mode_config("async")), encoding="utf-8")

    policy = load_config(cdk_context("dev", config=str(override))).guardrail  # as `make synth CONFIG=` and the stack merge it

    assert policy.stream_processing_mode == "async"
    assert "ANONYMIZE" not in json.dumps(policy.model_dump(mode="json"))
    assert policy.pii_entities["EMAIL"] == "BLOCK"  # what cdk.json anonymizes is blocked instead, not dropped
    assert stream_ttft.mode_config("sync") == {"guardrail": {"stream_processing_mode": "sync"}}


def _ttft(chat_added: float) -> dict:
    def row(bare: float, got: float) -> dict:
        return {
            "chat bare": {"p50": bare, "p95": bare + 5},
            "chat start": {"p50": 12.0, "p95": 14.0},
            "chat route": {"p50": got, "p95": got + 9},
            "rag bare": {"p50": 300.0, "p95": 310.0},
            "rag start": {"p50": 25.0, "p95": 30.0},
            "rag route": {"p50": 335.0, "p95": 350.0},
        }

    calls = {"chat": ["ConverseStream"], "rag": ["Retrieve", "ConverseStream"]}
    return {"sync": {"figures": row(460.0, 460.0 + chat_added), "calls": calls}, "async": {"figures": row(250.0, 262.0), "calls": calls}}


def test_given_ttft_figures_then_each_route_shows_its_added_time_beside_the_bare_call_and_the_chat_target_verdict():
    out = stream_ttft.lines(_ttft(18.0), 30)
    chat_sync = next(line for line in out if "sync: POST /chat/stream" in line and "async" not in line)

    assert "+18.0 ms" in chat_sync
    assert "+22.0 ms" in chat_sync
    assert "met (<= 30 ms)" in chat_sync
    assert "MISSED (<= 30 ms)" in next(line for line in stream_ttft.lines(_ttft(31.0), 30) if "sync: POST /chat" in line)
    assert out[-1] == "  Bedrock calls per request: chat ConverseStream; rag Retrieve + ConverseStream"


def test_given_cold_start_figures_then_ratios_are_to_the_baselines_first_request_and_import_init():
    results = {"baseline": {"init": 0.5, "first": 0.6, "whole": 0.6}, "chat_stream": {"init": 0.6, "first": 0.78, "whole": 0.9}}
    row = next(line for line in stream_cold.lines(results, 10) if line.startswith("  chat_stream"))

    assert row.split() == ["chat_stream", "(uvicorn)", "600", "ms", "1.20x", "780", "ms", "1.30x", "900", "ms", "1.50x"]


def test_given_the_streaming_sections_when_rendered_then_they_follow_the_others_in_the_generated_block():
    sections = {key: [f"{key} figures"] for key in ("cold", "warm", "growth", "sizes", "throughput", "stream_ttft", "stream_cold")}
    text = render(f"# Performance\n\n{START}\nstale figures\n{END}\n\nprose\n", "a machine", sections)

    assert (
        text.index("### 5. Local throughput")
        < text.index("### 6. Streaming: time to first token")
        < text.index("### 7. Streaming: cold start")
    )
    assert "stale figures" not in text
    assert text.endswith("prose\n")
