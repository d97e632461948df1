"""The usage routes through `make dev`'s stack: the local gateway, the Cognito pool naming users, a browser's preflight."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.request
import uuid
from typing import Any

import boto3

from tests.integration.live import Stack, cognito, create_user, request, sign_in
from tests.integration.usage_rows import put_rows, row, sub_of

PASSWORD = "Usage-Test-Pass-1!"


def get_raw(stack: Stack, path: str, token: str) -> tuple[int, bytes, dict[str, str]]:
    call = urllib.request.Request(stack["ApiUrl"] + path, headers={"Authorization": token})
    try:
        with urllib.request.urlopen(call, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


def named_user(stack: Stack, name: str) -> str:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    attributes = [{"Name": "email", "Value": email}, {"Name": "name", "Value": name}]
    user = cognito(stack).admin_create_user(
        UserPoolId=stack["UserPoolId"], Username=email, UserAttributes=attributes, MessageAction="SUPPRESS"
    )["User"]
    return next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")


def seed(stack: Stack, items: list[dict[str, Any]]) -> None:
    dynamodb = boto3.client("dynamodb", endpoint_url=stack["CognitoEndpoint"], region_name=stack["Region"])  # the stack's moto
    put_rows(dynamodb, stack["UsageTableName"], items)


def test_given_users_with_korean_names_when_an_admin_exports_csv_then_excel_ready_utf8_with_the_names_intact(stack):
    park, lee = named_user(stack, "박서연"), named_user(stack, "이도윤, 팀장")  # a comma inside a name: quoted, not split
    seed(stack, [row(park, "DAY#2025-12-31", cost_micro_usd=2_000_000, input_tokens=10), row(lee, "DAY#2025-12-31", cost_micro_usd=500)])
    admin = sign_in(stack, "admin@example.com")

    status, body, headers = get_raw(stack, "admin/usage?date=2025-12-31&format=csv", admin)

    assert status == 200, body
    assert headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert body.startswith(b"\xef\xbb\xbf")
    records = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [(r["user"], r["name"], r["cost_usd"]) for r in records] == [(park, "박서연", "2.000000"), (lee, "이도윤, 팀장", "0.000500")]
    assert all(r["email"].endswith("@example.com") for r in records)
    status, listing, _ = request(stack, "GET", "admin/usage?date=2025-12-31&sort=user", admin)
    assert {u["name"] for u in listing["users"]} == {"박서연", "이도윤, 팀장"}


def test_given_the_demo_user_then_their_own_usage_answers_and_every_admin_route_is_403(stack):
    user = sign_in(stack, "user@example.com")
    status, mine, _ = request(stack, "GET", "usage", user)
    assert (status, mine["time_zone"]) == (200, "Asia/Seoul")
    someone = str(uuid.uuid4())
    for method, path, body in [
        ("GET", "admin/usage", None),
        ("GET", "admin/budgets", None),
        ("PUT", f"admin/budgets/users/{someone}", {"unlimited": True}),
        ("DELETE", f"admin/budgets/users/{someone}", None),
        ("PUT", "admin/budgets/groups/admin", {"tokens_per_day": 1}),
        ("DELETE", "admin/budgets/groups/admin", None),
    ]:
        status, answer, _ = request(stack, method, path, user, body)
        assert (status, answer["error"]["code"]) == (403, "forbidden"), (method, path)


def test_given_a_browser_preflight_for_a_budget_then_put_is_allowed(stack):
    call = urllib.request.Request(
        stack["ApiUrl"] + "admin/budgets/groups/users",
        method="OPTIONS",
        headers={"Origin": "http://localhost:8501", "Access-Control-Request-Method": "PUT"},
    )
    with urllib.request.urlopen(call, timeout=10) as response:
        assert "PUT" in response.headers["Access-Control-Allow-Methods"].split(",")


def test_given_an_admin_then_a_budget_round_trips_through_the_gateway(stack):
    admin, team = sign_in(stack, "admin@example.com"), f"게이트웨이-{uuid.uuid4().hex[:6]}"
    status, stored, _ = request(stack, "PUT", f"admin/budgets/groups/{urllib.parse.quote(team)}", admin, {"usd_per_month": 12.5})
    assert (status, stored["id"], stored["usd_per_month"]) == (200, team, 12.5)
    listed = request(stack, "GET", "admin/budgets", admin)[1]
    assert any(o["id"] == team for o in listed["overrides"])
    assert request(stack, "DELETE", f"admin/budgets/groups/{urllib.parse.quote(team)}", admin)[0] == 204
    assert json.dumps(request(stack, "GET", "admin/budgets", admin)[1]).count(team) == 0


def test_given_an_admins_budget_then_the_chat_function_enforces_it_and_get_usage_reads_what_it_metered(stack):
    """The two sides of the usage table through the gateway: the usage function writes the override the chat function
    enforces, and reads back the rows the chat function's metering wrote."""
    admin = sign_in(stack, "admin@example.com")
    capped, token = (create_user(stack, f"{uuid.uuid4().hex[:10]}@example.com", PASSWORD) for _ in range(2))
    capped_sub, free_sub = sub_of(capped), sub_of(token)
    assert request(stack, "PUT", f"admin/budgets/users/{capped_sub}", admin, {"tokens_per_day": 10})[0] == 200

    status, refused, headers = request(stack, "POST", "chat", capped, {"message": "안녕하세요"})
    assert (status, refused["error"]["code"], refused["error"]["details"]["limit"]) == (429, "budget_exceeded", 10)
    assert 0 < int(headers["Retry-After"]) <= 86_400

    status, answer, _ = request(stack, "POST", "chat", token, {"message": "안녕하세요"})
    assert status == 200, answer
    status, mine, _ = request(stack, "GET", "usage", token)
    assert status == 200
    assert mine["day"]["requests"] == mine["month"]["requests"] == 1
    tokens = answer["usage"]["input_tokens"] + answer["usage"]["output_tokens"]
    assert mine["day"]["input_tokens"] + mine["day"]["output_tokens"] == tokens
    assert mine["day"]["cost_micro_usd"] > 0
    assert {m["model_id"] for m in mine["day"]["models"]} == {answer["model_id"], "guardrail"}  # the model and its guardrail checks
    day_budget = next(b for b in mine["budgets"] if b["budget"] == "tokens_per_day")
    assert (day_budget["limit"], day_budget["used"]) == (200_000, tokens)  # cdk.json's default; settled, nothing held
    status, listing, _ = request(stack, "GET", "admin/usage?sort=user&limit=100", admin)  # one page: subs are random, the stack shared
    assert free_sub in {u["user"] for u in listing["users"]}
    assert capped_sub not in {u["user"] for u in listing["users"]}  # refused: nothing was reserved for them
