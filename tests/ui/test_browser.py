"""End to end in a real browser: Debian's headless Chromium, driven by Playwright, against `streamlit run`
on the local stack. Signs in, chats in Korean, and sees the reply. Screenshots go to the test's tmp folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


def chromium() -> str | None:
    """The browser `make browser` provided: CHROMIUM, else Debian's, else None (Playwright's own download)."""
    named = os.environ.get("CHROMIUM")
    if named:
        return named
    return str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None


# Quiet and offline: without these Chromium keeps calling Google's hosts, which this network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def ui_url(outputs_file: Path) -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "ui", "--port", str(port)]  # what `make ui` and `make dev` run
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "GENAI_OUTPUTS": str(outputs_file)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
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


def test_given_a_browser_when_the_demo_user_signs_in_and_chats_in_korean_then_the_reply_shows(ui_url, tmp_path):
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        except Error as err:  # no browser: say how to get one rather than a stack trace
            pytest.fail(f"no Chromium to drive ({err.message.splitlines()[0]}): run `make browser`, or set CHROMIUM=/path/to/chrome")
        page = browser.new_page(viewport={"width": 1280, "height": 900}, user_agent="genai-e2e")
        page.goto(ui_url)
        page.get_by_role("textbox", name="E-mail").fill("admin@example.com")
        page.get_by_role("textbox", name="Password").fill("Local-Demo-Pass-1!")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Chat").wait_for(timeout=30_000)
        page.get_by_text("Signed in as").wait_for()
        page.screenshot(path=tmp_path / "1-chat.png")
        page.get_by_role("textbox", name="Message").fill("안녕하세요, 브라우저에서 인사드립니다")
        page.keyboard.press("Enter")
        reply = page.get_by_test_id("stChatMessage").filter(has_text="You said: «안녕하세요, 브라우저에서 인사드립니다»")
        reply.wait_for(timeout=30_000)
        page.screenshot(path=tmp_path / "2-reply.png", full_page=True)
        assert page.get_by_test_id("stChatMessage").count() == 2
        browser.close()
