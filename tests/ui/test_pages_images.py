"""The Images page with GET /images (AppTest on the local stack): the newest picture in view with a download button,
the user's earlier pictures a page at a time behind "more", each with its own download, and nobody else's."""

from __future__ import annotations

from typing import Any

from tests.integration.live import create_user
from tests.ui.apptest import PASSWORD, app
from ui.client import Client
from ui.gallery import PAGE


def new_user(stack: dict[str, Any], email: str) -> str:
    return create_user(stack, email, PASSWORD)


def captions(at: Any) -> list[str]:
    return [p.proto.imgs[0].caption.split(" · ")[0] for p in at.get("image")]


def as_drawn(newest_first: list[str]) -> list[str]:
    """The order the page draws them in: the newest alone, then the gallery's three columns one after another
    (the picture at place i of the gallery goes to column i % 3)."""
    top, earlier = newest_first[:1], newest_first[1:]
    return top + [earlier[i] for column in range(3) for i in range(column, len(earlier), 3)]


def downloads(at: Any) -> list[Any]:
    return list(at.get("download_button"))


def test_given_more_pictures_than_a_page_then_the_newest_on_top_and_more_reads_the_rest_newest_first(stack, outputs_file):
    token = new_user(stack, "gallery-pages@example.com")
    api = Client(stack["ApiUrl"], token)
    count = PAGE + 2
    for n in range(count):
        api.call("POST", "images", {"prompt": f"갤러리 그림 {n}"})
    api_other = Client(stack["ApiUrl"], new_user(stack, "gallery-other@example.com"))
    api_other.call("POST", "images", {"prompt": "남의 그림"})
    at = app(outputs_file, "gallery-pages@example.com")
    at.switch_page("pages/images.py").run()
    newest_first = [f"갤러리 그림 {n}" for n in reversed(range(count))]
    assert captions(at) == as_drawn(newest_first[:PAGE])  # the newest in view, then the rest of the first page
    assert [s.value for s in at.subheader][:2] == ["가장 최근 그림", "이전에 만든 그림"]
    assert len(downloads(at)) == PAGE
    assert all(d.proto.label == "내려받기" for d in downloads(at))
    more = next(b for b in at.button if b.key == "images-more")
    assert more.label == "더 보기"
    more.click().run()
    assert captions(at) == as_drawn(newest_first)
    assert len(downloads(at)) == count
    assert not any(b.key == "images-more" for b in at.button)  # nothing follows
    assert "남의 그림" not in captions(at)


def test_given_a_new_user_then_no_pictures_and_a_plain_note(stack, outputs_file):
    new_user(stack, "gallery-empty@example.com")
    at = app(outputs_file, "gallery-empty@example.com")
    at.switch_page("pages/images.py").run()
    assert captions(at) == []
    assert "아직 이전에 만든 그림이 없습니다." in [c.value for c in at.caption]
