"""Every failure the API can answer, as `genai` shows it: one line in Korean and English on stderr (the API's own
bilingual message where it has one, never a policy id), no traceback, and the exit code of its class
(1 refused, 3 sign-in, 4 unreachable or cut off, 5 guardrail, 6 throttled or over budget, 7 the API failed).

The local stack answers 403, 404, 429 and 5xx for real (the offline Bedrock's faults over `POST /_sim/faults`; a
budget's 429 through the stack's own functions: tests/ui/test_cli_budgets.py). A stream cut off mid-answer comes from
a loopback server that answers exactly those bytes."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.ui.cli_runs import User, outputs_copy, signed_in

USER = "cli-failures@example.com"
BLOCKED = (  # cdk.json guardrail.blocked_input_message
    "요청에 허용되지 않는 내용이 포함되어 처리할 수 없습니다. / "
    "Your request contains content that is not allowed, so it cannot be processed."
)


@pytest.fixture
def user(stack: dict[str, Any], tmp_path: Path) -> User:
    return signed_in(stack, tmp_path, USER)


def _sim(stack: dict[str, Any], path: str, body: dict[str, Any] | None = None) -> None:
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(
        stack["BedrockEndpoint"] + path, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


@pytest.fixture
def fault(stack: dict[str, Any]) -> Iterator[Any]:
    """Queue an offline Bedrock fault (POST /_sim/faults); everything left is forgotten afterwards (POST /_sim/reset)."""
    yield lambda **rule: _sim(stack, "/_sim/faults", rule)
    _sim(stack, "/_sim/reset")


def _line(stderr: str) -> str:
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    return stderr.strip()


def test_given_an_admin_route_then_exit_3_and_a_missing_conversation_then_exit_1(user):
    forbidden = user.run("documents", "list")
    assert forbidden.code == 3
    assert _line(forbidden.stderr).startswith("권한이 없습니다 / 403 forbidden: ")
    missing = user.run("conversations", "show", "A" * 24)
    assert missing.code == 1
    assert _line(missing.stderr).startswith("찾을 수 없습니다 / 404 not_found: conversation not found (request id ")


def test_given_bedrock_throttling_then_exit_6_before_and_during_a_stream(user, fault):
    fault(code="ThrottlingException", operation="Converse", times=3)  # every attempt the function makes
    whole = user.run("chat", "--no-stream", "천천히")
    assert whole.code == 6
    error = json.loads(_line(whole.stderr))  # --no-stream: the API's JSON, with the exit code
    assert (error["error"]["code"], error["status"], error["exit_code"]) == ("throttled", 429, 6)
    fault(code="ThrottlingException", operation="ConverseStream", times=3)
    streamed = user.run("chat", "천천히")
    assert streamed.code == 6
    assert _line(streamed.stderr).startswith("요청이 많습니다. 잠시 후 다시 시도하세요 / 429 throttled: ")


def test_given_a_bedrock_failure_then_exit_7_before_and_in_the_middle_of_a_stream(user, fault):
    fault(code="InternalServerException", operation="Converse", times=3)
    whole = user.run("chat", "--no-stream", "실패")
    assert whole.code == 7
    assert json.loads(_line(whole.stderr))["status"] == 503
    fault(code="internalServerException", operation="ConverseStream", after_chunks=2)
    cut = user.run("chat", "중간에 실패")
    assert cut.code == 7
    assert cut.stdout.startswith("[offline model")  # what had arrived stays on stdout
    assert _line(cut.stderr).startswith("모델 또는 저장소를 지금 쓸 수 없습니다. 다시 시도하세요 / upstream_unavailable: ")


def test_given_a_blocked_message_then_exit_5_with_the_guardrails_message_and_no_policy_id(user):
    streamed = user.run("chat", "이 문서는 대외비 입니다. 요약해 주세요")
    assert streamed.code == 5
    assert streamed.stdout.strip() == BLOCKED
    assert streamed.stderr.splitlines()[0] == "가드레일이 차단했습니다 / Blocked by the guardrail."
    whole = user.run("chat", "--no-stream", "이 문서는 대외비 입니다")
    assert whole.code == 5
    assert json.loads(whole.stdout)["guardrail"]["action"] == "BLOCKED"
    assert json.loads(_line(whole.stderr)) == {"error": {"code": "guardrail_blocked", "message": BLOCKED}, "exit_code": 5}
    for shown in (streamed.stderr, whole.stderr):
        assert "word:" not in shown
        assert "policies" not in shown
        assert "Traceback" not in shown


class _Answers(BaseHTTPRequestHandler):
    """A stream that breaks off after its first words."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.wfile.write(b'event: start\ndata: {"conversation_id": "c", "model_id": "m", "stream_id": "s"}\n\n')
        self.wfile.write(b'event: delta\ndata: {"text": "first words"}\n\n')
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def answering(stack: dict[str, Any], tmp_path: Path) -> Iterator[User]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/api/"
    person = User(tmp_path, GENAI_OUTPUTS=str(outputs_copy(stack, tmp_path / "outputs.json", ApiUrl=url)))
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJub25lIn0.eyJleHAiOiA0MTAyNDQ0ODAwfQ.c2ln", encoding="utf-8")  # {"exp": 4102444800}
    person.env["GENAI_TEST_TOKEN"] = str(token)
    yield person
    server.shutdown()


def test_given_a_stream_that_breaks_off_then_exit_4_after_the_words_that_came(answering):
    done = answering.run("--token-file", answering.env["GENAI_TEST_TOKEN"], "chat", "끊김")
    assert done.code == 4
    assert done.stdout == "first words\n"
    assert _line(done.stderr).startswith("답변이 끝나기 전에 스트림이 끊겼습니다. 연결을 확인하고 다시 시도하세요. / The stream broke off")
