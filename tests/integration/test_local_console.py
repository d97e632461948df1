"""What `make dev`'s terminal shows: the functions' logs, not their per-request metric documents (unless asked)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from tests.integration.live import Stack, request, running_stack, sign_in


def is_metric_document(line: str) -> bool:
    """An EMF document: a JSON object whose `_aws` member holds `CloudWatchMetrics` (what Powertools Metrics prints)."""
    try:
        document = json.loads(line)
    except ValueError:
        return False
    return isinstance(document, dict) and "CloudWatchMetrics" in (document.get("_aws") or {})


def _use_every_kind_of_function(stack: Stack) -> None:
    """A route that records no metric (GET /models: Powertools warns), a chat turn and a RAG query in the gateway's
    process (the query also logs its passages' scores), and a streamed turn in the streaming function's own process
    (each of these three prints an EMF document when it ends)."""
    token = sign_in(stack, "user@example.com")
    assert request(stack, "GET", "models", token)[0] == 200
    assert request(stack, "POST", "chat", token, {"message": "콘솔 확인"})[0] == 200
    assert request(stack, "POST", "rag/query", token, {"question": "재택 근무는 며칠 가능한가요?"})[0] == 200
    call = urllib.request.Request(
        stack["ApiUrl"] + "chat/stream",
        data=json.dumps({"message": "스트림 콘솔 확인"}).encode(),
        method="POST",
        headers={"Authorization": token, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(call, timeout=60) as answer:
        assert b"event: done" in answer.read()


def _terminal(state: Path, extra_env: dict[str, str] | None = None) -> str:
    with running_stack(state, extra_env) as stack:
        _use_every_kind_of_function(stack)
    return (state / "stack.log").read_text(encoding="utf-8")  # stdout and stderr of the stack and its children


def test_given_make_dev_when_functions_run_then_no_metric_document_or_no_metrics_warning_reaches_the_terminal(tmp_path):
    terminal = _terminal(tmp_path / "state")

    assert "Bedrock GenAI Stack is running locally" in terminal
    assert [line for line in terminal.splitlines() if is_metric_document(line)] == []
    assert '"_aws"' not in terminal
    assert "No application metrics to publish" not in terminal
    assert '"message":"retrieved passages"' in terminal  # the functions' log lines stay


def test_given_metrics_asked_for_when_functions_run_then_their_documents_and_the_warning_are_shown(tmp_path):
    terminal = _terminal(tmp_path / "state", {"LOCAL_METRICS": "1"})

    documents = [json.loads(line) for line in terminal.splitlines() if is_metric_document(line)]
    services = {document.get("service") for document in documents}
    assert {"local", "chat_stream"} <= services, services  # the gateway's handlers and the streaming function
    assert "No application metrics to publish" in terminal
