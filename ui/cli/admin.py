"""`genai admin usage` (GET /admin/usage) and the `genai admin` group, whose budget commands are in ui/cli/budgets.py.
Every route under /admin is for the `admin` group: anyone else gets the API's 403, one line, exit 3.

`genai admin usage [--period day|month] [--date D] [--sort cost|tokens|user] [--order asc|desc] [--limit N] [--all]`
shows one page of users (`--all`: every page, following `next_token`); `--csv FILE` writes the API's CSV (UTF-8 with
its byte order mark, for Excel) to FILE unchanged and prints one line. `--json`: the API's page as is (with `--all`,
every user in `users` and `next_token` null).
"""

from __future__ import annotations

import argparse
import csv
import io
import urllib.parse
from pathlib import Path
from typing import Any

from ui.cli import budgets
from ui.cli.context import Context, usage
from ui.cli.figures import ESTIMATED, count, micro_dollars, table
from ui.cli.output import size
from ui.client import Client

HEADINGS = [
    "이름 / Name",
    "이메일 / E-mail",
    "비용 / Cost (USD)",
    "토큰 / Tokens",
    "이미지 / Images",
    "요청 / Requests",
    "사용자 / User (sub)",
]
NUMBERS = frozenset({2, 3, 4, 5})
SORTS = {"cost": "비용 / cost", "tokens": "토큰 / tokens", "user": "사용자 / user"}
PERIODS = {"day": "하루 / day", "month": "한 달 / month"}


def add(commands: Any, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser("admin", parents=[common], help="(admin) everyone's usage, and budgets")
    actions = group.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("usage", parents=[common], help="every user's usage for a day or a month")
    listing.add_argument("--period", choices=("day", "month"), help="day (default) or month")
    listing.add_argument("--date", help="YYYY-MM-DD for a day, YYYY-MM for a month (default: the current one)")
    listing.add_argument("--sort", choices=("cost", "tokens", "user"), help="default: cost")
    listing.add_argument("--order", choices=("asc", "desc"), help="default: desc for cost and tokens, asc for user")
    listing.add_argument("--limit", type=int, help="users per page, 1-100 (default 20); with --csv the first N users")
    listing.add_argument("--all", action="store_true", help="every user, page after page")
    listing.add_argument("--csv", type=Path, metavar="FILE", help="write the period as CSV (UTF-8 with BOM, for Excel) to FILE")
    listing.set_defaults(handler=usage_run)
    budgets.add(actions, common)


def _query(args: argparse.Namespace, **more: str) -> str:
    chosen = {"period": args.period, "date": args.date, "sort": args.sort, "order": args.order, "limit": args.limit, **more}
    return urllib.parse.urlencode({k: v for k, v in chosen.items() if v is not None})


def usage_run(ctx: Context) -> int:
    args = ctx.args
    if args.csv is not None:
        return _export(ctx, args.csv)
    client = ctx.client()
    page: dict[str, Any] = client.call("GET", f"admin/usage?{_query(args)}")
    if args.all:
        page = {**page, "users": _every_user(client, args, page), "next_token": None}
    ctx.output.result(page, lines(page))
    if page.get("next_token"):
        total = int((page.get("totals") or {}).get("users") or 0)
        ctx.output.note(f"더 있습니다: 모두 보려면 --all / More users: {len(page['users'])} of {total} shown; --all shows every page.")
    return 0


def _every_user(client: Client, args: argparse.Namespace, first: dict[str, Any]) -> list[Any]:
    users, token = list(first["users"]), first.get("next_token")
    while token:
        page = client.call("GET", f"admin/usage?{_query(args, next_token=token)}")
        users += page["users"]
        token = page.get("next_token")
    return users


def lines(page: dict[str, Any]) -> list[str]:
    order = "내림차순 / desc" if page.get("order") == "desc" else "오름차순 / asc"
    period = PERIODS.get(str(page.get("period")), str(page.get("period")))
    sort = SORTS.get(str(page.get("sort")), str(page.get("sort")))
    head = f"사용자별 사용량 / Usage by user · {period} {page.get('date')} ({page.get('time_zone')}) · {sort}, {order}"
    users, totals = page.get("users") or [], page.get("totals") or {}
    if not users and not totals.get("users"):
        return [head, "이 기간에 사용한 사람이 없습니다 / Nobody used the product in this period."]
    rows = [[str(u.get("name") or "-"), str(u.get("email") or "-"), *_figures(u), str(u.get("user", ""))] for u in users]
    rows.append([f"합계 / Total ({count(totals.get('users'))}명 / users)", "", *_figures(totals), ""])
    shown = [head, *table(HEADINGS, rows, right=NUMBERS)]
    if totals.get("estimated_micro_usd"):
        shown.append(f"{ESTIMATED} 추정 포함 / partly estimated (images, query embeddings, cut-off streams)")
    return shown


def _figures(counters: dict[str, Any]) -> list[str]:
    mark = ESTIMATED if counters.get("estimated_micro_usd") else ""
    cost = f"{mark}{micro_dollars(counters.get('cost_micro_usd'))}"
    return [cost, count(counters.get("total_tokens")), count(counters.get("images")), count(counters.get("requests"))]


def _export(ctx: Context, file: Path) -> int:
    data = ctx.client().download(f"admin/usage?{_query(ctx.args, format='csv')}")  # the whole period: --all changes nothing
    try:
        file.write_bytes(data)
    except OSError as err:
        raise usage(f"파일을 쓸 수 없습니다 / Cannot write {file}: {err.strerror or err}") from None
    users = max(0, len(list(csv.reader(io.StringIO(data.decode("utf-8-sig", "replace"), newline="")))) - 1)  # after the header
    line = f"CSV를 저장했습니다 / Wrote {users} users to {file} ({size(len(data))}, UTF-8 with BOM for Excel)"
    ctx.output.result({"csv": str(file), "users": users, "bytes": len(data)}, [line])
    return 0
