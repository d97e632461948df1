"""The `genai` commands people reach for, run as a user would against the local stack: conversations (list, show,
delete with a confirmation on the terminal), models, a message from stdin or --file, images saved with --out, an
upload confirmed in one line, and --json on every command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.live import create_user
from tests.ui.cli_runs import PASSWORD, User, explicit

USER, ADMIN = "cli-commands@example.com", "cli-admin@example.com"


@pytest.fixture(scope="module")
def accounts(stack: dict[str, Any]) -> tuple[str, str]:
    create_user(stack, USER, PASSWORD)
    create_user(stack, ADMIN, PASSWORD, admin=True)
    return USER, ADMIN


@pytest.fixture
def user(stack: dict[str, Any], tmp_path: Path, accounts: tuple[str, str]) -> User:
    person = explicit(stack, tmp_path)
    person.login(accounts[0])
    return person


def _new_conversation(user: User, message: str) -> str:
    events = [json.loads(line) for line in user.run("chat", "--json", message).stdout.splitlines()]
    return str(events[0]["data"]["conversation_id"])


def test_given_conversations_then_list_show_and_delete_only_after_a_yes(user):
    first = _new_conversation(user, "첫 번째 대화입니다")
    listed = user.run("conversations")
    assert listed.code == 0, listed
    assert any(line.startswith(first) and line.endswith("첫 번째 대화입니다") for line in listed.stdout.splitlines()), listed
    shown = user.run("conversations", "show", first)
    assert shown.code == 0, shown
    assert "나 / you\n첫 번째 대화입니다" in shown.stdout
    assert "«첫 번째 대화입니다»" in shown.stdout
    piped = user.run("conversations", "delete", first)  # no terminal to ask on, no --yes
    assert piped.code == 2, piped
    assert "--yes" in piped.stderr
    screen, code = user.at_terminal("conversations", "delete", first, answers=[("[y/N] ", "n\n")])
    assert code == 0, screen
    assert 'Delete the conversation "첫 번째 대화입니다"?' in screen
    assert "Nothing deleted" in screen
    assert user.run("conversations", "show", first).code == 0
    screen, code = user.at_terminal("conversations", "delete", first, answers=[("[y/N] ", "y\n")])
    assert (code, "지웠습니다 / Deleted the conversation" in screen) == (0, True), screen
    assert user.run("conversations", "show", first).code == 1
    second = _new_conversation(user, "두 번째")
    assert user.run("conversations", "delete", second, "--yes").code == 0
    assert second not in user.run("conversations", "list", "--all").stdout


def test_given_an_id_that_starts_with_a_dash_then_it_is_read_as_the_id_not_as_an_option(user):
    """The API's ids are [A-Za-z0-9_-]{16,64}: one in 64 starts with `-` (here ids nobody has: 404, exit 1, not 2)."""
    commands = [
        ("conversations", "show", "-" + "A" * 23),
        ("conversations", "delete", "-h" + "A" * 22, "--yes"),
        ("--json", "conversations", "delete", "--yes", "--" + "A" * 22),
        ("chat", "--conversation", "-" + "A" * 23, "이어서"),
        ("conversations", "rename", "-" + "A" * 23, "새 제목"),
        ("conversations", "rename", "--json", "-x" + "A" * 22, "-새 제목-"),  # a title may start with `-` too
    ]
    for command in commands:
        done = user.run(*command)
        assert done.code == 1, done
        assert "not_found" in done.stderr


def test_given_stdin_or_a_file_then_it_is_the_message_and_bad_input_is_a_usage_error(user, tmp_path):
    piped = user.run("chat", stdin="표준 입력에서 온 메시지\n")
    assert piped.code == 0, piped.stderr
    assert "«표준 입력에서 온 메시지»" in piped.stdout
    message = tmp_path / "message.txt"
    message.write_text("파일에서 온 메시지\n", encoding="utf-8")
    from_file = user.run("chat", "--file", str(message))
    assert "«파일에서 온 메시지»" in from_file.stdout
    assert user.run("chat", "-", stdin="대시도 표준 입력").stdout.count("«대시도 표준 입력»") == 1
    for wrong, stdin in ((("chat", "둘 다", "--file", str(message)), ""), (("chat",), ""), (("rag", "--file", str(tmp_path / "none")), "")):
        done = user.run(*wrong, stdin=stdin)
        assert done.code == 2, done
        assert len(done.stderr.strip().splitlines()) == 1


def test_given_images_out_then_the_pictures_are_saved_there(user, tmp_path):
    saved = tmp_path / "pictures"
    done = user.run("images", "해질녘 등대", "--out", str(saved))
    assert done.code == 0, done.stderr
    files = list(saved.iterdir())
    assert len(files) == 1
    assert files[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert done.stdout.startswith(f"{files[0]}  (")
    answer = user.json("images", "a lighthouse", "--out", str(saved))
    assert Path(answer["images"][0]["saved"]).is_file()
    assert len(list(saved.iterdir())) == 2


def test_given_an_upload_then_one_line_confirms_it(stack, tmp_path, accounts):
    admin = explicit(stack, tmp_path)
    admin.login(accounts[1])
    notes = tmp_path / "cli-notes.md"
    notes.write_text("# 메모\n재택 근무 메모입니다.\n", encoding="utf-8")
    done = admin.run("documents", "upload", str(notes))
    assert done.code == 0, done.stderr
    assert done.stdout.count("\n") == 1
    assert done.stdout.startswith("올렸습니다 / Uploaded cli-notes.md (")
    assert "text/markdown" in done.stdout
    assert "cli-notes.md" in admin.run("documents", "list").stdout
    assert admin.run("documents", "delete", "cli-notes.md", "--yes").code == 0


def test_given_json_then_every_command_prints_json_on_stdout(user, tmp_path):
    conversation = _new_conversation(user, "JSON으로")
    for command in (("models",), ("conversations",), ("conversations", "list", "--all"), ("conversations", "show", conversation)):
        before, after = user.run("--json", *command), user.run(*command, "--json")
        assert before.code == after.code == 0
        assert json.loads(before.stdout) == json.loads(after.stdout)
    assert json.loads(user.run("--json", "models").stdout)["default_chat_model"]
    assert json.loads(user.run("--json", "conversations", "show", conversation).stdout)["messages"][0]["content"] == "JSON으로"
    assert json.loads(user.run("conversations", "delete", conversation, "--yes", "--json").stdout) == {"deleted": conversation}
    assert json.loads(user.run("--json", "logout").stdout)["signed_out"] is True
    failed = user.run("--json", "models")
    assert failed.code == 3
    assert json.loads(failed.stderr)["exit_code"] == 3
    signed_in = json.loads(user.run("--json", "login", "--username", USER, "--password", PASSWORD).stdout)
    assert signed_in["signed_in"] == USER
    models = user.run("models")
    assert models.stdout.startswith("채팅 모델 / Chat models\n*  ")


def test_given_attach_twice_then_a_png_and_a_pdf_go_with_the_message_and_a_bad_type_names_the_file(user, tmp_path):
    from tests.integration.test_chat_files import PDF, png

    picture, report, program = tmp_path / "화면.png", tmp_path / "보고서.pdf", tmp_path / "run.exe"
    picture.write_bytes(png())
    report.write_bytes(PDF)
    program.write_bytes(b"MZ")
    done = user.run("chat", "--attach", str(picture), "--attach", str(report), "두 파일을 요약해 주세요")
    assert done.code == 0, done.stderr
    assert "image png" in done.stdout
    assert "document «document-2» (pdf)" in done.stdout  # a Korean-only name becomes document-N for Converse
    refused = user.run("chat", "--attach", str(program), "이것도")
    assert refused.code == 1, refused
    assert "run.exe" in refused.stderr
    assert "cannot be attached" in refused.stderr
