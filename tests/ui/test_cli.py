"""`genai chat` and `genai rag` (python -m ui.cli) against the local stack: the answer printed as it arrives (the
subprocess's stdout read as it comes, with times), `--json` events, `--no-stream`'s JSON, and the exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.live import ROOT
from ui.client import Client, Outputs, sign_in

PASSWORD = "Local-Demo-Pass-1!"


@pytest.fixture
def genai(outputs_file: Path, tmp_path: Path, stream_user: str) -> list[str]:
    """The command line, signed in as the demo user (`genai login` keeps the token in a file)."""
    command = [sys.executable, "-m", "ui.cli", "--outputs", str(outputs_file), "--token-file", str(tmp_path / "token")]
    login = subprocess.run(
        [*command, "login", "--username", stream_user, "--password", PASSWORD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert login.returncode == 0, login.stderr
    return command


def progressively(command: list[str]) -> tuple[list[tuple[float, bytes]], str, int]:
    """stdout as the process writes it, each piece with the seconds since the start; stderr; the exit code."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stderr is not None
    pieces = []
    while piece := os.read(process.stdout.fileno(), 65536):  # whatever has arrived, as soon as it has
        pieces.append((time.monotonic() - started, piece))
    error = process.stderr.read().decode()
    return pieces, error, process.wait(timeout=60)


def test_given_a_paced_model_then_genai_chat_prints_the_answer_as_it_arrives_and_a_summary_on_stderr(genai, sim_model):
    sim_model(first_token_ms=300, token_ms=20, reply_tokens=300)  # about 6 s of writing
    pieces, error, code = progressively([*genai, "chat", "터미널에서 스트리밍"])
    assert code == 0, error
    text = b"".join(piece for _, piece in pieces).decode()
    assert "«터미널에서 스트리밍»" in text
    assert len(pieces) > 5
    assert pieces[-1][0] - pieces[0][0] > 3.0  # the first words came seconds before the last
    assert "→ 300 tokens · end_turn" in error
    assert "stored complete" in error
    assert error.startswith("conversation ")


def test_given_json_then_each_event_is_one_line_and_given_no_stream_then_the_old_json_answer(genai):
    lines = subprocess.run(
        [*genai, "chat", "--json", "한 줄에 하나씩"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    ).stdout.splitlines()
    events = [json.loads(line) for line in lines]
    assert (events[0]["event"], events[-1]["event"], events[-1]["data"]) == ("start", "done", {"stored": "complete"})
    assert "«한 줄에 하나씩»" in "".join(e["data"]["text"] for e in events if e["event"] == "delta")
    whole = subprocess.run(
        [*genai, "chat", "--no-stream", "한 번에 전부"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    answer = json.loads(whole)
    assert "«한 번에 전부»" in answer["message"]["content"]
    assert answer["usage"]["output_tokens"] > 0


def test_given_a_question_then_genai_rag_prints_the_answer_then_its_citations(genai, outputs_file, stream_user):
    outputs = Outputs.load(outputs_file)
    client = Client(outputs.api_url, sign_in(outputs, stream_user, PASSWORD))
    deadline = time.monotonic() + 30
    while not client.call("POST", "rag/query", {"question": "재택 근무는 며칠 가능한가요?"})["citations"]:  # once ingested
        assert time.monotonic() < deadline, "the seed corpus was not ingested"
        time.sleep(1)
    done = subprocess.run(
        [*genai, "rag", "재택 근무는 며칠 가능한가요?"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    answer, citation = done.stdout.rstrip("\n").split("\n")
    assert "재택 근무는 주 2일까지 가능합니다. [1]" in answer
    assert citation.startswith("[1] hr-faq-ko.md  http://127.0.0.1:")
    assert "stored not_stored" in done.stderr


def test_given_a_refused_request_then_exit_1_with_the_error_in_both_languages_and_bad_usage_exits_2(genai):
    refused = subprocess.run([*genai, "chat", " "], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 1
    assert refused.stderr.startswith("요청 값이 올바르지 않습니다 / 400 validation_error:")
    assert refused.stdout == ""
    both = subprocess.run([*genai, "chat", "--json", "--no-stream", "x"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert both.returncode == 2
    assert "not allowed with argument" in both.stderr
