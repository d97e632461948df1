"""`genai images list`: the user's earlier pictures newest first (GET /images), `--json`, `--out`, `--all`; its usage
errors and sign-in failure follow the CLI's exit codes (ui/cli/exits.py); `genai images -- list` still draws."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.ui.cli_runs import User, explicit, signed_in
from ui.cli.image_list import list_alias

USER = "cli-images@example.com"


@pytest.fixture
def user(stack: dict[str, Any], tmp_path: Path) -> User:
    return signed_in(stack, tmp_path, USER)


def test_given_two_pictures_then_list_shows_them_newest_first_and_json_and_out_agree(user, tmp_path):
    first = user.json("images", "첫 번째 그림, 등대")["images"][0]
    second = user.json("images", "두 번째 그림, 바다")["images"][0]
    shown = user.run("images", "list")
    assert shown.code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].endswith(second["key"]), lines
    assert "두 번째 그림, 바다" in lines[0], lines
    assert lines[1].endswith(first["key"]), lines
    listed = user.json("images", "list", "--limit", "1")
    assert [p["key"] for p in listed["images"]] == [second["key"]]
    assert set(listed["images"][0]) >= {"key", "url", "created_at", "model_id", "prompt", "width", "height"}
    saved = tmp_path / "earlier"
    everything = user.json("images", "list", "--all", "--out", str(saved))
    assert [p["key"] for p in everything["images"]] == [second["key"], first["key"]]
    files = sorted(saved.iterdir())
    assert len(files) == 2
    assert all(f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for f in files)


def test_given_bad_listing_options_then_one_line_and_exit_2(user):
    for command in (("images", "list", "--limit", "0"), ("images", "list", "a prompt")):
        done = user.run(*command)
        assert done.code == 2, done
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_given_nobody_signed_in_then_list_exits_3_in_one_line(stack, tmp_path):
    done = explicit(stack, tmp_path).run("images", "list", "--limit", "5")
    assert done.code == 3, done
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_given_the_word_list_after_a_double_dash_then_it_is_a_prompt(user):
    done = user.run("--json", "images", "--", "list")
    assert done.code == 0, done.stderr
    assert len(json.loads(done.stdout)["images"]) == 1


def test_given_top_level_options_before_the_command_then_images_list_is_still_recognised():
    assert list_alias(["--outputs", "o.json", "--token-file", "t", "images", "list", "--json"]) == [
        "--outputs",
        "o.json",
        "--token-file",
        "t",
        "images",
        "--list",
        "--json",
    ]
    assert list_alias(["chat", "images", "list"]) == ["chat", "images", "list"]
    assert list_alias(["images", "--", "list"]) == ["images", "--", "list"]
