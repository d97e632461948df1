"""Attached documents the guardrail's read check withheld, flagged or could not check, as the clients show them
(docs/api.md#documents-the-guardrail-reads): the chat page's sentence per document in each language (never a policy id,
never RAG's "n passages withheld"), the file chips of a stored message, and `genai chat`'s bilingual lines on stderr."""

from __future__ import annotations

import io
import json
from contextlib import nullcontext
from typing import Any

from ui import document_notes, streamed
from ui.cli.stream import stream_answer
from ui.client import ServerEvent

PLANTED = {
    "document": "계획.md",
    "key": "attachments/u/a/계획.md",
    "reason": "PROMPT_ATTACK",
    "reasons": ["PROMPT_ATTACK"],
    "message": "가드레일 검사 결과(모델을 조종하려는 지시문) 모델에 보내지 않았습니다. / The guardrail found instructions …",
}
TOPIC = {"document": "memo.txt", "key": "attachments/u/b/memo.txt", "reason": "DENIED_TOPICS", "reasons": ["DENIED_TOPICS", "WORDS"]}
SCANNED = {"document": "scan.pdf", "key": "attachments/u/c/scan.pdf", "reason": "NO_TEXT", "reasons": ["NO_TEXT"]}
OLD_DOC = {"document": "old.doc", "key": "attachments/u/d/old.doc", "reason": "UNREADABLE", "reasons": ["UNREADABLE"]}
SCREENED = {"withheld": [PLANTED], "flagged": [TOPIC], "unchecked": [SCANNED, OLD_DOC]}
WITHOUT_KO = "답변은 이 문서를 읽지 않고 쓴 것입니다."
POLICY_IDS = ("PROMPT_ATTACK", "DENIED_TOPICS", "WORDS", "NO_TEXT", "UNREADABLE", "passages")


def test_given_a_chat_withheld_event_then_the_reply_holds_the_unchecked_documents_too():
    reply = streamed.Reply()
    reply.apply(ServerEvent("withheld", SCREENED))
    assert reply.screened == SCREENED


def test_given_screened_documents_then_the_page_names_each_with_what_was_found_in_korean():
    assert document_notes.notes(SCREENED, "ko") == [
        ("withheld", "첨부한 문서 «계획.md»에서 지시문으로 보이는 내용이 발견되어 모델에 보내지 않았습니다. " + WITHOUT_KO),
        ("flagged", "첨부한 문서 «memo.txt»에서 허용되지 않는 주제, 금지된 단어가 발견되었지만, 설정에 따라 모델에 보냈습니다."),
        ("unchecked", "«scan.pdf»에는 가드레일이 검사할 글자가 없어(스캔한 PDF 등) 검사 없이 보냈습니다."),
        ("unchecked", "가드레일이 «old.doc»의 글을 읽을 수 없어 검사 없이 보냈습니다."),
    ]


def test_given_screened_documents_then_the_page_names_each_in_english_and_never_shows_a_policy_id():
    notes = document_notes.notes(SCREENED, "en")
    assert notes[0] == (
        "withheld",
        "«계획.md» was not sent to the model: the guardrail found what looks like planted instructions. The answer was written without it.",
    )
    flagged = "«memo.txt» was sent to the model, although the guardrail found a topic that is not allowed and a blocked word."
    assert notes[1] == ("flagged", flagged)
    assert [kind for kind, _ in notes] == ["withheld", "flagged", "unchecked", "unchecked"]
    assert not [text for _, text in notes + document_notes.notes(SCREENED, "ko") if any(word in text for word in POLICY_IDS)]
    assert document_notes.notes({"withheld": [], "flagged": []}, "en") == []


def test_given_a_reason_the_ui_does_not_know_then_the_sentence_stays_plain():
    novel = {"document": "x.md", "key": "k", "reason": "AUTOMATED_REASONING", "reasons": ["AUTOMATED_REASONING"]}
    assert document_notes.notes({"withheld": [novel]}, "ko") == [
        ("withheld", "첨부한 문서 «x.md»에서 검토가 필요한 내용이 발견되어 모델에 보내지 않았습니다. " + WITHOUT_KO)
    ]


def test_given_a_stored_message_then_a_withheld_document_chip_is_marked_not_sent_and_a_passed_one_is_plain():
    withheld = {"key": PLANTED["key"], "name": "계획.md", "read_check": "withheld"}
    assert document_notes.chip(withheld, "ko") == ":red[:material/block: ~~계획.md~~ (모델에 보내지 않음)]"
    assert document_notes.chip(withheld, "en") == ":red[:material/block: ~~계획.md~~ (not sent to the model)]"
    assert document_notes.chip({"key": "k", "name": "scan.pdf", "read_check": "unchecked"}, "en").endswith(":orange[(not checked)]")
    assert document_notes.chip({"key": "k", "name": "ok.md", "read_check": "passed"}, "en") == ":material/description: ok.md"
    assert document_notes.chip({"key": "k", "name": "cat.png"}, "en") == ":material/image: cat.png"


def test_given_the_turns_files_and_the_answers_lists_then_each_file_gets_the_read_check_a_stored_message_has():
    sent: list[dict[str, Any]] = [{"key": PLANTED["key"], "name": "계획.md"}, {"key": "attachments/u/e/cat.png", "name": "cat.png"}]
    assert document_notes.marked(sent, SCREENED) == [sent[0] | {"read_check": "withheld"}, sent[1]]


def _client(events: list[ServerEvent]):
    class Client:
        def stream(self, path: str, body: dict):
            assert (path, body) == ("chat/stream", {"message": "q"})
            return nullcontext(events)

    return Client()


CHAT_EVENTS = [
    ServerEvent("start", {"stream_id": "s", "conversation_id": "c" * 24, "model_id": "m"}),
    ServerEvent("withheld", {"withheld": [PLANTED], "flagged": [], "unchecked": [SCANNED]}),
    ServerEvent("delta", {"text": "첨부 없이 답합니다."}),
    ServerEvent("usage", {"input_tokens": 9, "output_tokens": 9, "stop_reason": "end_turn", "latency_ms": 5}),
    ServerEvent("done", {"stored": "complete"}),
]


def test_given_a_withheld_document_then_genai_chat_prints_one_bilingual_line_per_document_on_stderr():
    out, err = io.StringIO(), io.StringIO()
    assert stream_answer(_client(CHAT_EVENTS), "chat/stream", {"message": "q"}, out, err) == 0
    assert out.getvalue() == "첨부 없이 답합니다.\n"
    lines = err.getvalue().splitlines()
    assert lines[:2] == [
        f"첨부한 문서 «계획.md»에서 지시문으로 보이는 내용이 발견되어 모델에 보내지 않았습니다. {WITHOUT_KO}"
        " / «계획.md» was not sent to the model: the guardrail found what looks like planted instructions. The answer was written"
        " without it.",
        "«scan.pdf»에는 가드레일이 검사할 글자가 없어(스캔한 PDF 등) 검사 없이 보냈습니다."
        " / «scan.pdf» has no text for the guardrail to check (e.g. a scanned PDF), so it was sent unchecked.",
    ]
    assert "passages" not in err.getvalue()


def test_given_a_withheld_document_then_genai_chat_json_prints_the_events_unchanged():
    out, err = io.StringIO(), io.StringIO()
    assert stream_answer(_client(CHAT_EVENTS), "chat/stream", {"message": "q"}, out, err, as_json=True) == 0
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [{"event": e.kind, "data": e.data} for e in CHAT_EVENTS]
    assert err.getvalue() == ""
