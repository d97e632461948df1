"""In a real browser (headless Chromium, as tests/ui/test_browser.py drives it): a conversation is renamed inline in
the sidebar (edit, type, save; cancel leaves it) and found again by the title search, Korean and case-insensitive."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.live import create_user
from tests.ui.test_browser import MESSAGE, signed_in, ui_url  # noqa: F401 (ui_url: the fixture)
from ui.client import Client, Outputs, sign_in
from ui.i18n import t

USER = "browser-titles@example.com"  # a user of its own: the demo users' lists are counted by other tests

DATE = r"(\d{2}:\d{2}|\d{2}-\d{2}|\d{4}-\d{2}-\d{2})"  # ui/tables.short_time: today, this year, earlier


@pytest.fixture(scope="module")
def titles_user(stack: dict[str, Any]) -> str:
    create_user(stack, USER, "Local-Demo-Pass-1!")
    return USER


def test_given_a_conversation_when_renamed_in_the_sidebar_then_the_search_finds_it_by_its_new_title(
    ui_url,  # noqa: F811
    outputs_file,
    titles_user,
    tmp_path,
):
    client = Client(Outputs.load(outputs_file).api_url, sign_in(Outputs.load(outputs_file), titles_user, "Local-Demo-Pass-1!"))
    lunch_id = client.call("POST", "chat", {"message": "점심 메뉴 추천해 주세요"})["conversation_id"]
    client.call("POST", "chat", {"message": "회의 일정 잡아 주세요"})
    edit = f'[class~="st-key-rename-{lunch_id}"] button'  # the row's edit button (Streamlit marks an element with its key)
    with signed_in(ui_url, titles_user) as page:
        sidebar = page.get_by_test_id("stSidebar")
        lunch = sidebar.get_by_role("button", name=re.compile(rf"^{DATE} · 점심 메뉴 추천해 주세요$"))
        lunch.wait_for(timeout=30_000)  # the title after its date (local time, short)
        page.get_by_role("textbox", name=MESSAGE).wait_for()
        sidebar.locator(edit).first.click()
        box = sidebar.get_by_role("textbox", name=t("chat.rename_label", "ko"))
        box.fill("바뀐 제목")
        sidebar.get_by_role("button", name=t("confirm.cancel", "ko")).click()  # cancel: nothing changes
        box.wait_for(state="detached", timeout=15_000)
        expect(sidebar.get_by_role("button", name=re.compile(" · 점심 메뉴 추천해 주세요$"))).to_have_count(1, timeout=15_000)
        sidebar.locator(edit).first.click()
        box = sidebar.get_by_role("textbox", name=t("chat.rename_label", "ko"))
        box.fill("Team Lunch 메뉴")
        sidebar.get_by_role("button", name=t("chat.rename_save", "ko")).click()
        expect(sidebar.get_by_role("button", name=re.compile(" · Team Lunch 메뉴$"))).to_have_count(1, timeout=15_000)
        page.screenshot(path=tmp_path / "1-renamed.png", full_page=True)
        search = sidebar.get_by_role("textbox", name=t("chat.search", "ko"))
        search.fill("team LUNCH")
        search.press("Enter")
        sidebar.get_by_role("button", name=re.compile(" · 회의 일정")).wait_for(state="detached", timeout=15_000)
        expect(sidebar.get_by_role("button", name=re.compile(" · Team Lunch 메뉴$"))).to_have_count(1, timeout=15_000)
        expect(sidebar.get_by_role("button", name=re.compile(rf"^{DATE} · "))).to_have_count(1, timeout=15_000)  # only the match
        search.fill("메뉴")
        search.press("Enter")
        expect(sidebar.get_by_role("button", name=re.compile(" · Team Lunch 메뉴$"))).to_have_count(1, timeout=15_000)
        search.fill("없는 제목")
        search.press("Enter")
        sidebar.get_by_text(t("chat.search_none", "ko", q="없는 제목")).wait_for(timeout=15_000)
        page.screenshot(path=tmp_path / "2-searched.png", full_page=True)
    assert [c["title"] for c in client.call("GET", "conversations?q=LUNCH")["conversations"]] == ["Team Lunch 메뉴"]
