"""The file uploader's words (ui/uploader_words.py) without a browser: the limit line and the error name the
uploader's own limit and types as Streamlit lists them, English pages get no rules, and every uploader in ui/ goes
through the module (one drawn with `st.file_uploader` alone would show Streamlit's English on a Korean page).
tests/ui/test_browser_uploader.py checks what Chromium really shows."""

from __future__ import annotations

import re
from pathlib import Path

from ui.uploader_words import css, key_class, scoped_css, types_text

UI = Path(__file__).resolve().parents[2] / "ui"


def test_given_extensions_then_they_are_listed_as_streamlit_lists_them_upper_case_and_jpg_jpeg_once():
    assert types_text(["png", "jpg", "jpeg", "webp"]) == "PNG, JPG, WEBP"
    assert types_text([".txt", "html", "htm", "MD"]) == "TXT, HTML, MD"


def test_given_a_key_then_the_class_is_the_one_streamlit_gives_its_container():
    assert key_class("chat_files_3") == "st-key-chat_files_3"
    assert key_class(" docs file/0 ") == "st-key-docs-file-0"


def test_given_a_korean_page_then_the_limit_line_and_the_error_name_this_uploaders_limit_and_types():
    rules = scoped_css("docs_file_0", ["txt", "pdf"], 50, "ko")
    assert '.st-key-docs_file_0 [data-testid="stFileUploaderDropzoneInstructions"] span::after' in rules
    assert 'content: "파일당 최대 50MB • TXT, PDF"' in rules
    assert "형식(TXT, PDF)과 크기(파일당 최대 50MB)를 확인하세요." in rules
    assert 'content: "파일 선택"' in css("ko")


def test_given_an_english_page_then_no_rules_streamlits_own_words_stay():
    assert css("en") == ""
    assert scoped_css("docs_file_0", ["txt"], 50, "en") == ""


def test_given_the_ui_code_then_every_file_uploader_goes_through_uploader_words():
    direct = [str(p.relative_to(UI)) for p in UI.rglob("*.py") if re.search(r"\bst\.file_uploader\(", p.read_text(encoding="utf-8"))]
    assert direct == ["uploader_words.py"]
