"""Memory while streaming is bounded by the answer, not by the stream: the frames are read, sent and dropped.

The offline Bedrock runs in its own process here, so tracemalloc sees only the function's side: the chat turn
reading ConverseStream (botocore) and framing each event as the app does. A 64,000-token answer is ~256 KB of
text in ~6,400 Bedrock frames (~1 MB) and as many SSE frames (~0.5 MB); keeping either would show.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config

from chat import handler as chat_handler
from chat.models import ChatRequest
from chat.turn import run_turn
from chat.turn_deps import ChatDeps
from common import sse
from common.auth import Caller
from common.stream_stop import StreamControl
from tests.integration.conftest import ROOT

HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
SIMULATOR = """
import json, sys, threading
from infra.config import load_config
from local.bedrock_sim import BedrockSimulator
sim = BedrockSimulator(load_config(json.load(open("cdk.json"))["context"]).guardrail).start()
sim.reply_tokens = int(sys.argv[1])
print(sim.endpoint_url, flush=True)
sys.stdin.read()
"""


@pytest.fixture(scope="module")
def remote_bedrock(local_aws) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", SIMULATOR, "64000"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={"PYTHONPATH": f"{ROOT}:{ROOT / 'lambdas'}", "PATH": "/usr/bin:/bin"},
        text=True,
    )
    assert process.stdout is not None
    yield process.stdout.readline().strip()
    process.communicate("", timeout=10)


def test_given_a_64000_token_stream_then_the_function_holds_about_the_answer_not_its_frames(remote_bedrock):
    client = boto3.client("bedrock-runtime", endpoint_url=remote_bedrock, config=Config(read_timeout=60, retries={"total_max_attempts": 1}))
    deps = ChatDeps(chat_handler.config, chat_handler._store(), client, chat_handler.env.guardrail_id, chat_handler.env.guardrail_version)
    request = ChatRequest.model_validate({"message": "메모리 확인", "model_id": HAIKU, "params": {"max_tokens": 64_000}})
    events = run_turn(Caller("memory-check", frozenset()), request, deps, StreamControl("m" * 24, "memory-check", None))
    next(events)  # start: the call is made, the stream open
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    text_bytes = frame_bytes = peak = 0
    for event in events:
        frame_bytes += len(sse.frame(event.kind, event.data))  # framed as the app does, then dropped
        if event.kind != "delta":
            break  # the turn is committed from here on: not the stream's memory
        text_bytes += len(event.data["text"].encode())
        peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    list(events)
    assert text_bytes > 250_000
    print(json.dumps({"answer_bytes": text_bytes, "sse_frame_bytes": frame_bytes, "peak_while_streaming": peak}))
    assert peak < 1.5 * text_bytes + 256 * 1024  # the shown text (kept: it is stored) and a few frames in flight
    assert peak < frame_bytes  # less than the frames it wrote: none were kept
