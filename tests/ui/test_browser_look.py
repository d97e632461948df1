"""In Chromium: the theme of ui/.streamlit/config.toml is the one `python -m ui` serves; every page in Korean and
English, photographed at desktop (1280 px) and narrow (400 px) widths (UI_SCREENSHOTS=dir keeps them, else the
test's tmp folder); the language switch kept across pages and a reload; the documents listing refreshing by itself
while a new upload is indexed, then stopping."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from tests.ui.test_browser import browsing, cut_short, past_the_edge, sign_in_as, signed_in, ui_url  # noqa: F401 (ui_url: the fixture)
from ui.client import Client, Outputs, sign_in
from ui.i18n import t

if TYPE_CHECKING:
    from playwright.sync_api import Page

PRIMARY = "rgb(47, 91, 211)"  # theme.primaryColor #2F5BD3
WIDTHS = {"desktop": 1280, "narrow": 400}
# The page scrolls inside its main block, so a full-page screenshot would stop at the window: the window is made as
# tall as the tallest scrolling content outside the sidebar (folded away at the narrow width) instead.
TALLEST = """() => Math.max(...[...document.querySelectorAll('*')]
    .filter(e => !e.closest('[data-testid=stSidebar]')).map(e => e.scrollHeight))"""


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("UI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def photograph(page: Page, folder: Path, name: str) -> None:
    """The page at each width, whole (scrolled content included)."""
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(600)  # the layout settles (the sidebar folds away at the narrow width)
        tall = page.evaluate(TALLEST)
        page.set_viewport_size({"width": width, "height": max(900, int(tall) + 40)})
        page.wait_for_timeout(300)
        page.screenshot(path=folder / f"{name}-{label}.png")
        assert cut_short(page) == [], f"{name} at {label} width: buttons drawn cut short"
        assert past_the_edge(page) == [], f"{name} at {label} width: reaches past the window's edge"
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    page.wait_for_timeout(300)


def test_given_python_m_ui_then_the_projects_theme_is_applied(ui_url):  # noqa: F811
    with browsing(ui_url) as page:
        button = page.get_by_role("button", name="로그인")
        button.wait_for(timeout=30_000)
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") == PRIMARY
        assert "NanumBarunGothic" in page.get_by_role("heading", name="Bedrock GenAI 로그인").evaluate(
            "h => getComputedStyle(h).fontFamily"
        )


def test_given_each_language_then_every_page_is_photographed_at_desktop_and_narrow_widths(ui_url, tmp_path, stream_user):  # noqa: F811
    folder = shots(tmp_path)
    for lang in ("ko", "en"):
        with browsing(ui_url, lang) as page:
            page.get_by_role("button", name=t("signin.submit", lang)).wait_for(timeout=30_000)
            photograph(page, folder, f"{lang}-1-sign-in")
            sign_in_as(page, "admin@example.com", lang)
            page.get_by_role("textbox", name=t("chat.input", lang)).fill("서울에서 가 볼 만한 곳을 알려 주세요")
            page.keyboard.press("Enter")
            page.get_by_text(t("stop.end_turn", lang)).first.wait_for(timeout=30_000)
            photograph(page, folder, f"{lang}-2-chat")
            page.locator("[class*='st-key-delete-'] button").first.click()  # the trash button: it asks first
            page.get_by_role("button", name=t("confirm.cancel", lang)).wait_for(timeout=30_000)
            page.screenshot(path=folder / f"{lang}-2-chat-confirm-desktop.png")
            page.get_by_role("button", name=t("confirm.cancel", lang)).click()
            page.get_by_role("button", name=t("confirm.cancel", lang)).wait_for(state="detached", timeout=30_000)
            page.get_by_role("link", name=t("nav.knowledge", lang)).click()
            page.get_by_role("textbox", name=t("rag.question", lang)).fill("재택 근무는 며칠 가능한가요?")
            page.get_by_role("button", name=t("rag.ask", lang)).click()
            page.get_by_text("[1] hr-faq-ko.md").first.wait_for(timeout=30_000)
            page.get_by_text(t("stop.end_turn", lang)).first.wait_for(timeout=30_000)
            photograph(page, folder, f"{lang}-3-knowledge")
            page.get_by_role("link", name=t("nav.images", lang)).click()
            page.get_by_role("textbox", name=t("images.prompt", lang)).fill("해질녘 바닷가의 등대, 수채화")
            page.get_by_role("button", name=t("images.generate", lang)).click()
            page.get_by_test_id("stImage").first.wait_for(timeout=30_000)
            photograph(page, folder, f"{lang}-4-images")
            page.get_by_role("link", name=t("nav.documents", lang)).click()
            page.get_by_role("heading", name=t("docs.jobs", lang)).wait_for(timeout=30_000)
            photograph(page, folder, f"{lang}-5-documents")
            page.get_by_role("link", name=t("nav.usage", lang), exact=True).click()
            page.get_by_role("heading", name=t("usage.budgets", lang)).wait_for(timeout=30_000)
            photograph(page, folder, f"{lang}-6-usage")
            page.get_by_role("link", name=t("nav.usage_admin", lang)).click()
            page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)  # the month's days, one call each
            page.get_by_role("heading", name=t("budgets.title", lang)).wait_for(timeout=30_000)
            page.wait_for_timeout(1_000)  # the chart draws itself
            photograph(page, folder, f"{lang}-7-usage-admin")
        # a user with budgets (the line beside the chat box), of its own: the demo user's conversation list is what
        # tests/ui/test_pages.py counts
        with signed_in(ui_url, stream_user, lang) as page:
            page.get_by_role("textbox", name=t("chat.input", lang)).fill("예산이 얼마나 남았나요?")
            page.keyboard.press("Enter")
            page.get_by_text(t("stop.end_turn", lang)).first.wait_for(timeout=30_000)
            page.get_by_text(t("budget.line", lang, parts="|", zone="").split("|")[0]).first.wait_for(timeout=30_000)
            photograph(page, folder, f"{lang}-8-chat-budget")
            page.get_by_role("link", name=t("nav.usage", lang), exact=True).click()
            page.get_by_role("heading", name=t("usage.budgets", lang)).wait_for(timeout=30_000)
            photograph(page, folder, f"{lang}-9-usage-user")
            assert page.get_by_role("link", name=t("nav.usage_admin", lang)).count() == 0  # not offered to a non-admin
    assert len(list(folder.glob("*-narrow.png"))) == 18


def test_given_the_admin_usage_page_then_the_csv_button_downloads_the_apis_file_byte_for_byte(ui_url, outputs_file, tmp_path):  # noqa: F811
    outputs = Outputs.load(outputs_file)
    admin = Client(outputs.api_url, sign_in(outputs, "admin@example.com", "Local-Demo-Pass-1!"))
    expected = admin.download("admin/usage?period=day&sort=cost&order=desc&format=csv")
    with signed_in(ui_url, "admin@example.com") as page:
        page.get_by_role("link", name=t("nav.usage_admin", "ko")).click()
        button = page.get_by_role("button", name=t("admin_usage.csv", "ko"))
        button.wait_for(timeout=30_000)
        with page.expect_download(timeout=30_000) as download:
            button.click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
    assert saved.name.startswith("usage-day-")
    assert saved.read_bytes() == expected
    assert expected.startswith("\ufeffuser,email,name,period,cost_usd".encode())  # the BOM Excel needs, then the header


def test_given_the_english_switch_then_pages_and_a_reload_stay_in_english(ui_url):  # noqa: F811
    with signed_in(ui_url, "user@example.com") as page:
        page.get_by_text("English", exact=True).click()
        page.get_by_role("heading", name="Chat").wait_for(timeout=30_000)
        assert "lang=en" in page.url
        page.get_by_role("link", name="Knowledge base").click()
        page.get_by_role("heading", name="Knowledge base").wait_for(timeout=30_000)
        page.reload()  # a new session: the address says English
        page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
        assert "lang=en" in page.url


def test_given_a_new_upload_then_the_listing_refreshes_by_itself_until_it_is_indexed_and_then_stops(
    ui_url,  # noqa: F811
    outputs_file,
    tmp_path,
):
    document = tmp_path / "출장 규정.txt"
    document.write_text("출장비는 실비로 정산합니다.", encoding="utf-8")
    sent: list[float] = []  # when the page sent something to the server (a timed rerun is one such message)

    def listen(page: Page) -> None:
        page.on("websocket", lambda socket: socket.on("framesent", lambda _: sent.append(time.monotonic())))

    with signed_in(ui_url, "admin@example.com", before=listen) as page:
        page.get_by_role("link", name="문서").click()
        page.get_by_role("heading", name="색인 작업").wait_for(timeout=30_000)
        page.locator("input[type=file]").first.set_input_files(document)
        page.get_by_test_id("stFileUploader").get_by_text(document.name).wait_for(timeout=30_000)  # sent to Streamlit
        page.get_by_role("button", name="올리기").click()
        page.get_by_text(f"{document.name}을(를) 올렸습니다.").wait_for(timeout=30_000)
        page.get_by_text("색인을 기다리는 항목").first.wait_for(timeout=30_000)
        waiting = time.monotonic()
        page.get_by_text("모든 문서의 색인 상태가 확정되었습니다.").first.wait_for(timeout=60_000)  # no click in between
        settled = time.monotonic()
        assert [m for m in sent if waiting < m < settled], "nothing asked the server to redraw while it waited"
        page.wait_for_timeout(8_000)
        assert [m for m in sent if m > settled + 1] == []  # the timer stopped: no more redraws asked for
    outputs = Outputs.load(outputs_file)
    Client(outputs.api_url, sign_in(outputs, "admin@example.com", "Local-Demo-Pass-1!")).call("DELETE", f"documents/{quote(document.name)}")
