"""The chat page shows the passages a reply cites from an attached document (Converse document citations) as the
knowledge page shows RAG sources: one expander per citation, its label the file and where in it, the quoted text inside;
in AppTest against the local stack."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.live import create_user
from tests.ui.apptest import PASSWORD, app, texts
from ui.attachments import upload_all
from ui.client import Client, Outputs, sign_in

USER = "pages-citations@example.com"
NOTES = "Our team meets on Mondays. The launch moves to Friday because the review ran long. Lunch is at noon."


@pytest.fixture(scope="module")
def citations_user(stack: dict[str, Any]) -> str:
    create_user(stack, USER, PASSWORD)
    return USER


def test_given_a_reply_citing_an_attached_txt_when_the_conversation_is_opened_then_each_citation_shows_in_both_languages(
    outputs_file, citations_user
):
    client = Client(Outputs.load(outputs_file).api_url, sign_in(Outputs.load(outputs_file), citations_user, PASSWORD))
    files = upload_all(client, [("plan.txt", NOTES.encode())])
    cid = client.call("POST", "chat", {"message": "When is lunch?", "attachments": files})["conversation_id"]
    start = NOTES.index("Lunch is at noon.")
    for lang, where in (("ko", f"{start + 1}–{start + 17}번째 글자"), ("en", f"characters {start + 1}–{start + 17}")):
        at = app(outputs_file, citations_user, lang)
        at.sidebar.button(key=f"open-{cid}").click().run()
        assert [e.label for e in at.expander if e.label.startswith("[")] == [f"[1] plan.txt, {where}"]
        cited = next(e for e in at.expander if e.label.startswith("[1]"))
        assert texts(cited, "text") == ["Lunch is at noon."]
