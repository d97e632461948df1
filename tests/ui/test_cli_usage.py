"""`genai usage` and `genai admin usage` run as a user would against the local stack: the caller's day and month by model
with the budgets left and their reset in the budgets' zone; every user's usage of a period with the names the user
pool holds, sorted, paged through `next_token` with --all, exported as the API's CSV (BOM included); a bad value is
the API's 400 naming the field (exit 1), and a user outside the admin group gets the API's 403 (exit 3)."""

from __future__ import annotations

import itertools
import json
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.integration.live import cognito, create_user, sign_in
from tests.integration.usage_rows import put_rows, row
from tests.ui.cli_runs import PASSWORD, User, explicit

USER, ADMIN = "cli-usage@example.com", "cli-usage-admin@example.com"
FORBIDDEN = "권한이 없습니다 / 403 forbidden: this action needs membership of the 'admin' group"
DAY = "2024-02-29"  # a day no other test writes: the seeded rows below are all it holds


@pytest.fixture(scope="module")
def accounts(stack: dict[str, Any]) -> tuple[str, str]:
    create_user(stack, USER, PASSWORD)
    create_user(stack, ADMIN, PASSWORD, admin=True)
    return USER, ADMIN


@pytest.fixture
def user(stack: dict[str, Any], tmp_path: Path, accounts: tuple[str, str]) -> User:
    person = explicit(stack, tmp_path / "user")
    person.login(accounts[0])
    return person


@pytest.fixture
def admin(stack: dict[str, Any], tmp_path: Path, accounts: tuple[str, str]) -> User:
    person = explicit(stack, tmp_path / "admin")
    person.login(accounts[1])
    return person


def _named(stack: dict[str, Any], name: str) -> tuple[str, str]:
    """A user in the pool with a `name` attribute: (sub, e-mail)."""
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    attributes = [{"Name": "email", "Value": email}, {"Name": "name", "Value": name}]
    made = cognito(stack).admin_create_user(
        UserPoolId=stack["UserPoolId"], Username=email, UserAttributes=attributes, MessageAction="SUPPRESS"
    )["User"]
    return next(a["Value"] for a in made["Attributes"] if a["Name"] == "sub"), email


@pytest.fixture(scope="module")
def seeded(stack: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Three users' rows for DAY, as the functions' metering writes them: name -> (sub, e-mail)."""
    people = {name: _named(stack, name) for name in ("박서연", "이도윤", "최하은")}
    rows = [
        row(people["박서연"][0], f"DAY#{DAY}", cost_micro_usd=2_000_000, input_tokens=300_000, output_tokens=100_000, requests=40),
        row(
            people["이도윤"][0],
            f"DAY#{DAY}",
            cost_micro_usd=42_000,
            estimated_micro_usd=40_000,
            images=1,
            input_tokens=50,
            output_tokens=20,
            requests=2,
        ),
        row(people["최하은"][0], f"DAY#{DAY}", cost_micro_usd=500, input_tokens=900, output_tokens=100, requests=1),
    ]
    dynamodb = boto3.client("dynamodb", endpoint_url=stack["CognitoEndpoint"], region_name=stack["Region"])  # the stack's moto
    put_rows(dynamodb, stack["UsageTableName"], rows)
    return people


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    return stderr.strip()


def _rows(stdout: str) -> list[list[str]]:
    """A table's body (after the headings and the rule, up to the first line that is not in columns), each row split
    into its cells."""
    shown = stdout.splitlines()
    rule = next(i for i, line in enumerate(shown) if line.startswith("----"))
    body = itertools.takewhile(lambda line: "  " in line, shown[rule + 1 :])
    return [[cell.strip() for cell in line.split("  ") if cell.strip()] for line in body]


def test_given_a_chat_then_genai_usage_shows_today_and_this_month_by_model_and_each_budget_left(user):
    assert user.run("chat", "사용량 확인용 메시지").code == 0
    report = user.json("usage")  # the API's GET /usage as is
    assert set(report) == {"time_zone", "now", "day", "month", "unlimited", "budgets"}
    day = report["day"]
    assert day["requests"] == 1
    assert day["total_tokens"] > 0

    shown = user.run("usage")

    assert shown.code == 0, shown
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("사용량 / Usage · Asia/Seoul ")
    assert f"오늘 / Today {day['period']} · 요청 / requests 1" in lines
    assert f"이번 달 / This month {report['month']['period']} · 요청 / requests 1" in lines
    today = lines[lines.index(f"오늘 / Today {day['period']} · 요청 / requests 1") :]
    assert today[1].split("  ")[0] == "모델 / Model"
    assert "비용 / Cost (USD)" in today[1]
    models = [m["model_id"] for m in day["models"]]
    assert [line.split()[0] for line in today[3 : 3 + len(models)]] == models  # costliest first, as the API lists them
    total = today[3 + len(models)].split()
    assert total[:3] == ["합계", "/", "Total"]
    assert total[3:5] == [f"{day['input_tokens']:,}", f"{day['output_tokens']:,}"]
    assert total[-1].startswith("$")
    assert total[-1] != "$0"
    budgets = _rows(shown.stdout[shown.stdout.index("예산 / Budgets") :])
    tokens = next(b for b in report["budgets"] if b["budget"] == "tokens_per_day")
    resets = tokens["resets_at"][:10] + " 00:00"  # midnight in Asia/Seoul, as written there
    assert budgets[0][:4] == ["하루 토큰 / Tokens a day", "200,000", f"{int(tokens['used']):,}", f"{int(tokens['remaining']):,}"]
    assert budgets[0][4].startswith(resets + " (")
    assert budgets[1][:2] == ["한 달 비용 / USD a month", "$20.00"]
    assert budgets[1][4].startswith(report["month"]["resets_at"][:10] + " 00:00 (")


def test_given_an_admin_then_usage_is_unlimited(admin):
    shown = admin.run("usage")
    assert shown.code == 0, shown
    assert shown.stdout.splitlines()[-1] == "예산 / Budgets: 무제한 / unlimited (no limit applies to you)"


def test_given_a_day_of_three_users_then_admin_usage_sorts_them_with_their_names_and_marks_the_estimate(admin, seeded):
    shown = admin.run("admin", "usage", "--date", DAY)

    assert shown.code == 0, shown
    assert shown.stdout.splitlines()[0] == f"사용자별 사용량 / Usage by user · 하루 / day {DAY} (Asia/Seoul) · 비용 / cost, 내림차순 / desc"
    (park, park_mail), (lee, lee_mail), (choi, choi_mail) = seeded["박서연"], seeded["이도윤"], seeded["최하은"]
    assert _rows(shown.stdout) == [
        ["박서연", park_mail, "$2.00", "400,000", "0", "40", park],
        ["이도윤", lee_mail, "≈$0.042", "70", "1", "2", lee],  # the picture's price is an estimate
        ["최하은", choi_mail, "$0.00050", "1,000", "0", "1", choi],
        ["합계 / Total (3명 / users)", "≈$2.04", "401,070", "1", "43"],
    ]
    assert shown.stdout.splitlines()[-1].startswith("≈ 추정 포함 / partly estimated")
    by_tokens = admin.run("admin", "usage", "--date", DAY, "--sort", "tokens", "--order", "asc")
    assert [r[0] for r in _rows(by_tokens.stdout)[:-1]] == ["이도윤", "최하은", "박서연"]


def test_given_more_users_than_a_page_then_a_note_says_so_and_all_follows_next_token(admin, seeded):
    page = admin.run("admin", "usage", "--date", DAY, "--limit", "2")
    assert page.code == 0, page
    assert [r[0] for r in _rows(page.stdout)[:-1]] == ["박서연", "이도윤"]
    assert _one_line(page.stderr) == "더 있습니다: 모두 보려면 --all / More users: 2 of 3 shown; --all shows every page."

    every = admin.json("admin", "usage", "--date", DAY, "--limit", "1", "--all")  # three pages of one

    assert [u["name"] for u in every["users"]] == ["박서연", "이도윤", "최하은"]
    assert (every["next_token"], every["totals"]["users"], every["totals"]["cost_micro_usd"]) == (None, 3, 2_042_500)
    first = admin.json("admin", "usage", "--date", DAY, "--limit", "1")
    assert len(first["users"]) == 1
    assert first["next_token"]


def test_given_csv_then_the_apis_file_is_written_as_is_with_its_bom_and_one_line(stack, admin, seeded, tmp_path):
    target = tmp_path / "사용량.csv"

    done = admin.run("admin", "usage", "--date", DAY, "--sort", "user", "--csv", str(target))

    assert done.code == 0, done
    size = target.stat().st_size
    assert done.stdout.splitlines() == [f"CSV를 저장했습니다 / Wrote 3 users to {target} ({size} B, UTF-8 with BOM for Excel)"]
    token = sign_in(stack, ADMIN, password=PASSWORD)
    call = urllib.request.Request(f"{stack['ApiUrl']}admin/usage?date={DAY}&sort=user&format=csv", headers={"Authorization": token})
    with urllib.request.urlopen(call, timeout=30) as answer:
        assert target.read_bytes() == answer.read()
    assert target.read_bytes().startswith(b"\xef\xbb\xbfuser,email,name,")
    assert "박서연" in target.read_text(encoding="utf-8-sig")


def test_given_a_date_that_does_not_exist_then_the_apis_400_naming_it_and_exit_1(admin):
    done = admin.run("admin", "usage", "--date", "2024-02-30")
    assert done.code == 1
    line = _one_line(done.stderr)
    assert line.startswith("요청 값이 올바르지 않습니다 / 400 validation_error: ")
    assert "query.date: " in line
    failed = admin.run("--json", "admin", "usage", "--limit", "0")
    error = json.loads(_one_line(failed.stderr))
    assert (failed.code, error["status"], error["error"]["details"][0]["field"]) == (1, 400, "query.limit")


def test_given_a_user_outside_the_admin_group_then_every_admin_command_is_the_apis_403_and_exit_3(user):
    someone = str(uuid.uuid4())
    for command in (
        ["admin", "usage"],
        ["admin", "usage", "--csv", "out.csv"],
        ["admin", "budgets"],
        ["admin", "budgets", "set", "--user", someone, "--unlimited"],
        ["admin", "budgets", "delete", "--group", "users", "--yes"],
    ):
        done = user.run(*command)
        assert done.code == 3, (command, done)
        assert _one_line(done.stderr).startswith(FORBIDDEN), command
    assert not (user.cwd / "out.csv").exists()  # nothing written from a refusal
