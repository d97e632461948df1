"""The chat sidebar's conversation list (ui/conversation_list.py) in AppTest against the local stack: rename with
Save and Cancel, a title the guardrail blocks (left as it was, a red box saying so), and the title search."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.live import create_user
from tests.ui.apptest import PASSWORD, app, texts
from ui.client import Client, Outputs, sign_in
from ui.i18n import t

USER = "pages-titles@example.com"


@pytest.fixture(scope="module")
def titles_user(stack: dict[str, Any]) -> str:
    create_user(stack, USER, PASSWORD)
    return USER


def _titles(at) -> list[str]:
    return [b.label.split(" · ", 1)[1] for b in at.sidebar.button if b.key and b.key.startswith("open-")]


def test_given_the_sidebar_when_renaming_and_searching_then_titles_change_or_stay_and_the_search_filters(outputs_file, titles_user):
    client = Client(Outputs.load(outputs_file).api_url, sign_in(Outputs.load(outputs_file), titles_user, PASSWORD))
    cid = client.call("POST", "chat", {"message": "첫 질문"})["conversation_id"]
    client.call("POST", "chat", {"message": "두 번째 질문"})
    at = app(outputs_file, titles_user)
    assert _titles(at) == ["두 번째 질문", "첫 질문"]
    at.sidebar.button(key=f"rename-{cid}").click().run()
    at.sidebar.text_input(key=f"rename-text-{cid}").input("바꾸지 않을 제목")
    at.sidebar.button(key=f"rename-cancel-{cid}").click().run()
    assert _titles(at) == ["두 번째 질문", "첫 질문"]
    at.sidebar.button(key=f"rename-{cid}").click().run()
    at.sidebar.text_input(key=f"rename-text-{cid}").input("대외비 계획")  # a denied word: the guardrail blocks it
    at.sidebar.button(key=f"rename-save-{cid}").click().run()
    assert _titles(at) == ["두 번째 질문", "첫 질문"]
    assert texts(at.sidebar, "error")  # the block, in words
    at.sidebar.button(key=f"rename-{cid}").click().run()
    at.sidebar.text_input(key=f"rename-text-{cid}").input("Project Plan 첫 질문")
    at.sidebar.button(key=f"rename-save-{cid}").click().run()
    assert _titles(at) == ["두 번째 질문", "Project Plan 첫 질문"]
    at.sidebar.text_input(key="chat_search").input("PROJECT").run()
    assert _titles(at) == ["Project Plan 첫 질문"]
    at.sidebar.text_input(key="chat_search").input("없는 말").run()
    assert _titles(at) == []
    assert t("chat.search_none", "ko", q="없는 말") in texts(at.sidebar, "caption")
