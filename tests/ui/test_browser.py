"""End to end in a real browser: Debian's headless Chromium, driven by Playwright, against `streamlit run`
on the local stack. Signs in, chats in Korean, and sees the reply; with the offline Bedrock paced over HTTP, sees
chat and RAG answers grow before they are done, and stops one. The UI is in Korean (its default). Screenshots go
to the test's tmp folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from ui.client import Client, Outputs, sign_in
from ui.i18n import t

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


def chromium() -> str | None:
    """The browser `make browser` provided: CHROMIUM, else Debian's, else None (Playwright's own download)."""
    named = os.environ.get("CHROMIUM")
    if named:
        return named
    return str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None


# Quiet and offline: without these Chromium keeps calling Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def ui_url(outputs_file: Path) -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "ui", "--port", str(port)]  # what `make ui` and `make dev` run
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, "GENAI_OUTPUTS": str(outputs_file)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=2) as health:
                if health.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=20)


@contextmanager
def browsing(ui_url: str, lang: str | None = None, before: Callable[[Page], object] | None = None) -> Iterator[Page]:
    """A headless Chromium page (1280 px wide) on the UI's sign-in page, in `lang` when given (`?lang=`); `before`
    is called with the page before it loads (to listen to its websocket, say)."""
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        except Error as err:  # no browser: say how to get one rather than a stack trace
            pytest.fail(f"no Chromium to drive ({err.message.splitlines()[0]}): run `make browser`, or set CHROMIUM=/path/to/chrome")
        page = browser.new_page(viewport={"width": 1280, "height": 900}, user_agent="genai-e2e")
        if before:
            before(page)
        page.goto(ui_url + (f"?lang={lang}" if lang else ""))
        try:
            yield page
        finally:
            browser.close()


# The buttons on the page whose words do not fit (drawn cut short, "내…"): their texts.
CUT_SHORT = """() => [...document.querySelectorAll('[data-testid="stMain"] button')]
    .flatMap(b => [b, ...b.querySelectorAll('*')])
    .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
    .map(e => e.closest('button').innerText.trim())"""


def cut_short(page: Page) -> list[str]:
    found: list[str] = page.evaluate(CUT_SHORT)
    return found


# Pictures, captions and buttons of the page that reach past the window's right edge (cut off on a phone): what they are.
PAST_THE_EDGE = """() => [...document.querySelectorAll(
        '[data-testid="stMain"] img, [data-testid="stMain"] [data-testid="stCaptionContainer"], [data-testid="stMain"] button')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1; })
    .map(e => `${e.tagName} ${(e.innerText || e.alt || '').trim().slice(0, 40)}`
        + ` (right edge ${Math.round(e.getBoundingClientRect().right)} px)`)"""


def past_the_edge(page: Page) -> list[str]:
    found: list[str] = page.evaluate(PAST_THE_EDGE)
    return found


def sign_in_as(page: Page, username: str, lang: str = "ko") -> None:
    page.get_by_role("textbox", name=t("signin.email", lang)).fill(username)
    page.get_by_role("textbox", name=t("signin.password", lang), exact=True).fill("Local-Demo-Pass-1!")
    page.get_by_role("button", name=t("signin.submit", lang)).click()
    page.get_by_role("heading", name=t("chat.title", lang)).wait_for(timeout=30_000)
    page.get_by_text(t("app.signed_in", lang, user=username.replace("@", "@\u2060"))).wait_for()
    # the message box is drawn last (after the budget line's GET /usage): until then the sign-in page's own elements
    # (its language switch) can still be on screen beside the chat's
    page.get_by_role("textbox", name=t("chat.input", lang)).wait_for(timeout=30_000)


@contextmanager
def signed_in(
    ui_url: str, username: str = "admin@example.com", lang: str | None = None, before: Callable[[Page], object] | None = None
) -> Iterator[Page]:
    """A headless Chromium page on the UI, signed in as a demo user, on the Chat page."""
    with browsing(ui_url, lang, before) as page:
        sign_in_as(page, username, lang or "ko")
        yield page


def test_given_a_browser_when_the_demo_user_signs_in_and_chats_in_korean_then_the_reply_shows(ui_url, tmp_path):
    with signed_in(ui_url) as page:
        page.screenshot(path=tmp_path / "1-chat.png")
        page.get_by_role("textbox", name=MESSAGE).fill("안녕하세요, 브라우저에서 인사드립니다")
        page.keyboard.press("Enter")
        reply = page.get_by_test_id("stChatMessage").filter(has_text="You said: «안녕하세요, 브라우저에서 인사드립니다»")
        reply.wait_for(timeout=30_000)
        page.screenshot(path=tmp_path / "2-reply.png", full_page=True)
        expect(page.get_by_test_id("stChatMessage")).to_have_count(2, timeout=15_000)


def test_given_a_png_and_a_pdf_when_attached_in_the_browser_then_a_thumbnail_shows_and_the_model_reads_both(ui_url, tmp_path):
    from tests.integration.test_chat_files import PDF, png

    picture, report = tmp_path / "화면.png", tmp_path / "Q3 report.pdf"
    picture.write_bytes(png((64, 48)))
    report.write_bytes(PDF)
    with signed_in(ui_url) as page:
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(picture), str(report)])
        page.get_by_test_id("stImage").first.wait_for(timeout=30_000)  # the PNG's thumbnail above the box
        page.get_by_role("textbox", name=MESSAGE).fill("두 파일을 요약해 주세요")
        page.keyboard.press("Enter")
        reply = page.get_by_test_id("stChatMessage").filter(has_text="Files I read:")
        reply.wait_for(timeout=30_000)
        text = reply.inner_text()
        assert "image png" in text
        assert "document «Q3 report» (pdf)" in text
        user = page.get_by_test_id("stChatMessage").filter(has_text=t("chat.attached", "ko")).first
        assert "Q3 report.pdf" in user.inner_text()
        page.get_by_test_id("stImage").first.wait_for(state="detached", timeout=30_000)  # sent: the picker starts empty
        page.screenshot(path=tmp_path / "files.png", full_page=True)


DONE = "토큰 · 완료"  # the usage line under an answer once its stream said `done`
MESSAGE = t("chat.input", "ko")  # the message box's placeholder, its accessible name
THINKING = t("stream.thinking", "ko")


def grown(read: Callable[[], str], since: str, page: Page, timeout: float = 30) -> str:
    """The text `read()` gives once it differs from `since` while the answer is not done yet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = read()
        if text != since:
            assert page.get_by_text(DONE).count() == 0, "the answer completed before the text was seen growing"
            return text
        time.sleep(0.05)
    raise AssertionError(f"the answer did not grow from {since[-80:]!r} within {timeout} s")


def test_given_a_paced_model_when_chatting_then_the_message_shows_at_once_and_the_answer_grows_before_it_is_done(
    ui_url, stream_user, sim_model, tmp_path
):
    sim_model(first_token_ms=300, token_ms=30, reply_tokens=300)  # first words after ~2 s (the sync guardrail's batch), done after ~9 s
    message = "서울 여행 코스를 천천히 알려 주세요"
    with signed_in(ui_url, stream_user) as page:
        page.get_by_role("textbox", name=MESSAGE).fill(message)
        page.keyboard.press("Enter")
        bubbles = page.get_by_test_id("stChatMessage")
        bubbles.filter(has_text=message).first.wait_for(timeout=5_000)
        bubbles.nth(1).get_by_text(THINKING).wait_for(timeout=5_000)  # the message, then the indicator
        assert "You said" not in bubbles.nth(1).inner_text()  # no words yet
        page.screenshot(path=tmp_path / "1-thinking.png")
        answer = bubbles.nth(1).get_by_test_id("stMarkdownContainer").first
        first = grown(answer.inner_text, "", page)
        while "You said" not in first:
            first = grown(answer.inner_text, first, page)
        later = grown(answer.inner_text, first, page)
        page.screenshot(path=tmp_path / "2-partial.png")
        assert later.startswith(first)
        assert len(later) > len(first)
        page.get_by_text(DONE).wait_for(timeout=60_000)
        done = page.get_by_test_id("stChatMessage").nth(1).get_by_test_id("stMarkdownContainer").first.inner_text()
        page.screenshot(path=tmp_path / "3-done.png", full_page=True)
        assert done.startswith(later)
        assert len(done) > len(later)
        expect(page.get_by_role("button", name="중지")).to_have_count(0, timeout=15_000)  # gone once the run ends


def test_given_a_long_answer_when_stop_is_clicked_then_it_stops_and_the_turn_shows_as_interrupted(
    ui_url, outputs_file, stream_user, sim_model, tmp_path
):
    sim_model(token_ms=30, reply_tokens=1500)  # 45 s unless stopped
    message = "멈출 때까지 길게 써 주세요"
    with signed_in(ui_url, stream_user) as page:
        page.get_by_role("textbox", name=MESSAGE).fill(message)
        page.keyboard.press("Enter")
        page.get_by_test_id("stChatMessage").filter(has_text="You said").wait_for(timeout=15_000)
        clicked = time.monotonic()
        page.get_by_role("button", name="중지").click()
        page.get_by_text("중단된 답변: 멈출 때까지 쓴 내용입니다.").wait_for(timeout=20_000)
        assert time.monotonic() - clicked < 20
        page.screenshot(path=tmp_path / "4-interrupted.png", full_page=True)
        shown = page.get_by_test_id("stChatMessage").nth(1).get_by_test_id("stMarkdownContainer").first.inner_text()
        assert page.get_by_text(DONE).count() == 0
    outputs = Outputs.load(outputs_file)
    client = Client(outputs.api_url, sign_in(outputs, stream_user, "Local-Demo-Pass-1!"))
    newest = client.call("GET", "conversations?limit=1")["conversations"][0]
    stored = client.call("GET", f"conversations/{newest['conversation_id']}")["messages"]
    assert [m["role"] for m in stored] == ["user", "assistant"]
    assert stored[0]["content"] == message
    assert stored[1]["interrupted"] is True
    assert stored[1]["content"].strip() == shown.strip()
    assert len(shown) < 1500 * 4 // 2  # far from the whole answer


def test_given_a_paced_model_when_asking_the_knowledge_base_then_the_answer_and_its_citation_arrive_before_it_is_done(
    ui_url, outputs_file, stream_user, sim_model, tmp_path
):
    outputs = Outputs.load(outputs_file)
    client = Client(outputs.api_url, sign_in(outputs, stream_user, "Local-Demo-Pass-1!"))
    deadline = time.monotonic() + 30
    while not client.call("POST", "rag/query", {"question": QUESTION})["citations"]:  # the seed corpus, once ingested
        assert time.monotonic() < deadline, "the seed corpus was not ingested"
        time.sleep(1)
    sim_model(first_token_ms=300, token_ms=30, reply_tokens=300)  # the cited sentence again and again: ~9 s
    with signed_in(ui_url, stream_user) as page:
        page.get_by_role("link", name="지식 기반").click()
        page.get_by_role("textbox", name="질문").fill(QUESTION)
        page.get_by_role("button", name="질문하기").click()
        box = page.get_by_test_id("stVerticalBlock").filter(has_text=f"질문 {QUESTION}").last
        box.get_by_text(THINKING).wait_for(timeout=5_000)
        answer = box.get_by_test_id("stMarkdownContainer").nth(1)
        first = grown(answer.inner_text, "", page)
        while "재택 근무는 주 2일" not in first:
            first = grown(answer.inner_text, first, page)
        box.get_by_text("[1] hr-faq-ko.md").wait_for(timeout=5_000)  # the citation, as soon as the answer named [1]
        assert page.get_by_text(DONE).count() == 0
        later = grown(answer.inner_text, first, page)
        page.screenshot(path=tmp_path / "5-rag-partial.png")
        assert later.startswith(first)
        assert len(later) > len(first)
        page.get_by_text(DONE).wait_for(timeout=60_000)
        page.screenshot(path=tmp_path / "6-rag-done.png", full_page=True)
        done = page.get_by_test_id("stVerticalBlock").filter(has_text=f"질문 {QUESTION}").last
        assert done.get_by_test_id("stMarkdownContainer").nth(1).inner_text().startswith(later)


QUESTION = "재택 근무는 며칠 가능한가요?"
