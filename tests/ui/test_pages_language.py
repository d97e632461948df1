"""The pages in Korean (the default) and English: every page drawn in each language shows no raw key, no missing-key
marker and no words of the other language in its own labels; the choice is kept in the address and the session."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.apptest import app, everything
from ui.i18n import CATALOGUES

HANGUL = re.compile(r"[가-힣]")
KEYS = [key for key in CATALOGUES["ko"] if "." in key]
SAME_IN_BOTH = {"Top P", "Top K", "English", "한국어"}  # names, not words to translate


def chrome(at: AppTest) -> list[str]:
    """What the page itself says (titles, headings, labels, help, buttons, notes), not what users or models wrote:
    the conversation buttons, chat bubbles and citation labels are content."""
    found = [str(e.value) for kind in ("title", "subheader", "caption", "error", "warning", "info", "success") for e in getattr(at, kind)]
    for kind in (
        "selectbox",
        "slider",
        "text_area",
        "text_input",
        "toggle",
        "radio",
        "number_input",
        "button",
        "segmented_control",
        "date_input",
        "checkbox",
    ):
        for widget in getattr(at, kind):
            if widget.key and widget.key.startswith("open-"):
                continue  # a conversation's title
            found += [widget.label, widget.proto.help]
    found += [e.label for e in at.expander if not e.label.startswith("[")]  # "[1] hr-faq-ko.md": a document's name
    found += [e.proto.placeholder for e in at.chat_input]
    found += [e.proto.label for e in at.get("file_uploader")]
    return [text for text in found if text and text not in SAME_IN_BOTH]


def check(at: AppTest, lang: str) -> list[str]:
    """What is wrong on the page drawn: a raw key, a missing-key marker, a label not in `lang`."""
    drawn = everything(at)
    problems = [f"raw key {key}" for key in KEYS if re.search(rf"(?<![\w.]){re.escape(key)}(?![\w.])", drawn)]
    problems += [f"missing {marker}" for marker in re.findall(r"⟦[^⟧]*⟧", drawn)]
    for text in chrome(at):
        if (lang == "ko") != bool(HANGUL.search(text)) and not text.startswith(":material/check_circle:"):
            problems.append(f"not in {lang}: {text!r}")
    return problems


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_given_each_page_in_each_language_then_no_raw_key_no_missing_marker_and_labels_in_that_language(outputs_file, lang):
    problems: dict[str, list[str]] = {}
    signed_out = app(outputs_file, lang=lang)
    problems["sign in"] = check(signed_out, lang)
    at = app(outputs_file, "admin@example.com", lang=lang)
    at.chat_input[0].set_value("안녕하세요, 두 언어로 봅니다").run()
    problems["chat"] = check(at, lang)
    at.switch_page("pages/knowledge.py").run()
    deadline = time.time() + 30
    while not at.expander and time.time() < deadline:  # the seed corpus is ingested shortly after start
        at.text_area[0].input("재택 근무는 며칠 가능한가요?")
        at.button[0].click().run()
    problems["knowledge"] = check(at, lang)
    at.switch_page("pages/images.py").run()
    at.text_area[0].input("해질녘 바닷가의 등대")
    at.button[0].click().run()
    next(b for b in at.button if b.key and b.key.startswith("verify-")).click().run()
    problems["images"] = check(at, lang)
    at.switch_page("pages/documents.py").run()
    problems["documents"] = check(at, lang)
    at.switch_page("pages/usage.py").run()
    problems["usage"] = check(at, lang)
    at.switch_page("pages/usage_admin.py").run()
    problems["usage admin"] = check(at, lang)
    at.switch_page("pages/customize.py").run()
    problems["custom models"] = check(at, lang)
    assert {page: found for page, found in problems.items() if found} == {}


def shown_language(at: AppTest) -> str:
    return "ko" if HANGUL.search(at.title[0].value) else "en"


def test_given_no_choice_then_korean_and_the_address_says_so(outputs_file):
    at = app(outputs_file, "user@example.com")
    assert (at.title[0].value, at.query_params.get("lang")) == ("채팅", "ko")


def test_given_the_switch_then_the_page_changes_language_the_address_keeps_it_and_signing_out_keeps_it(outputs_file):
    at = app(outputs_file, "user@example.com")
    at.sidebar.segmented_control[0].set_value("en").run()
    assert (at.title[0].value, at.query_params.get("lang"), at.session_state["lang"]) == ("Chat", "en", "en")
    at.switch_page("pages/images.py").run()
    assert (at.title[0].value, at.query_params.get("lang")) == ("Images", "en")  # kept across pages
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert (at.title[0].value, at.query_params.get("lang")) == ("Sign in to Bedrock GenAI", "en")
    at.segmented_control[0].set_value("ko").run()  # the switch on the sign-in page
    assert (at.title[0].value, at.query_params.get("lang")) == ("Bedrock GenAI 로그인", "ko")


def test_given_a_bookmark_with_lang_then_a_new_session_opens_in_that_language(outputs_file):
    opened: dict[str, Any] = {lang: shown_language(app(outputs_file, "user@example.com", lang=lang)) for lang in ("en", "ko")}
    assert opened == {"en": "en", "ko": "ko"}
    assert shown_language(app(outputs_file, lang="fr")) == "ko"  # not a language the UI has: the default
