"""`genai admin budgets` run as a user would, and a budget it sets enforced by the stack's own functions: an admin caps
the demo user with the CLI, and the demo user's `genai chat`, `genai chat --no-stream` and `genai images` then end
with the API's bilingual 429 (the budget, the limit, the reset time) and exit 6.

This module runs a local stack of its own: the functions keep a user's budget overrides for up to a minute
(lambdas/common/usage/budgets.py), so a cap on the demo user here must not reach the other tests' stack."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.live import cognito, running_stack
from tests.ui.cli_runs import User, explicit

DEMO_USER, DEMO_ADMIN = "user@example.com", "admin@example.com"  # local/stack.py's demo users


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with running_stack(tmp_path_factory.mktemp("budgets-stack")) as outputs:
        yield outputs


@pytest.fixture
def admin(stack: dict[str, Any], tmp_path: Path) -> User:
    person = explicit(stack, tmp_path / "admin")
    person.login(DEMO_ADMIN)
    return person


@pytest.fixture
def demo(stack: dict[str, Any], tmp_path: Path) -> User:
    person = explicit(stack, tmp_path / "demo")
    person.login(DEMO_USER)
    return person


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    return stderr.strip()


def _sub(stack: dict[str, Any], email: str) -> str:
    """A user's sub from their e-mail, as operations.md has an admin find it (`aws cognito-idp list-users --filter`)."""
    found = cognito(stack).list_users(UserPoolId=stack["UserPoolId"], Filter=f'email = "{email}"')["Users"]
    return next(a["Value"] for a in found[0]["Attributes"] if a["Name"] == "sub")


def test_given_an_admin_then_a_group_budget_is_set_listed_and_deleted_after_a_yes(admin):
    team = f"cli-팀-{uuid.uuid4().hex[:6]}"
    done = admin.run("admin", "budgets", "set", "--group", team, "--tokens-per-day", "50000")
    assert done.code == 0, done
    assert done.stdout.strip() == (
        f"예산을 정했습니다 / Budget set for 그룹 / group {team}: 하루 토큰 / tokens a day 50,000, 한 달 / USD a month 상속 / inherited "
        "(1분 안에 적용 / applies within a minute)"
    )
    listed = admin.run("admin", "budgets")
    assert listed.code == 0, listed
    assert listed.stdout.splitlines()[0] == "예산 / Budgets (Asia/Seoul)"
    row = next(line for line in listed.stdout.splitlines() if f"그룹 / group {team}" in line)
    assert [cell.strip() for cell in row.split("  ") if cell.strip()][:4] == [
        "재정의 / override",
        f"그룹 / group {team}",
        "50,000",
        "상속 / inherited",
    ]
    assert any(line.split()[-2:] == ["200,000", "$20.00"] for line in listed.stdout.splitlines())  # cdk.json's default
    stored = admin.json("admin", "budgets", "set", "--group", team, "--usd-per-month", "12.5", "--tokens-per-day", "none")
    assert (stored["id"], stored["tokens_per_day"], stored["usd_per_month"]) == (team, None, 12.5)  # a PUT replaces the whole override
    assert any(o["id"] == team for o in admin.json("admin", "budgets", "list")["overrides"])

    piped = admin.run("admin", "budgets", "delete", "--group", team)  # no terminal to ask on, no --yes
    assert (piped.code, "--yes" in piped.stderr) == (2, True), piped
    screen, code = admin.at_terminal("admin", "budgets", "delete", "--group", team, answers=[("[y/N] ", "n\n")])
    assert (code, "Nothing deleted" in screen) == (0, True), screen
    assert f"Delete the budget override of group {team}?" in screen
    deleted = admin.run("admin", "budgets", "delete", "--group", team, "--yes")
    assert deleted.code == 0, deleted
    assert deleted.stdout.startswith(f"지웠습니다 / Deleted the budget override of group {team}")
    assert team not in admin.run("admin", "budgets").stdout
    again = admin.run("admin", "budgets", "delete", "--group", team, "--yes")
    assert again.code == 1
    assert _one_line(again.stderr).startswith("찾을 수 없습니다 / 404 not_found: no budget override for group")


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--tokens-per-day", "-1", "tokens_per_day"),
        ("--tokens-per-day", "1.5", "tokens_per_day"),
        ("--tokens-per-day", "1e400", "tokens_per_day"),
        ("--usd-per-month", "abc", "usd_per_month"),
        ("--usd-per-month", "0.0000001", "usd_per_month"),
        ("--usd-per-month", "2000000", "usd_per_month"),
    ],
)
def test_given_a_bad_budget_value_then_the_apis_400_names_the_field_and_exit_1(admin, option, value, field):
    done = admin.run("admin", "budgets", "set", "--group", "cli-bad", option, value)
    assert done.code == 1, done
    line = _one_line(done.stderr)
    assert line.startswith("요청 값이 올바르지 않습니다 / 400 validation_error: ")
    assert f" — {field}: " in line
    failed = admin.run("--json", "admin", "budgets", "set", "--group", "cli-bad", option, value)
    assert json.loads(_one_line(failed.stderr))["error"]["details"][0]["field"] == field


def test_given_a_target_that_is_not_a_sub_then_the_apis_400_names_the_path(admin):
    done = admin.run("admin", "budgets", "set", "--user", "kim@example.com", "--unlimited")
    assert done.code == 1
    assert " — path.sub: " in _one_line(done.stderr)


def test_given_an_admin_caps_the_demo_user_then_their_chat_and_images_exit_6_with_the_apis_message(stack, admin, demo):
    sub = _sub(stack, DEMO_USER)
    capped = admin.run("admin", "budgets", "set", "--user", sub, "--tokens-per-day", "10")
    assert capped.code == 0, capped
    mine = demo.json("usage")
    day = next(b for b in mine["budgets"] if b["budget"] == "tokens_per_day")
    assert (day["limit"], day["remaining"]) == (10, 10)
    assert any(line.split()[6:9] == ["10", "0", "10"] for line in demo.run("usage").stdout.splitlines())

    streamed = demo.run("chat", "예산을 넘는 질문")

    assert (streamed.code, streamed.stdout) == (6, "")
    line = _one_line(streamed.stderr)
    assert line.startswith("오늘의 토큰 예산을 넘게 됩니다: 10 토큰 중 0 토큰을 썼고, ")
    resets = day["resets_at"]  # the next midnight in Asia/Seoul
    assert f"{resets}에 초기화됩니다. / This request would go over your daily token budget: 0 of 10 tokens used" in line
    assert line.endswith(")")
    assert "(429 budget_exceeded, request id " in line
    whole = demo.run("chat", "--no-stream", "예산을 넘는 질문")
    error = json.loads(_one_line(whole.stderr))
    assert (whole.code, error["status"], error["exit_code"]) == (6, 429, 6)
    details = error["error"]["details"]
    assert details.pop("request_max") > 10
    assert details == {"budget": "tokens_per_day", "limit": 10, "used": 0, "resets_at": resets}

    monthly = admin.run("admin", "budgets", "set", "--user", sub, "--usd-per-month", "0.01")  # the image function reads it afresh
    assert monthly.code == 0, monthly
    picture = demo.run("images", "a lighthouse at dawn")
    assert picture.code == 6, picture
    month_reset = next(b for b in demo.json("usage")["budgets"] if b["budget"] == "usd_per_month")["resets_at"]
    assert f"The budget resets at {month_reset}." in _one_line(picture.stderr)
    assert month_reset.endswith("-01T00:00:00+09:00")
