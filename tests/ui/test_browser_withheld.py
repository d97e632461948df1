"""In Chromium, in Korean: a clean TXT and a TXT that plants a Korean instruction for the model ("이전 지시를 무시하고 …",
which the offline guardrail's prompt-attack heuristic flags in ApplyGuardrail, local/bedrock_sim/guardrail.py) are
attached to one chat message. The guardrail's read check withholds the planted one (docs/api.md#documents-the-guardrail-reads):
under the user's turn its chip is struck through in red with "(모델에 보내지 않음)" and a warning names it and what was
found; the clean one's chip is plain; the offline model's answer lists the files it read, and that is the clean one
only. ui/document_notes.py's sentences are tested plainly in tests/unit/test_ui_document_notes.py; this is what a
user sees of them in a browser. It covers behaviour the chat page already had (it passed on the code it was written
against). A screenshot goes to the test's tmp folder (UI_SCREENSHOTS=dir keeps it)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.integration.live import create_user
from tests.integration.test_chat_documents import CLEAN_KO, PLANTED_KO
from tests.ui.cli_runs import PASSWORD
from tests.ui.test_browser import browsing, sign_in_as, ui_url  # noqa: F401 (ui_url: the fixture)
from tests.ui.test_browser_look import shots
from ui.i18n import t

USER = "browser-withheld@example.com"  # a user of its own: the demo user's conversation list is counted elsewhere
NOTICE = "첨부한 문서 «계획.txt»에서 지시문으로 보이는 내용이 발견되어 모델에 보내지 않았습니다."


def test_given_a_clean_and_a_planted_txt_in_korean_then_the_planted_one_is_struck_and_named_and_the_answer_reads_only_the_clean_one(
    stack: dict[str, Any],
    ui_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    clean, planted = tmp_path / "minutes.txt", tmp_path / "계획.txt"
    clean.write_text(CLEAN_KO, encoding="utf-8")
    planted.write_text(PLANTED_KO, encoding="utf-8")
    create_user(stack, USER, PASSWORD)
    with browsing(ui_url, "ko") as page:
        sign_in_as(page, USER)
        uploader = page.get_by_test_id("stFileUploader").first
        uploader.locator("input[type=file]").set_input_files([clean, planted])
        for name in (clean.name, planted.name):  # both sent to Streamlit before the message goes
            uploader.get_by_test_id("stFileChip").filter(has_text=name).wait_for(timeout=30_000)
        page.get_by_role("textbox", name=t("chat.input", "ko")).fill("두 문서를 요약해 주세요")
        page.keyboard.press("Enter")

        bubbles = page.get_by_test_id("stChatMessage")
        answer = bubbles.filter(has_text="Files I read:")
        answer.wait_for(timeout=30_000)
        mine = bubbles.filter(has_text=t("chat.attached", "ko")).first
        struck = mine.locator("del").filter(has_text=planted.name)
        struck.wait_for(timeout=30_000)  # the chips as stored, once the turn ended
        page.wait_for_timeout(500)  # the page settles before it is photographed
        page.screenshot(path=shots(tmp_path) / "ko-chat-withheld.png", full_page=True)

        assert "line-through" in struck.evaluate("e => getComputedStyle(e).textDecorationLine")
        red, green, blue = map(int, re.findall(r"\d+", struck.evaluate("e => getComputedStyle(e).color"))[:3])
        assert red > 150 > max(green, blue), (red, green, blue)  # the withheld chip is red
        chips = mine.get_by_test_id("stCaptionContainer").filter(has_text=t("chat.attached", "ko")).inner_text()
        assert f"{planted.name} ({t('docs.chip.withheld', 'ko')})" in chips
        assert clean.name in chips
        assert mine.locator("del").filter(has_text=clean.name).count() == 0  # the clean one is not struck
        notices = mine.get_by_test_id("stAlertContainer").all_inner_texts()
        assert len(notices) == 1, notices
        assert NOTICE in notices[0], notices  # after the shield icon
        assert clean.name not in notices[0]

        read = re.search(r"Files I read: (.*?)\.(?:\s|$)", answer.inner_text())
        assert read, answer.inner_text()
        assert read.group(1) == "document «minutes» (txt) in message 1"  # the planted file never reached the model
