"""The local stack keeps what users made across a restart, and `make dev-reset` forgets it."""

from __future__ import annotations

import subprocess
import urllib.request

from tests.integration.live import ROOT, request, running_stack, sign_in


def test_given_a_restart_then_conversations_images_documents_and_budgets_are_still_there_and_still_their_owners(tmp_path):
    state = tmp_path / "state"
    with running_stack(state) as first:
        alice = sign_in(first, "user@example.com")
        status, turn, _ = request(first, "POST", "chat", alice, {"message": "재시작해도 기억해 주세요"})
        assert status == 200
        status, made, _ = request(first, "POST", "images", alice, {"prompt": "a lighthouse", "seed": 7})
        assert status == 200
        admin = sign_in(first, "admin@example.com")
        status, _, _ = request(first, "DELETE", "documents/product-handbook-en.md", admin)
        assert status == 204
        assert request(first, "PUT", "admin/budgets/groups/restart-team", admin, {"tokens_per_day": 1234})[0] == 200  # the usage table
        pool = first["UserPoolId"]

    assert first["Restored"] is None
    with running_stack(state) as second:
        assert second["UserPoolId"] == pool
        assert second["Restored"]["items"] >= 3  # the conversation and its two messages
        alice = sign_in(second, "user@example.com")
        status, listed, _ = request(second, "GET", "conversations", alice)
        assert status == 200
        assert [c["conversation_id"] for c in listed["conversations"]] == [turn["conversation_id"]]
        status, read, _ = request(second, "GET", f"conversations/{turn['conversation_id']}", alice)
        assert read["messages"][0]["content"] == "재시작해도 기억해 주세요"
        status, _, _ = request(second, "POST", "images/verify", alice, {"key": made["images"][0]["key"]})
        assert status == 200  # the picture is still there, and still hers
        bob = sign_in(second, "admin@example.com")
        assert request(second, "GET", f"conversations/{turn['conversation_id']}", bob)[0] == 404
        status, documents, _ = request(second, "GET", "documents", bob)
        names = [d["name"] for d in documents["documents"]]
        assert "hr-faq-ko.md" in names
        assert "product-handbook-en.md" not in names  # a deletion is remembered too: the seed is not loaded again
        overrides = request(second, "GET", "admin/budgets", bob)[1]["overrides"]
        assert [(o["id"], o["tokens_per_day"]) for o in overrides if o["scope"] == "group"] == [("restart-team", 1234)]
        with urllib.request.urlopen(made["images"][0]["url"].replace(first["CognitoEndpoint"], second["CognitoEndpoint"])) as got:
            assert got.read()[:8] == b"\x89PNG\r\n\x1a\n"

    subprocess.run(["make", "--no-print-directory", "dev-reset", f"LOCAL_STATE_DIR={state}"], cwd=ROOT, check=True, capture_output=True)
    assert not state.exists()
