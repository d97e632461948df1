"""GET /usage and the admin usage and budget routes through the real handler, with rows seeded into moto's DynamoDB
as the metering writes them (the contract of issue 14) and the function's clock fixed."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from common.clock import Clock
from common.pagination import encode_token
from common.runtime_config import Budgets
from infra.config import load_config
from tests.events import FakeContext, rest_event
from tests.integration.conftest import FUNCTION_ENVIRONMENT, ROOT
from tests.integration.usage_rows import ADMIN, call, ensure_table, put_rows, row
from usage import handler as usage_handler

TABLE = FUNCTION_ENVIRONMENT["USAGE_TABLE"]
# 15:30 UTC on 24 November is 00:30 on the 25th in Seoul: the user's day is the 25th, not the UTC date.
NOW = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
HAIKU, SONNET = "us.anthropic.claude-haiku-5-5", "us.anthropic.claude-sonnet-5"
CONFIGURED = Budgets.model_validate(
    load_config(json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]).budgets.model_dump()
)


@pytest.fixture(scope="module")
def dynamodb(local_aws: dict[str, str]) -> Any:
    client = ensure_table(TABLE)
    usage_handler._store.cache_clear()  # a new container: its client starts against moto
    yield client
    usage_handler._store.cache_clear()


@pytest.fixture(autouse=True)
def fixed_clock(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The function's clock (its injected dependency) reads NOW; its budgets are cdk.json's (the test environment
    lifts the default budget for every other test: tests/conftest.py)."""
    monkeypatch.setattr(usage_handler, "clock", Clock(at=NOW))
    monkeypatch.setattr(usage_handler, "config", usage_handler.config.model_copy(update={"budgets": CONFIGURED}))


def new_sub() -> str:
    return str(uuid.uuid4())


def admin_call(method: str, path: str, **kwargs: Any) -> tuple[int, Any, dict[str, str]]:
    return call(method, path, sub=kwargs.pop("sub", "a0000000-0000-4000-8000-00000000ad01"), groups=ADMIN, **kwargs)


def put_budget(scope: str, name: str, body: Any) -> tuple[int, Any, dict[str, str]]:
    key = "sub" if scope == "users" else "name"
    return admin_call("PUT", f"/admin/budgets/{scope}/{name}", body=body, path_parameters={key: name})


def delete_budget(scope: str, name: str) -> tuple[int, Any, dict[str, str]]:
    key = "sub" if scope == "users" else "name"
    return admin_call("DELETE", f"/admin/budgets/{scope}/{name}", path_parameters={key: name})


def budget(body: dict[str, Any], name: str) -> dict[str, Any]:
    return next(b for b in body["budgets"] if b["budget"] == name)


# --- GET /usage ---------------------------------------------------------------------------------------------------


def test_given_day_and_month_rows_when_the_user_asks_then_today_and_this_month_by_model_with_budgets_left_and_seoul_resets(dynamodb):
    sub = new_sub()
    put_rows(
        dynamodb,
        TABLE,
        [
            row(sub, "DAY#2026-11-24", cost_micro_usd=9_999_999, input_tokens=99_999),  # the UTC date: yesterday in Seoul
            row(
                sub,
                "DAY#2026-11-25",
                cost_micro_usd=1_234_567,
                committed_micro_usd=1_500_000,
                input_tokens=1000,
                output_tokens=500,
                cache_read_tokens=100,
                requests=3,
                committed_tokens=5600,
                estimated_micro_usd=40_000,
                models={
                    HAIKU: {"cost_micro_usd": 1_000_000, "input_tokens": 800, "output_tokens": 400},
                    SONNET: {"cost_micro_usd": 234_567, "input_tokens": 200, "output_tokens": 100},
                },
            ),
            row(sub, "MONTH#2026-11", cost_micro_usd=5_000_000, committed_micro_usd=5_250_000, input_tokens=40_000, requests=30),
        ],
    )

    status, body, _ = call("GET", "/usage", sub=sub)

    assert status == 200, body
    assert (body["time_zone"], body["now"]) == ("Asia/Seoul", "2026-11-25T00:30:00+09:00")
    day, month = body["day"], body["month"]
    assert (day["period"], day["starts_at"], day["resets_at"]) == ("2026-11-25", "2026-11-25T00:00:00+09:00", "2026-11-26T00:00:00+09:00")
    assert (month["period"], month["resets_at"]) == ("2026-11", "2026-12-01T00:00:00+09:00")
    assert (day["cost_micro_usd"], day["cost_usd"], day["total_tokens"], day["requests"]) == (1_234_567, 1.234567, 1600, 3)
    assert (day["estimated_micro_usd"], month["estimated_micro_usd"]) == (40_000, 0)  # what no service reported
    assert [(m["model_id"], m["cost_micro_usd"], m["input_tokens"]) for m in day["models"]] == [
        (HAIKU, 1_000_000, 800),
        (SONNET, 234_567, 200),
    ]
    assert month["cost_usd"] == 5.0
    # The config's default budget (cdk.json budgets.default); "used" counts reservations of calls still running.
    assert budget(body, "tokens_per_day") == {
        "budget": "tokens_per_day",
        "unit": "tokens",
        "limit": 200_000,
        "used": 5600,
        "remaining": 194_400,
        "resets_at": "2026-11-26T00:00:00+09:00",
    }
    tokens = budget(body, "tokens_per_day")
    assert [type(tokens[k]) for k in ("limit", "used", "remaining")] == [int, int, int]  # counts, as api.md shows them
    assert budget(body, "usd_per_month") == {
        "budget": "usd_per_month",
        "unit": "usd",
        "limit": 20.0,
        "used": 5.25,
        "remaining": 14.75,
        "resets_at": "2026-12-01T00:00:00+09:00",
    }
    assert body["unlimited"] is False


def test_given_a_user_over_a_budget_then_nothing_remains_rather_than_a_negative(dynamodb):
    sub = new_sub()
    put_rows(dynamodb, TABLE, [row(sub, "DAY#2026-11-25", committed_tokens=250_000, input_tokens=250_000)])
    _, body, _ = call("GET", "/usage", sub=sub)
    assert (budget(body, "tokens_per_day")["used"], budget(body, "tokens_per_day")["remaining"]) == (250_000, 0)


def test_given_overrides_when_users_ask_then_user_beats_group_beats_config_and_admins_are_unlimited(dynamodb):
    sub, team = new_sub(), f"team-{uuid.uuid4().hex[:8]}"
    assert put_budget("groups", team, {"tokens_per_day": 500_000})[0] == 200
    _, body, _ = call("GET", "/usage", sub=sub, groups=team)
    assert (budget(body, "tokens_per_day")["limit"], budget(body, "usd_per_month")["limit"]) == (500_000, 20.0)  # usd inherited

    assert put_budget("users", sub, {"usd_per_month": 5.5})[0] == 200
    _, body, _ = call("GET", "/usage", sub=sub, groups=team)
    assert (budget(body, "tokens_per_day")["limit"], budget(body, "usd_per_month")["limit"]) == (500_000, 5.5)
    _, other, _ = call("GET", "/usage", sub=new_sub(), groups=team)
    assert budget(other, "usd_per_month")["limit"] == 20.0  # a user's override is theirs alone

    _, admin, _ = call("GET", "/usage", sub=new_sub(), groups=f"{team},admin")  # the most generous group: admin, unlimited
    assert (admin["unlimited"], admin["budgets"]) == (True, [])

    assert put_budget("users", sub, {"unlimited": True})[0] == 200
    assert call("GET", "/usage", sub=sub, groups=team)[1]["unlimited"] is True
    assert delete_budget("users", sub)[0] == 204
    _, body, _ = call("GET", "/usage", sub=sub, groups=team)
    assert (budget(body, "tokens_per_day")["limit"], budget(body, "usd_per_month")["limit"]) == (500_000, 20.0)
    assert delete_budget("groups", team)[0] == 204


def test_given_two_users_then_each_sees_only_their_own_usage_whatever_the_request_names(dynamodb):
    alice, bob = new_sub(), new_sub()
    put_rows(dynamodb, TABLE, [row(alice, "DAY#2026-11-25", cost_micro_usd=111), row(bob, "DAY#2026-11-25", cost_micro_usd=222_000)])
    for query in (None, {"user": bob}, {"sub": bob}, {"period": "day", "date": "2026-11-25", "user": bob}):
        status, body, _ = call("GET", "/usage", sub=alice, query=query)
        assert (status, body["day"]["cost_micro_usd"]) == (200, 111), query
    assert call("GET", "/usage", sub=bob)[1]["day"]["cost_micro_usd"] == 222_000


def test_given_a_user_outside_the_admin_group_then_every_admin_route_is_403_and_nothing_changes(dynamodb):
    user, target = new_sub(), new_sub()
    attempts = [
        ("GET", "/admin/usage", None, None, None),
        ("GET", "/admin/usage", None, {"format": "csv"}, None),
        ("GET", "/admin/budgets", None, None, None),
        ("PUT", f"/admin/budgets/users/{target}", {"unlimited": True}, None, {"sub": target}),
        ("PUT", f"/admin/budgets/users/{user}", {"unlimited": True}, None, {"sub": user}),  # not even their own
        ("DELETE", f"/admin/budgets/users/{target}", None, None, {"sub": target}),
        ("PUT", "/admin/budgets/groups/users", {"tokens_per_day": 1}, None, {"name": "users"}),
        ("DELETE", "/admin/budgets/groups/admin", None, None, {"name": "admin"}),
    ]
    for method, path, body, query, params in attempts:
        status, answer, _ = call(method, path, sub=user, groups="users,editors", body=body, query=query, path_parameters=params)
        assert (status, answer["error"]["code"]) == (403, "forbidden"), (method, path)
    _, listed, _ = admin_call("GET", "/admin/budgets")
    assert {o["id"] for o in listed["overrides"]} & {user, target, "users"} == set()


# --- GET /admin/usage ---------------------------------------------------------------------------------------------


def seed_period(dynamodb: Any, period_key: str, count: int) -> dict[str, dict[str, int]]:
    """`count` users with costs that tie in groups of three and token totals that differ."""
    users = {f"user-{i:02d}-{uuid.uuid4().hex[:6]}": {"cost": (i % 15) * 1000, "tokens": 10_000 - i * 7} for i in range(count)}
    put_rows(
        dynamodb,
        TABLE,
        [
            row(
                sub,
                period_key,
                cost_micro_usd=n["cost"],
                input_tokens=n["tokens"],
                requests=1,
                models={HAIKU: {"cost_micro_usd": n["cost"], "input_tokens": n["tokens"]}},
            )
            for sub, n in users.items()
        ],
    )
    return users


def pages(query: dict[str, str]) -> list[dict[str, Any]]:
    collected, token = [], None
    while True:
        status, body, _ = admin_call("GET", "/admin/usage", query={**query, **({"next_token": token} if token else {})})
        assert status == 200, body
        collected.append(body)
        token = body["next_token"]
        if token is None:
            return collected


def test_given_45_users_when_admins_page_by_cost_then_20_20_5_costliest_first_without_repeats_and_period_totals(dynamodb):
    users = seed_period(dynamodb, "DAY#2026-10-03", 45)
    put_rows(dynamodb, TABLE, [row(new_sub(), "DAY#2026-10-04", cost_micro_usd=10**9)])  # another day: not listed

    listed = pages({"date": "2026-10-03", "limit": "20"})

    assert [len(p["users"]) for p in listed] == [20, 20, 5]
    order = [u["user"] for p in listed for u in p["users"]]
    assert order == sorted(users, key=lambda s: (users[s]["cost"], s), reverse=True)
    first = listed[0]
    assert (first["period"], first["date"], first["sort"], first["order"], first["time_zone"]) == (
        "day",
        "2026-10-03",
        "cost",
        "desc",
        "Asia/Seoul",
    )
    assert first["totals"]["users"] == 45
    assert first["totals"]["cost_micro_usd"] == sum(n["cost"] for n in users.values())
    assert first["totals"]["models"][0]["model_id"] == HAIKU
    assert first["users"][0]["models"][0]["cost_micro_usd"] == first["users"][0]["cost_micro_usd"]
    assert (first["users"][0]["email"], first["users"][0]["name"]) == (None, None)  # no user pool configured here


def test_given_other_sorts_then_tokens_ascending_and_users_alphabetically_in_one_page(dynamodb):
    users = seed_period(dynamodb, "MONTH#2025-07", 12)
    by_tokens = pages({"period": "month", "date": "2025-07", "sort": "tokens", "order": "asc", "limit": "5"})
    assert [u["user"] for p in by_tokens for u in p["users"]] == sorted(users, key=lambda s: users[s]["tokens"])
    (by_user,) = pages({"period": "month", "date": "2025-07", "sort": "user", "limit": "100"})
    assert [u["user"] for u in by_user["users"]] == sorted(users)
    assert by_user["order"] == "asc"


def test_given_forged_or_foreign_next_tokens_then_400_naming_next_token(dynamodb):
    seed_period(dynamodb, "DAY#2026-10-05", 6)
    _, first, _ = admin_call("GET", "/admin/usage", query={"date": "2026-10-05", "limit": "2"})
    token = first["next_token"]
    assert admin_call("GET", "/admin/usage", query={"date": "2026-10-05", "limit": "2", "next_token": token})[0] == 200
    not_a_number = {"period": "DAY#2026-10-05", "sort": "cost", "order": "desc", "after": "12abc", "user": "x"}
    forged = [
        {"date": "2026-10-05", "next_token": "garbage!"},
        {"date": "2026-10-05", "next_token": encode_token({})},
        {"date": "2026-10-06", "next_token": token},  # another day's listing
        {"date": "2026-10-05", "sort": "tokens", "next_token": token},  # another sort
        {"date": "2026-10-05", "order": "asc", "next_token": token},  # another order
        {"date": "2026-10-05", "next_token": encode_token(not_a_number)},  # the right shape, a position that is not a cost
    ]
    for query in forged:
        status, body, _ = admin_call("GET", "/admin/usage", query=query)
        assert (status, body["error"]["details"][0]["field"]) == (400, "next_token"), query


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"period": "week"}, "period"),
        ({"date": "2026-13-01"}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"period": "day", "date": "2026-11"}, "date"),
        ({"period": "month", "date": "2026-11-01"}, "date"),
        ({"date": "24/11/2026"}, "date"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"sort": "cost; DROP"}, "sort"),
        ({"format": "xlsx"}, "format"),
        ({"format": "csv", "next_token": "abc"}, "next_token"),
    ],
)
def test_given_bad_listing_parameters_then_400_naming_the_parameter(dynamodb, query, field):
    status, body, _ = admin_call("GET", "/admin/usage", query=query)
    assert status == 400, body
    assert field in [d["field"].split(".")[-1] for d in body["error"]["details"]], body


def test_given_csv_export_then_a_bom_a_header_row_and_every_user_in_the_sort_order(dynamodb):
    users = seed_period(dynamodb, "DAY#2026-10-07", 25)

    status, text, headers = admin_call("GET", "/admin/usage", query={"date": "2026-10-07", "format": "csv"})

    assert status == 200
    assert headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert headers["Content-Disposition"] == 'attachment; filename="usage-day-2026-10-07.csv"'
    assert text.startswith("\ufeff")
    records = list(csv.DictReader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"))))
    assert len(records) == 25  # the whole period, not a page of 20
    assert [r["user"] for r in records] == sorted(users, key=lambda s: (users[s]["cost"], s), reverse=True)
    top = records[0]
    assert (top["period"], int(top["cost_micro_usd"]), top["cost_usd"]) == (
        "2026-10-07",
        users[top["user"]]["cost"],
        f"{users[top['user']]['cost'] / 1e6:.6f}",
    )
    _, first_ten, _ = admin_call("GET", "/admin/usage", query={"date": "2026-10-07", "format": "csv", "limit": "10"})
    assert len(list(csv.DictReader(io.StringIO(first_ten.lstrip("\ufeff"))))) == 10


# --- budgets --------------------------------------------------------------------------------------------------------


def test_given_budget_puts_and_deletes_then_admin_budgets_round_trips_them(dynamodb):
    sub, team = new_sub(), f"팀-{uuid.uuid4().hex[:6]}"
    status, stored, _ = put_budget("users", sub.upper(), {"tokens_per_day": 1000, "usd_per_month": 2.5})
    assert status == 200
    assert {k: stored[k] for k in ("scope", "id", "tokens_per_day", "usd_per_month", "unlimited")} == {
        "scope": "user",
        "id": sub,
        "tokens_per_day": 1000,
        "usd_per_month": 2.5,
        "unlimited": False,
    }
    assert stored["updated_by"] == "a0000000-0000-4000-8000-00000000ad01"
    assert put_budget("groups", team, {"unlimited": True})[0] == 200

    _, view, _ = admin_call("GET", "/admin/budgets")
    overrides = {(o["scope"], o["id"]): o for o in view["overrides"]}
    assert overrides[("user", sub)]["usd_per_month"] == 2.5
    assert overrides[("group", team)]["unlimited"] is True
    assert (view["time_zone"], view["default"], view["groups"]["admin"]["unlimited"], view["daily_ceiling"]) == (
        "Asia/Seoul",
        {"tokens_per_day": 200_000, "usd_per_month": 20.0, "unlimited": False},
        True,
        None,
    )

    assert put_budget("users", sub, {"usd_per_month": 3})[0] == 200  # replaces: tokens_per_day is inherited again
    _, view, _ = admin_call("GET", "/admin/budgets")
    assert {k: v for k, v in overrides_of(view)[("user", sub)].items() if k in ("tokens_per_day", "usd_per_month")} == {
        "tokens_per_day": None,
        "usd_per_month": 3.0,
    }

    assert delete_budget("users", sub)[0] == 204
    assert delete_budget("groups", team)[0] == 204
    status, body, _ = delete_budget("users", sub)
    assert (status, body["error"]["code"]) == (404, "not_found")
    assert {("user", sub), ("group", team)} & set(overrides_of(admin_call("GET", "/admin/budgets")[1])) == set()


def overrides_of(view: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(o["scope"], o["id"]): o for o in view["overrides"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tokens_per_day": -1}, "tokens_per_day"),
        ({"tokens_per_day": 10**12}, "tokens_per_day"),
        ({"tokens_per_day": 1.5}, "tokens_per_day"),
        ({"tokens_per_day": "1000"}, "tokens_per_day"),
        ({"tokens_per_day": True}, "tokens_per_day"),
        ({"usd_per_month": -0.01}, "usd_per_month"),
        ({"usd_per_month": "20"}, "usd_per_month"),
        ({"usd_per_month": 1e7}, "usd_per_month"),
        ({"usd_per_month": 0.0000001}, "usd_per_month"),
        ({"usd_per_month": [20]}, "usd_per_month"),
        ({"unlimited": "yes"}, "unlimited"),
        ({"unlimited": True, "tokens_per_day": 5}, "body"),
        ({}, "body"),
        ({"tokens_per_day": None, "usd_per_month": None}, "body"),
        ({"tokens": 5}, "tokens"),
    ],
)
def test_given_a_bad_budget_body_then_400_naming_the_field(dynamodb, body, field):
    for scope, name in (("users", new_sub()), ("groups", "users")):
        status, answer, _ = put_budget(scope, name, body)
        assert status == 400, answer
        fields = [d["field"] for d in answer["error"]["details"]]
        assert field in fields, fields


def test_given_non_finite_or_bad_path_values_then_400(dynamodb):
    sub = new_sub()
    event_body = '{"usd_per_month": NaN}'  # Python's json module reads NaN and Infinity; JSON has neither
    status, answer, _ = call_raw("PUT", f"/admin/budgets/users/{sub}", event_body, {"sub": sub})
    assert (status, [d["field"] for d in answer["error"]["details"]]) == (400, ["usd_per_month"])
    status, answer, _ = call_raw("PUT", f"/admin/budgets/users/{sub}", '{"usd_per_month": Infinity}', {"sub": sub})
    assert status == 400
    for scope, name, field in [("users", "someone@example.com", "path.sub"), ("groups", "two words", "path.name")]:  # not a sub; a space
        status, answer, _ = put_budget(scope, name, {"unlimited": True})
        assert (status, [d["field"] for d in answer["error"]["details"]]) == (400, [field])
    assert put_budget("groups", "two%20words", {"unlimited": True})[0] == 400  # REST path parameters arrive percent-encoded
    status, stored, _ = put_budget("groups", "%ED%8C%80", {"unlimited": True})  # 팀
    assert (status, stored["id"]) == (200, "팀")
    assert delete_budget("groups", "%ED%8C%80")[0] == 204


def call_raw(method: str, path: str, body_text: str, params: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
    event = rest_event(method, path, sub="a0000000-0000-4000-8000-00000000ad01", groups=ADMIN)
    event["body"], event["pathParameters"] = body_text, params
    response = usage_handler.handler(event, FakeContext("usage"))
    return response["statusCode"], json.loads(response["body"]), {}


def test_given_a_daily_ceiling_then_admin_budgets_shows_todays_spend_against_it(dynamodb, monkeypatch):
    budgets = usage_handler.config.budgets.model_copy(update={"daily_ceiling_usd": 50.0})
    monkeypatch.setattr(usage_handler, "config", usage_handler.config.model_copy(update={"budgets": budgets}))
    put_rows(
        dynamodb,
        TABLE,
        [
            {
                "pk": {"S": "ACCOUNT"},
                "sk": {"S": "DAY#2026-11-25"},
                "committed_micro_usd": {"N": "12500000"},
                "cost_micro_usd": {"N": "12000000"},
            }
        ],
    )
    _, view, _ = admin_call("GET", "/admin/budgets")
    assert view["daily_ceiling"] == {
        "budget": "daily_ceiling_usd",
        "unit": "usd",
        "limit": 50.0,
        "used": 12.5,
        "remaining": 37.5,
        "resets_at": "2026-11-26T00:00:00+09:00",
    }
