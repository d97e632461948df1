"""In Chromium: the file uploader's own words (its button, its limit line, the hint shown while a file is dragged over
it, a refused file's error) read in Korean on a Korean page, and stay Streamlit's English on an English page.

Streamlit draws those words itself, in English, and 1.67.0 has no setting for them, so ui/uploader_words.py replaces
them with CSS keyed to the `data-testid`s of Streamlit's 1.67.0 bundle. A Streamlit upgrade may rename those ids or
reshape the box: the CSS would then match nothing and the English words come back without any error anywhere. These
tests read what the browser really shows (the computed `::after` content, what is visible, and Chromium's own
accessibility tree, which is what a screen reader gets), so they are what catches it: run this file after every
Streamlit upgrade. Screenshots go to the test's tmp folder (UI_SCREENSHOTS=dir keeps them)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.ui.test_browser import signed_in, ui_url  # noqa: F401 (ui_url: the fixture)
from tests.ui.test_browser_look import shots
from ui.attachments import PICKER_MAX_MB
from ui.i18n import t

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

BOX = "[data-testid=stFileUploaderDropzone]"
LIMIT = "[data-testid=stFileUploaderDropzoneInstructions] span"
LABEL = "[data-testid=stBaseButton-secondary] [data-testid=stMarkdownContainer]"
HINT = "> div:not([data-testid]) > span"  # drawn over the box while a file is dragged over it
ENGLISH = ("Upload", "per file", "Drag and drop", "File must be")  # Streamlit's words a user would see


def after(where: Locator) -> str:
    """The `::after` content the page's CSS gives the element, as text ("" for none)."""
    content = str(where.evaluate("e => getComputedStyle(e, '::after').content"))
    return "" if content in ("none", "normal") else content.strip('"')


def spoken(page: Page) -> str:
    """Every name and text in Chromium's accessibility tree (what a screen reader can announce), one a line, read
    over the DevTools protocol."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    names = [str(n["name"]["value"]) for n in tree["nodes"] if not n.get("ignored") and (n.get("name") or {}).get("value")]
    return "\n".join(names)


def dragged_over(page: Page, box: Locator) -> Locator:
    """A file dragged over the box, as the browser reports it (Streamlit shows its hint on dragenter); the hint."""
    moving = page.evaluate_handle("() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'a.txt')); return d; }")
    box.dispatch_event("dragenter", {"dataTransfer": moving})
    hint = box.locator(HINT)
    hint.wait_for(state="attached", timeout=10_000)
    return hint


def visible(where: Locator, text: str) -> bool:
    """Whether an element whose own text holds `text` (case counts: the button's icon is the word "upload") shows."""
    return where.get_by_text(re.compile(re.escape(text))).first.is_visible()


def chat_uploader(page: Page) -> Locator:
    uploader = page.get_by_test_id("stFileUploader").first
    uploader.locator(LIMIT).wait_for(state="attached", timeout=30_000)  # hidden on a Korean page: its words come after it
    return uploader


def test_given_a_korean_page_then_the_uploaders_own_words_are_korean_seen_and_spoken(ui_url, tmp_path):  # noqa: F811
    folder = shots(tmp_path)
    with signed_in(ui_url, "admin@example.com", "ko") as page:
        uploader = chat_uploader(page)
        box = uploader.locator(BOX)
        assert after(box.locator(LABEL)) == "파일 선택"
        limit = after(box.locator(LIMIT))
        assert limit.startswith(f"파일당 최대 {PICKER_MAX_MB}MB • PNG, JPG, "), limit  # the real limit and types
        assert "PDF" in limit
        assert not visible(box, "Upload")
        assert not visible(box, "per file")
        heard = spoken(page)
        assert "파일 선택" in heard
        assert limit in heard
        assert not any(word in heard for word in ENGLISH), heard
        uploader.screenshot(path=folder / "ko-uploader.png")

        hint = dragged_over(page, box)
        assert after(hint) == "여기에 파일을 놓으세요"
        assert not visible(box, "Drag and drop")
        uploader.screenshot(path=folder / "ko-uploader-drag.png")
        box.dispatch_event("dragleave")
        hint.wait_for(state="detached", timeout=10_000)

        big = tmp_path / "큰 파일.txt"
        big.write_bytes(b"x" * ((PICKER_MAX_MB + 1) * 1024 * 1024))  # over the picker's limit: refused in the browser
        uploader.locator("input[type=file]").set_input_files(big)
        chip = uploader.get_by_test_id("stFileChip").filter(has_text=big.name)
        refused = t("uploader.refused", "ko", types=limit.split(" • ")[1], size=PICKER_MAX_MB)
        assert after(chip.locator("> span[role=alert]")) == refused  # what a screen reader announces
        chip.hover()
        tooltip = page.get_by_test_id("stTooltipErrorContent")
        tooltip.wait_for(state="attached", timeout=10_000)
        assert after(tooltip) == refused
        assert not visible(page.locator("body"), "File must be")
        assert refused in spoken(page)
        page.wait_for_timeout(800)  # the tooltip fades in
        page.screenshot(path=folder / "ko-uploader-refused.png")

        for nav, key, expected in (  # the other pages' uploaders, by their keys: each states its own limit and types
            ("nav.documents", "docs_file_0", "파일당 최대 50MB • TXT, MD, HTML, CSV, PDF, DOC, DOCX, XLS, XLSX"),
            ("nav.images", "images_verify", "파일당 최대 50MB • PNG, JPG, WEBP"),
        ):
            page.get_by_role("link", name=t(nav, "ko")).click()
            other = page.locator(f".st-key-{key}")
            other.locator(LIMIT).wait_for(state="attached", timeout=30_000)
            assert (after(other.locator(LIMIT)), after(other.locator(LABEL))) == (expected, "파일 선택")
            assert not visible(other, "per file")
            assert not visible(other, "Upload")
            other.screenshot(path=folder / f"ko-uploader-{nav[4:]}.png")


def test_given_an_english_page_then_the_uploader_keeps_streamlits_own_words(ui_url, tmp_path):  # noqa: F811
    folder = shots(tmp_path)
    with signed_in(ui_url, "admin@example.com", "en") as page:
        uploader = chat_uploader(page)
        box = uploader.locator(BOX)
        assert (after(box.locator(LABEL)), after(box.locator(LIMIT))) == ("", "")
        assert box.locator(LIMIT).inner_text().startswith(f"{PICKER_MAX_MB}MB per file • PNG, JPG, ")
        assert visible(box, "Upload")
        assert visible(box, "per file")
        heard = spoken(page)
        assert "Upload" in heard
        assert f"{PICKER_MAX_MB}MB per file" in heard
        uploader.screenshot(path=folder / "en-uploader.png")
        hint = dragged_over(page, box)
        assert (after(hint), hint.inner_text()) == ("", "Drag and drop files here")
        uploader.screenshot(path=folder / "en-uploader-drag.png")
