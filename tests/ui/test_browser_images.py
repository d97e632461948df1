"""In Chromium, in Korean: a user makes two pictures on the Images page; the newest is in view at the top, the first
one is in the gallery of earlier pictures (GET /images), and each one's download button saves a PNG."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect

from tests.integration.live import create_user
from tests.ui.cli_runs import PASSWORD
from tests.ui.test_browser import cut_short, signed_in, ui_url  # noqa: F401 (ui_url: the fixture)
from ui.i18n import t

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

USER = "browser-images@example.com"
PNG = b"\x89PNG\r\n\x1a\n"


@contextmanager
def images_page(stack: dict[str, Any], url: str, user: str) -> Iterator[Page]:
    """Chromium on the Images page, in Korean, signed in as a new user of its own (no one else's pictures)."""
    create_user(stack, user, PASSWORD)
    with signed_in(url, user) as page:
        page.get_by_role("link", name=t("nav.images", "ko")).click()
        page.get_by_role("heading", name=t("images.title", "ko")).wait_for(timeout=30_000)
        yield page


def make(page: Page, prompt: str) -> None:
    page.get_by_role("textbox", name=t("images.prompt", "ko")).fill(prompt)
    page.get_by_role("button", name=t("images.generate", "ko")).click()
    page.get_by_test_id("stImage").filter(has_text=prompt).first.wait_for(timeout=30_000)


def saved(page: Page, where: Locator, folder: Path) -> tuple[str, bytes]:
    """Click the download button inside `where`; the file the browser saved: (its name, its bytes)."""
    with page.expect_download(timeout=30_000) as started:
        where.get_by_test_id("stDownloadButton").first.get_by_role("button", name=t("images.download", "ko")).click()
    download = started.value
    target = folder / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target.read_bytes()


def test_given_two_pictures_then_the_newest_on_top_the_first_in_the_gallery_and_each_downloads_as_png(
    stack: dict[str, Any],
    ui_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    with images_page(stack, ui_url, USER) as page:
        page.get_by_text(t("images.gallery_empty", "ko")).wait_for(timeout=30_000)
        make(page, "첫 번째 등대, 수채화")
        make(page, "두 번째 등대, 유화")
        # The newest shows first; the gallery under it follows in the same run, a moment later: wait for both.
        expect(page.get_by_test_id("stImage")).to_have_count(2, timeout=30_000)
        page.screenshot(path=tmp_path / "images.png", full_page=True)
        headings = page.get_by_role("heading", level=3).all_inner_texts()
        assert headings.index(t("images.latest", "ko")) < headings.index(t("images.gallery", "ko"))
        pictures = page.get_by_test_id("stImage").all_inner_texts()
        assert ["두 번째" in p for p in pictures] == [True, False], pictures  # the newest first, alone on top
        assert cut_short(page) == []  # every button's words whole, in the narrow gallery column too
        gallery = page.get_by_test_id("stColumn").filter(has_text="첫 번째 등대").first
        name, data = saved(page, gallery, tmp_path)
        assert name.endswith(".png")
        assert data.startswith(PNG)
        newest_name, newest = saved(page, page.get_by_test_id("stMain"), tmp_path)
        assert newest.startswith(PNG)
        assert newest_name != name
