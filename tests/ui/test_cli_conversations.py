"""`genai conversations list --search Q` and `genai conversations rename ID TITLE`, as a user runs them on the local stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.ui.cli_runs import User, signed_in

USER = "cli-titles@example.com"


@pytest.fixture
def user(stack: dict[str, Any], tmp_path: Path) -> User:
    return signed_in(stack, tmp_path, USER)


def _new_conversation(user: User, message: str) -> str:
    events = [json.loads(line) for line in user.run("chat", "--json", message).stdout.splitlines()]
    return str(events[0]["data"]["conversation_id"])


def test_given_conversations_when_renamed_then_search_finds_them_by_title_with_a_date(user):
    first = _new_conversation(user, "회의록 정리 부탁해요")
    _new_conversation(user, "점심 메뉴 추천")
    renamed = user.run("conversations", "rename", first, "  Weekly 회의록  ")
    assert renamed.code == 0, renamed
    assert renamed.stdout.strip() == f'제목을 바꿨습니다 / Renamed: "Weekly 회의록" ({first})'
    found = user.run("conversations", "list", "--search", "weekly")
    assert found.code == 0, found
    lines = found.stdout.splitlines()
    assert len(lines) == 1, found.stdout
    assert lines[0].startswith(first)
    assert lines[0].endswith("Weekly 회의록")
    assert "-" in lines[0].split()[1]  # the date (local time) beside the title
    as_json = json.loads(user.run("--json", "conversations", "list", "--search", "회의록").stdout)
    assert [c["conversation_id"] for c in as_json["conversations"]] == [first]
    assert {"title", "created_at", "updated_at"} <= set(as_json["conversations"][0])
    everything = json.loads(user.run("--json", "conversations", "list", "--all", "--search", "WEEKLY").stdout)
    assert [c["title"] for c in everything["conversations"]] == ["Weekly 회의록"]
    nothing = user.run("conversations", "list", "--search", "없는 말")
    assert (nothing.code, nothing.stdout.strip()) == (0, '"없는 말" 제목의 대화가 없습니다 / No conversation titles contain "없는 말".')
    renamed_json = json.loads(user.run("--json", "conversations", "rename", first, "다시 바꾼 제목").stdout)
    assert renamed_json["conversation"]["title"] == "다시 바꾼 제목"
    assert renamed_json["guardrail"]["action"] == "NONE"


def test_given_a_bad_title_a_missing_conversation_or_a_blocked_title_then_the_cli_exit_codes(user):
    conversation = _new_conversation(user, "제목 오류 확인")
    blank = user.run("conversations", "rename", conversation, "   ")
    assert blank.code == 1, blank  # the API refused it (400)
    assert "title" in blank.stderr
    assert "Traceback" not in blank.stderr
    missing = user.run("conversations", "rename", "x" * 24, "새 제목")
    assert missing.code == 1, missing
    assert "not_found" in missing.stderr
    blocked = user.run("conversations", "rename", conversation, "대외비 프로젝트")
    assert blocked.code == 5, blocked  # the guardrail blocked it: the CLI's code for a block
    assert blocked.stdout == ""
    failure = json.loads(user.run("--json", "conversations", "rename", conversation, "대외비 프로젝트").stderr.strip().splitlines()[-1])
    assert failure["error"]["code"] == "guardrail_blocked"
    usage = user.run("conversations", "rename", conversation)
    assert usage.code == 2, usage  # no title: argparse's usage error
    assert json.loads(user.run("--json", "conversations", "show", conversation).stdout)["conversation"]["title"] == "제목 오류 확인"
