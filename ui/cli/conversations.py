"""`genai conversations [list] [--search Q]`, `genai conversations show ID`, `genai conversations rename ID TITLE`,
`genai conversations delete ID [--yes]` (GET /conversations[?q=], GET /conversations/{id} page by page,
PATCH /conversations/{id}, DELETE /conversations/{id})."""

from __future__ import annotations

import argparse
import urllib.parse
from typing import Any

from ui.cli.context import Context, confirm
from ui.cli.exits import OK, guardrail_block
from ui.cli.output import columns, local_time
from ui.client import Client

BLOCKED_MARK = "가드레일 차단 / blocked"
INTERRUPTED_MARK = "중단됨 / interrupted"


def add(commands: Any, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser("conversations", parents=[common], help="your conversations: list (default), show, rename, delete")
    group.set_defaults(handler=list_run, limit=20, all=False, search=None)
    actions = group.add_subparsers(dest="action")
    listing = actions.add_parser("list", parents=[common], help="the most recently updated first")
    listing.add_argument("--limit", type=int, default=20, help="how many (1-100, default 20)")
    listing.add_argument("--all", action="store_true", help="every conversation, page after page")
    listing.add_argument("--search", metavar="Q", help="only titles containing Q (case-insensitive)")
    listing.set_defaults(handler=list_run)
    show = actions.add_parser("show", parents=[common], help="one conversation's messages, oldest first")
    show.add_argument("id")
    show.set_defaults(handler=show_run)
    rename = actions.add_parser("rename", parents=[common], help="give a conversation a new title")
    rename.add_argument("id")
    rename.add_argument("title")
    rename.set_defaults(handler=rename_run)
    delete = actions.add_parser("delete", parents=[common], help="delete one conversation (asks first)")
    delete.add_argument("id")
    delete.add_argument("--yes", action="store_true", help="do not ask")
    delete.set_defaults(handler=delete_run)


def _path(conversation_id: str) -> str:
    return f"conversations/{urllib.parse.quote(conversation_id, safe='')}"


def list_run(ctx: Context) -> int:
    client = ctx.client()
    args = ctx.args
    search = {"q": args.search} if args.search and args.search.strip() else {}
    if args.all:
        found = client.all_pages("conversations", "conversations", query=search)
    elif search:
        # A searched page can hold fewer matches than asked (docs/api.md): follow next_token until `limit` are found.
        found, token = [], None
        while len(found) < args.limit:
            query = urllib.parse.urlencode({"limit": args.limit - len(found), **search, **({"next_token": token} if token else {})})
            page = client.call("GET", f"conversations?{query}")
            found += page["conversations"]
            token = page.get("next_token")
            if not token:
                break
    else:
        found = client.call("GET", f"conversations?limit={args.limit}")["conversations"]
    rows = [[c["conversation_id"], local_time(c.get("updated_at")), f"{c.get('turns', 0)} turns", str(c.get("title", ""))] for c in found]
    empty = f'"{args.search}" 제목의 대화가 없습니다 / No conversation titles contain "{args.search}".' if search else ""
    ctx.output.result({"conversations": found}, columns(rows) or [empty or "대화가 없습니다 / No conversations yet."])
    return 0


def rename_run(ctx: Context) -> int:
    answer = ctx.client().call("PATCH", _path(ctx.args.id), {"title": ctx.args.title})
    title = answer["conversation"]["title"]
    blocked = guardrail_block(answer.get("guardrail"))
    if blocked:
        ctx.output.result(answer, [])
        ctx.output.failure(blocked)
        return blocked.code
    lines = [f'제목을 바꿨습니다 / Renamed: "{title}" ({ctx.args.id})']
    if (answer.get("guardrail") or {}).get("action") == "ANONYMIZED":
        lines.append("개인 정보는 가려서 저장했습니다 / Personal information in the title was masked.")
    ctx.output.result(answer, lines)
    return OK


def _whole(client: Client, conversation_id: str) -> dict[str, Any]:
    """The conversation and every message, following next_token."""
    answer: dict[str, Any] = client.call("GET", f"{_path(conversation_id)}?limit=200")
    messages = list(answer["messages"])
    while answer.get("next_token"):
        query = urllib.parse.urlencode({"limit": 200, "next_token": answer["next_token"]})
        answer = client.call("GET", f"{_path(conversation_id)}?{query}")
        messages += answer["messages"]
    return {"conversation": answer["conversation"], "messages": messages}


def show_run(ctx: Context) -> int:
    whole = _whole(ctx.client(), ctx.args.id)
    summary = whole["conversation"]
    lines = [
        f"{summary.get('title', '')}  ·  {summary.get('model_id', '')}  ·  {summary.get('turns', 0)} turns  ·  "
        f"{local_time(summary.get('created_at'))}"
    ]
    for message in whole["messages"]:
        marks = [mark for flag, mark in (("blocked", BLOCKED_MARK), ("interrupted", INTERRUPTED_MARK)) if message.get(flag)]
        label = "나 / you" if message.get("role") == "user" else "답변 / assistant"
        lines += [
            "",
            f"[{local_time(message.get('created_at'))}] {label}{' (' + ', '.join(marks) + ')' if marks else ''}",
            str(message.get("content", "")),
        ]
    ctx.output.result(whole, lines)
    return 0


def delete_run(ctx: Context) -> int:
    client = ctx.client()
    summary = client.call("GET", f"{_path(ctx.args.id)}?limit=1")["conversation"]  # 404 before asking about nothing
    title = summary.get("title", "")
    if not confirm(f'대화 "{title}"을(를) 지울까요? / Delete the conversation "{title}"?', ctx.args.yes):
        ctx.output.result({"deleted": None}, ["지우지 않았습니다 / Nothing deleted."])
        return 0
    client.call("DELETE", _path(ctx.args.id))
    ctx.output.result({"deleted": ctx.args.id}, [f'지웠습니다 / Deleted the conversation "{title}" ({ctx.args.id}).'])
    return 0
