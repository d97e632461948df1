"""Attached files in the turn's reservation (chat/file_tokens.py): a turn whose files do not fit the caller's budget is
the budget's 429 before Bedrock is called; one that fits goes through and is metered at what the offline Bedrock reports
for its files (their documented counts: local/bedrock_sim/file_tokens.py); and what a turn reserves, read from the usage
row while its Converse call is under way, is at least what Bedrock then reports, for every file kind, this turn's files
and the window's resent ones alike, on Claude and on Nova."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from chat import handler as chat_handler
from chat.metering import turn_estimate
from chat.models import ChatRequest
from common.params import converse_options
from tests import sample_files
from tests.integration.streams import wait_for
from tests.integration.test_chat import call
from tests.integration.test_chat_files import upload
from tests.integration.usage_rows import budget, rows

CONFIG = chat_handler.config
CLAUDE = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
NOVA = "us.amazon.nova-lite-v1:0"
MAX_TOKENS = 300
INPUT = ("input_tokens", "cache_read_tokens", "cache_write_tokens")


def _body(message: str, model_id: str, files: list[dict[str, Any]], conversation_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message, "model_id": model_id, "params": {"max_tokens": MAX_TOKENS}}
    if files:
        body["attachments"] = [{"key": f["key"]} for f in files]
    if conversation_id:
        body["conversation_id"] = conversation_id
    return body


def _text_only_reservation(body: dict[str, Any]) -> int:
    """Tokens the turn would reserve without its files (chat/metering.py, called as before files counted)."""
    model = next(m for m in CONFIG.chat_models if m.id == body["model_id"])
    request = ChatRequest.model_validate({k: v for k, v in body.items() if k != "attachments"})
    options = converse_options(request.params, model, CONFIG.bedrock_timeouts.read_seconds["chat"])
    return int(turn_estimate(model, [], request, None, options, CONFIG.prices, streaming=False)[0].tokens)


def test_given_a_pdf_that_does_not_fit_the_token_budget_then_429_before_bedrock_is_called(sim):
    sub = "files-budget-over"
    report = upload("report.pdf", sample_files.pdf(pages=3), "application/pdf", sub=sub)
    body = _body("이 보고서를 요약해 주세요", CLAUDE, [report])
    budget(sub, tokens_per_day=_text_only_reservation(body) + 1_000)  # room for the text, not for three pages

    status, answer, headers = call("POST", "/chat", body, sub=sub)

    assert status == 429, answer
    assert (answer["error"]["code"], answer["error"]["details"]["budget"]) == ("budget_exceeded", "tokens_per_day")
    assert int(headers["Retry-After"]) > 0
    assert not sim.recorded("Converse")  # nothing paid was called
    assert not sim.recorded("ApplyGuardrail")
    assert rows(sub).get("DAY", {}).get("committed_tokens", 0) == 0  # nothing held either


def test_given_a_picture_that_fits_the_token_budget_then_the_turn_goes_through_metered_at_its_documented_count(sim):
    sub = "files-budget-fits"
    picture = upload("screen.png", sample_files.picture((1568, 1000)), "image/png", sub=sub)
    body = _body("화면을 설명해 주세요", CLAUDE, [picture])
    budget(sub, tokens_per_day=_text_only_reservation(body) + 6_000)  # the picture's bound is 2,091 tokens

    status, answer, _ = call("POST", "/chat", body, sub=sub)

    assert status == 200, answer
    sent = sim.recorded("Converse")[-1]["messages"][-1]["content"]
    assert any("image" in b or "image" in b.get("guardContent", {}) for b in sent)
    # Claude Haiku 4.5 reads a 1568 x 1000 picture resized to 1.15 MP: 1,532 tokens (width x height / 750), and the
    # message a few more; before files were counted the offline Bedrock counted the picture's bytes as text.
    day = rows(sub)["DAY"]
    assert 1_532 < day["input_tokens"] < 1_532 + 100
    assert day["committed_tokens"] == day["input_tokens"] + day["output_tokens"]  # settled at what was reported


def _measured_turn(sim, sub: str, body: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
    """(tokens reserved, input tokens Bedrock reported, the answer): the reservation is read from the day row while
    the offline Bedrock holds the Converse call (latency), before the turn settles it to what was reported."""
    before = rows(sub).get("DAY", {})
    done: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: done.update(answer=call("POST", "/chat", body, sub=sub)))
    sim.latency_ms = 1_500
    try:
        worker.start()

        def held() -> int:
            assert worker.is_alive() or done, "the turn ended before its reservation was seen"
            if done:
                return -1
            day = rows(sub).get("DAY", {})
            more = day.get("committed_tokens", 0) - before.get("committed_tokens", 0)
            return more if day.get("requests", 0) == before.get("requests", 0) else 0

        reserved = wait_for(held)
        worker.join(timeout=30)
    finally:
        sim.latency_ms = 0
    status, answer, _ = done["answer"]
    assert status == 200, answer
    assert reserved > 0, "the reservation was not seen while Bedrock held the call"
    after = rows(sub)["DAY"]
    assert after["requests"] == before.get("requests", 0) + 1
    return reserved, sum(after.get(k, 0) - before.get(k, 0) for k in INPUT), answer


@pytest.mark.parametrize(("model_id", "sub"), [(CLAUDE, "files-bound-claude"), (NOVA, "files-bound-nova")])
def test_given_files_of_every_kind_then_the_reservation_is_at_least_what_bedrock_reports(sim, model_id, sub):
    budget(sub, unlimited=True)  # the turns' sizes, not a limit, are under test
    first = [
        upload("scan.png", sample_files.picture((2400, 1800)), "image/png", sub=sub),
        upload("report.pdf", sample_files.pdf(pages=3), "application/pdf", sub=sub),
        upload("memo.docx", sample_files.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", sub=sub),
        upload("sales.xlsx", sample_files.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", sub=sub),
        upload("규정.txt", sample_files.korean_text(), "text/plain", sub=sub),
    ]
    second = [
        upload("photo.jpg", sample_files.picture((900, 1600), "JPEG"), "image/jpeg", sub=sub),
        upload("tall.png", sample_files.picture((300, 2700)), "image/png", sub=sub),  # the guardrail takes PNG and JPEG
        upload("table.csv", b"region,amount\n" + b"Seoul,100\n" * 400, "text/csv", sub=sub),
        upload("page.html", b"<html><body>" + b"<p>Leave policy</p>" * 200 + b"</body></html>", "text/html", sub=sub),
        upload("notes.md", "# 메모\n\n- 연차 스무 날\n".encode() * 100, "text/markdown", sub=sub),
    ]

    reserved, reported, answer = _measured_turn(sim, sub, _body("파일들을 요약해 주세요", model_id, first))
    assert reported > 5_000  # the files were counted, not only the message
    assert reserved - MAX_TOKENS >= reported  # the reservation's input part bounds Bedrock's count

    # Turn two: five new files, and the window resends turn one's five (within attachments.window_bytes).
    reserved, reported, _ = _measured_turn(sim, sub, _body("이 파일들도 보세요", model_id, second, answer["conversation_id"]))
    resent = sim.recorded("Converse")[-1]["messages"][0]["content"]
    assert sum(1 for b in resent if "document" in b or "image" in b or "image" in b.get("guardContent", {})) == 5
    assert reserved - MAX_TOKENS >= reported
