"""`genai images delete ID [--yes]`: asks on the terminal (yes deletes, no keeps), `--yes` skips the question, a key is
taken for its id; an unknown or someone else's id is one bilingual line and exit 1, a malformed one exit 2, never a
traceback; an id that starts with `-` is still the id."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from tests.ui.cli_runs import User, signed_in
from ui.cli.image_list import list_alias

USER = "cli-image-delete@example.com"
OTHER = "cli-image-delete-other@example.com"


@pytest.fixture
def user(stack: dict[str, Any], tmp_path: Path) -> User:
    return signed_in(stack, tmp_path / "owner", USER)


def _made(user: User, prompt: str) -> str:
    key: str = user.json("images", prompt)["images"][0]["key"]
    return key


def _listed(user: User) -> list[str]:
    return [p["key"] for p in user.json("images", "list", "--all")["images"]]


def test_given_a_picture_then_delete_asks_no_keeps_it_and_yes_deletes_it(user):
    key = _made(user, "지울 그림, 등대")
    picture_id = PurePosixPath(key).stem
    piped = user.run("images", "delete", picture_id)  # no terminal to ask on, no --yes
    assert piped.code == 2, piped
    assert "--yes" in piped.stderr
    screen, code = user.at_terminal("images", "delete", picture_id, answers=[("[y/N] ", "n\n")])
    assert code == 0, screen
    assert f"Delete the picture {picture_id}?" in screen
    assert "지우지 않았습니다 / Nothing deleted." in screen
    assert key in _listed(user)
    screen, code = user.at_terminal("images", "delete", picture_id, answers=[("[y/N] ", "y\n")])
    assert code == 0, screen
    assert f"지웠습니다 / Deleted the picture {picture_id}." in screen
    assert key not in _listed(user)


def test_given_yes_and_a_whole_key_then_deleted_without_asking_and_json_names_it(user):
    key = _made(user, "키로 지울 그림")
    done = user.run("--json", "images", "delete", key, "--yes")
    assert done.code == 0, done
    assert json.loads(done.stdout) == {"deleted": PurePosixPath(key).stem}
    assert key not in _listed(user)


def test_given_an_id_that_is_gone_or_someone_elses_then_one_bilingual_line_and_exit_1(user, stack, tmp_path):
    theirs = _made(signed_in(stack, tmp_path / "other", OTHER), "남의 그림")
    mine = _made(user, "두 번 지울 그림")
    assert user.run("images", "delete", mine, "--yes").code == 0
    for gone in (mine, theirs, "-" + "A" * 23):  # deleted already, another user's, unknown (starting with a dash)
        done = user.run("images", "delete", PurePosixPath(gone).stem, "--yes")
        assert done.code == 1, done
        (line,) = done.stderr.strip().splitlines()
        assert line.startswith("그림을 찾을 수 없습니다"), line
        assert "No picture of yours has the id" in line, line
        assert "Traceback" not in done.stderr
    assert theirs in _listed(signed_in(stack, tmp_path / "other-again", OTHER))


@pytest.mark.parametrize("bad", ["short", "A" * 25, "A" * 23 + "!", "images/x/y.png"])
def test_given_a_malformed_id_then_a_usage_line_and_exit_2_without_asking(user, bad):
    done = user.run("images", "delete", bad, "--yes")
    assert done.code == 2, done
    (line,) = done.stderr.strip().splitlines()
    assert "Not a picture id" in line, line


def test_given_delete_as_a_word_then_the_alias_and_its_double_dash_escape():
    assert list_alias(["images", "delete", "x", "--yes"]) == ["images", "--delete", "x", "--yes"]
    assert list_alias(["--json", "images", "delete", "x"]) == ["--json", "images", "--delete", "x"]
    assert list_alias(["images", "--", "delete"]) == ["images", "--", "delete"]
