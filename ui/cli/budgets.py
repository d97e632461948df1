"""`genai admin budgets [list]`, `genai admin budgets set --user SUB | --group NAME [limits]`, `genai admin budgets
delete --user SUB | --group NAME [--yes]` (GET /admin/budgets, PUT and DELETE /admin/budgets/users/{sub} and
/admin/budgets/groups/{name}).

`set` sends what it is given and lets the API judge it: a number as a JSON number, `none` as null (inherited from
the group, then the configuration), anything else as text; so a negative, fractional, non-numeric or absurd value
is the API's 400 naming the field (exit 1). A PUT replaces the whole override: name every limit to keep.
"""

from __future__ import annotations

import argparse
import math
import urllib.parse
from typing import Any

from ui.cli.context import Context, confirm
from ui.cli.figures import count, dollars, table, zone_time
from ui.cli.output import local_time

HEADINGS = ["출처 / Source", "대상 / For", "하루 토큰 / Tokens a day", "한 달 / USD a month", "바꾼 때 / Updated"]
UNLIMITED, INHERITED, NONE = "무제한 / unlimited", "상속 / inherited", "없음 / none"
SCOPES = {"user": "사용자 / user", "group": "그룹 / group"}


def add(actions: Any, common: argparse.ArgumentParser) -> None:
    group = actions.add_parser("budgets", parents=[common], help="budgets in force and overrides: list (default), set, delete")
    group.set_defaults(handler=list_run)
    budgets = group.add_subparsers(dest="budget_action")
    budgets.add_parser("list", parents=[common], help="the configuration's budgets, the daily ceiling and every override").set_defaults(
        handler=list_run
    )
    put = budgets.add_parser("set", parents=[common], help="set (replace) one user's or one group's budget override")
    _target(put)
    put.add_argument("--tokens-per-day", metavar="N|none", help="tokens a day (input, output, cache); none: inherited")
    put.add_argument("--usd-per-month", metavar="X|none", help="US dollars a month; none: inherited")
    put.add_argument("--unlimited", action=argparse.BooleanOptionalAction, help="no limit at all (leave the limits out)")
    put.set_defaults(handler=set_run)
    delete = budgets.add_parser("delete", parents=[common], help="delete an override (asks first): the group's or configured budgets apply")
    _target(delete)
    delete.add_argument("--yes", action="store_true", help="do not ask")
    delete.set_defaults(handler=delete_run)


def _target(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--user", metavar="SUB", help="a user's Cognito sub (`genai admin usage` lists them)")
    who.add_argument("--group", metavar="NAME", help="a Cognito group's name")


def _scope(args: argparse.Namespace) -> tuple[str, str, str]:
    """("user" or "group", the id, the route's path) for --user SUB or --group NAME."""
    scope, name = ("user", args.user) if args.user is not None else ("group", args.group)
    return scope, name, f"admin/budgets/{scope}s/{urllib.parse.quote(name, safe='')}"


def limit_value(text: str) -> Any:
    """`none` → null; `5000` → 5000; `12.5` → 12.5; anything else (`abc`, `inf`) → the text: the API's 400 names the field."""
    if text.strip().lower() in ("none", "null"):
        return None
    for kind in (int, float):
        try:
            number = kind(text)
        except ValueError:
            continue
        return number if math.isfinite(number) else text  # `inf`, `nan`, `1e400`: JSON has no such number
    return text


def set_run(ctx: Context) -> int:
    args = ctx.args
    scope, name, path = _scope(args)
    body: dict[str, Any] = {}
    if args.tokens_per_day is not None:
        body["tokens_per_day"] = limit_value(args.tokens_per_day)
    if args.usd_per_month is not None:
        body["usd_per_month"] = limit_value(args.usd_per_month)
    if args.unlimited is not None:
        body["unlimited"] = args.unlimited
    stored: dict[str, Any] = ctx.client().call("PUT", path, body)
    line = (
        f"예산을 정했습니다 / Budget set for {SCOPES[scope]} {name}: {_limits(stored, INHERITED)} (1분 안에 적용 / applies within a minute)"
    )
    ctx.output.result(stored, [line])
    return 0


def delete_run(ctx: Context) -> int:
    scope, name, path = _scope(ctx.args)
    client = ctx.client()
    if not confirm(f"{SCOPES[scope]} {name}의 예산 재정의를 지울까요? / Delete the budget override of {scope} {name}?", ctx.args.yes):
        ctx.output.result({"deleted": None}, ["지우지 않았습니다 / Nothing deleted."])
        return 0
    client.call("DELETE", path)
    line = (
        f"지웠습니다 / Deleted the budget override of {scope} {name}: the group's and the configured budgets apply again within a minute."
    )
    ctx.output.result({"deleted": {"scope": scope, "id": name}}, [line])
    return 0


def list_run(ctx: Context) -> int:
    found: dict[str, Any] = ctx.client().call("GET", "admin/budgets")
    ctx.output.result(found, lines(found))
    return 0


def _limits(limits: dict[str, Any], absent: str) -> str:
    tokens, usd = _cells(limits, absent)
    return f"하루 토큰 / tokens a day {tokens}, 한 달 / USD a month {usd}"


def _cells(limits: dict[str, Any], absent: str) -> list[str]:
    if limits.get("unlimited"):
        return [UNLIMITED, UNLIMITED]
    tokens, usd = limits.get("tokens_per_day"), limits.get("usd_per_month")
    return [absent if tokens is None else count(tokens), absent if usd is None else dollars(usd)]


def lines(found: dict[str, Any]) -> list[str]:
    config = "설정 / config"
    rows = [[config, "기본 / default", *_cells(found.get("default") or {}, NONE), ""]]
    rows += [[config, f"{SCOPES['group']} {name}", *_cells(limits, INHERITED), ""] for name, limits in (found.get("groups") or {}).items()]
    rows += [
        [
            "재정의 / override",
            f"{SCOPES.get(o.get('scope', ''), o.get('scope'))} {o.get('id')}",
            *_cells(o, INHERITED),
            local_time(o.get("updated_at")),
        ]
        for o in found.get("overrides") or []
    ]
    shown = [f"예산 / Budgets ({found.get('time_zone')})", *table(HEADINGS, rows, right=frozenset({2, 3}))]
    ceiling = found.get("daily_ceiling")
    if ceiling:
        used, left, resets = dollars(ceiling.get("used")), dollars(ceiling.get("remaining")), zone_time(ceiling.get("resets_at"))
        spent = f"{dollars(ceiling.get('limit'))}: 사용 / used {used}, 남음 / left {left}, 초기화 / resets {resets}"
        shown.append(f"배포 전체 하루 한도 / Deployment's daily ceiling {spent}")
    else:
        shown.append(f"배포 전체 하루 한도 / Deployment's daily ceiling: {NONE}")
    return shown
