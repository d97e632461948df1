"""In Chromium, in Korean: a user deletes an earlier picture from the Images gallery. The delete button asks first;
Cancel keeps it, 삭제 in the question deletes it; the page reads the listing again and only the other picture remains."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.ui.test_browser import ui_url  # noqa: F401 (ui_url: the fixture)
from tests.ui.test_browser_images import images_page, make
from ui.i18n import t

USER = "browser-image-delete@example.com"


def test_given_two_pictures_when_the_earlier_is_deleted_after_confirming_then_only_the_newest_remains(
    stack: dict[str, Any],
    ui_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    with images_page(stack, ui_url, USER) as page:
        make(page, "지울 그림, 오래된 등대")
        make(page, "남길 그림, 새 등대")
        expect(page.get_by_test_id("stImage")).to_have_count(2, timeout=30_000)
        earlier = page.get_by_test_id("stColumn").filter(has_text="지울 그림").filter(has=page.get_by_test_id("stImage")).last
        question = t("images.confirm_delete", "ko", prompt="지울 그림, 오래된 등대")

        earlier.get_by_role("button", name=t("images.delete", "ko")).click()
        page.get_by_text(question).wait_for(timeout=30_000)
        page.locator('[class~="st-key-image_deleting-no"] button').click()
        assert t("confirm.cancel", "ko") == "취소"
        expect(page.get_by_text(question)).to_have_count(0, timeout=30_000)
        expect(page.get_by_test_id("stImage")).to_have_count(2, timeout=30_000)

        earlier.get_by_role("button", name=t("images.delete", "ko")).click()
        page.get_by_text(question).wait_for(timeout=30_000)
        page.screenshot(path=tmp_path / "confirm.png", full_page=True)
        # The question's own 삭제 (Streamlit marks an element with its key: ui/confirm.py names it image_deleting-yes).
        page.locator('[class~="st-key-image_deleting-yes"] button').click()
        page.get_by_text(t("images.deleted", "ko")).wait_for(timeout=30_000)
        expect(page.get_by_test_id("stImage")).to_have_count(1, timeout=30_000)
        expect(page.get_by_test_id("stImage").filter(has_text="남길 그림")).to_have_count(1)
        page.get_by_text(t("images.gallery_empty", "ko")).wait_for(timeout=30_000)
        page.screenshot(path=tmp_path / "deleted.png", full_page=True)
