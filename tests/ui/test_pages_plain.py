"""What the pages say when something goes wrong or is changed on the way, in plain words, against the local stack:
the guardrail's refusals by kind of content, the masked message as stored, validation errors by field with the form
kept, documents' readable tables, Upload with no file, the listing watching ingestion until it settles."""

from __future__ import annotations

import time
from urllib.parse import quote

from tests.ui.apptest import app, texts
from ui.client import Client


def bubbles(at) -> list[str]:
    return [str(message.markdown[0].value) for message in at.chat_message]


def stored(at, stack) -> list[str]:
    client = Client(stack["ApiUrl"], at.session_state["token"])
    return [m["content"] for m in client.call("GET", f"conversations/{at.session_state['chat_id']}")["messages"]]


def test_given_a_resident_registration_number_then_the_block_says_so_in_words_and_the_bubbles_show_what_was_stored(outputs_file):
    at = app(outputs_file, "user@example.com")
    at.chat_input[0].set_value("제 주민등록번호는 900101-1234567 입니다").run()
    assert texts(at, "error") == ["주민등록번호가 포함되어 있어 가드레일이 차단했습니다."]
    assert bubbles(at) == ["[가드레일이 차단한 메시지]", "요청에 허용되지 않는 내용이 포함되어 처리할 수 없습니다."]  # stored as its marker
    english = app(outputs_file, "user@example.com", lang="en")
    english.chat_input[0].set_value("My RRN is 900101-1234567").run()
    assert texts(english, "error") == ["Blocked by the guardrail: it contains a resident registration number."]
    assert bubbles(english)[1] == "Your request contains content that is not allowed, so it cannot be processed."


def test_given_profanity_then_the_block_names_it(outputs_file):
    at = app(outputs_file, "user@example.com")
    at.chat_input[0].set_value("이 병신 같은 프로그램").run()
    assert texts(at, "error") == ["욕설이 포함되어 있어 가드레일이 차단했습니다."]


def test_given_a_message_the_guardrail_masked_then_the_users_bubble_shows_the_masked_text_as_stored(outputs_file, stack):
    at = app(outputs_file, "user@example.com")
    at.chat_input[0].set_value("제 이메일은 kim@example.com 이고 번호는 010-1234-5678 입니다").run()
    assert bubbles(at)[0] == "제 이메일은 {EMAIL} 이고 번호는 {KR_MOBILE_PHONE_NUMBER} 입니다"
    assert bubbles(at) == stored(at, stack)
    assert texts(at, "warning") == [
        "개인정보 보호를 위해 가드레일이 이메일 주소, 휴대전화번호를 가렸습니다. 저장된 내용도 가려져 있습니다."
    ]


def test_given_a_message_too_long_then_the_error_names_the_field_in_words_and_the_message_is_back_in_the_box(outputs_file):
    at = app(outputs_file, "user@example.com")
    long = "가" * 8001
    at.chat_input[0].set_value(long).run()
    assert texts(at, "error")[0].startswith("입력한 값을 확인하세요.\n\n- **메시지**: 8000자 이하로 입력하세요.")
    assert "validation_error: the request is not valid" not in texts(at, "error")[0]
    assert at.chat_input[0].proto.value == long  # what was typed, ready to shorten and send again
    assert at.session_state["chat_id"] is None  # nothing was stored


def test_given_too_many_stop_sequences_then_the_field_is_named_and_the_message_is_kept(outputs_file):
    at = app(outputs_file, "user@example.com")
    at.text_area(key="chat_stops").input("a\nb\nc\nd\ne")
    at.chat_input[0].set_value("멈춤 문자열이 너무 많습니다").run()
    assert texts(at, "error")[0].startswith("입력한 값을 확인하세요.\n\n- **중지 시퀀스**: 최대 4개까지 넣을 수 있습니다.")
    assert at.chat_input[0].proto.value == "멈춤 문자열이 너무 많습니다"


def test_given_a_question_too_long_then_the_field_is_named_and_the_question_stays_to_send_again(outputs_file):
    at = app(outputs_file, "user@example.com")
    at.switch_page("pages/knowledge.py").run()
    long = "재택 근무 " * 1601
    at.text_area[0].input(long)
    at.button[0].click().run()
    first = (texts(at, "error") or [""])[0]
    assert first.startswith("입력한 값을 확인하세요.\n\n- **질문**: 8000자 이하로 입력하세요.")
    assert at.text_area[0].value == long
    at.button[0].click().run()  # sent again as it stands: the box kept it (a second refusal, another request id)
    second = (texts(at, "error") or [""])[0]
    assert (second.split("요청 ID")[0], second != first) == (first.split("요청 ID")[0], True)


def test_given_upload_without_a_file_then_it_says_so(outputs_file):
    at = app(outputs_file, "admin@example.com")
    at.switch_page("pages/documents.py").run()
    next(b for b in at.button if b.label == "올리기").click().run()
    assert texts(at, "warning") == ["올릴 파일을 먼저 고르세요."]


def test_given_metadata_that_is_not_json_then_the_form_keeps_the_file_and_the_text_for_a_second_try(outputs_file):
    at = app(outputs_file, "admin@example.com")
    at.switch_page("pages/documents.py").run()
    at.file_uploader[0].set_value(("회의실 안내.txt", "회의실은 3층입니다.".encode(), "text/plain"))
    at.text_area[0].input('{"department": 총무팀}')
    next(b for b in at.button if b.label == "올리기").click().run()
    assert texts(at, "error")[0].startswith("메타데이터가 올바른 JSON 객체가 아닙니다:")
    assert at.text_area[0].value == '{"department": 총무팀}'
    at.text_area[0].input('{"department": "총무팀"}')  # only the text is fixed: the file is still chosen
    next(b for b in at.button if b.label == "올리기").click().run()
    assert texts(at, "success") == ["회의실 안내.txt을(를) 올렸습니다. 잠시 뒤 자동으로 색인됩니다."]
    assert at.text_area[0].value == ""  # a fresh form once it went through
    client = Client(at.session_state["outputs"].api_url, at.session_state["token"])
    client.call("DELETE", f"documents/{quote('회의실 안내.txt')}")


def test_given_an_upload_then_the_listing_says_it_waits_until_the_document_is_indexed_and_the_tables_read_plainly(outputs_file):
    at = app(outputs_file, "admin@example.com")
    at.switch_page("pages/documents.py").run()
    # The seed corpus is listed; if not, what the page showed instead (an API error, an exception) is the message.
    assert at.dataframe, ([e.value for e in at.error], [e.value for e in at.exception], texts(at, "caption"))
    assert list(at.dataframe[0].value.columns) == ["이름", "색인 상태", "크기", "마지막 변경 (KST)", "메타데이터"]
    assert list(at.dataframe[1].value.columns) == ["상태", "시작 (KST)", "마지막 갱신 (KST)", "색인한 문서", "실패한 문서", "작업 ID"]
    at.file_uploader[0].set_value(("출장 규정.txt", "출장비는 실비로 정산합니다.".encode(), "text/plain"))
    next(b for b in at.button if b.label == "올리기").click().run()
    assert any(text.endswith("3초마다 자동으로 새로 고칩니다.") for text in texts(at, "caption"))
    table = at.dataframe[0].value
    assert table[table["이름"] == "출장 규정.txt"].iloc[0]["색인 상태"] in ("대기 중", "색인 중")
    deadline = time.time() + 60
    while not any("색인 상태가 확정" in text for text in texts(at, "caption")) and time.time() < deadline:
        time.sleep(1)
        at.run()
    table = at.dataframe[0].value
    assert table[table["이름"] == "출장 규정.txt"].iloc[0]["색인 상태"] == "색인됨"
    assert at.dataframe[1].value.iloc[0]["상태"] == "완료"
    at.selectbox(key="doc_delete").select("출장 규정.txt")
    next(b for b in at.button if b.label == "삭제").click().run()
    next(b for b in at.button if b.key == "docs_deleting-yes").click().run()
