"""`genai chat` and `genai rag`: the message or question as an argument, from `--file FILE`, or from stdin (`-`, or
nothing with a pipe). They stream by default (ui/cli/stream.py); `--no-stream` prints the buffered route's JSON."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ui import document_notes, streamed
from ui.attachments import content_type
from ui.cli.context import Context, text_input, usage
from ui.cli.exits import BROKEN_PIPE, OK, guardrail_block
from ui.cli.stream import stream_answer


def add(commands: Any, debug: argparse.ArgumentParser) -> None:
    chat = commands.add_parser("chat", parents=[debug], help="send a chat message (argument, --file or stdin)")
    chat.add_argument("message", nargs="?", help="the message; `-` or left out with a pipe: stdin")
    chat.add_argument("--conversation")
    chat.add_argument("--model")
    chat.add_argument("--temperature", type=float)
    chat.add_argument("--max-tokens", type=int)
    chat.add_argument("--thinking", action=argparse.BooleanOptionalAction, help="think before answering (models with reasoning)")
    chat.add_argument("--effort", choices=("low", "medium", "high", "xhigh", "max"), help="the model's levels: GET /models reasoning")
    chat.add_argument(
        "--attach", type=Path, action="append", default=[], metavar="PATH", help="attach an image or document (repeatable; png, jpeg, pdf…)"
    )
    chat.set_defaults(handler=chat_run)
    rag = commands.add_parser("rag", parents=[debug], help="ask the knowledge base (argument, --file or stdin)")
    rag.add_argument("question", nargs="?", help="the question; `-` or left out with a pipe: stdin")
    rag.add_argument("--results", type=int, default=5)
    rag.set_defaults(handler=rag_run)
    for streaming in (chat, rag):
        streaming.add_argument("--file", type=Path, help="read the text to send from FILE (UTF-8)")
        how = streaming.add_mutually_exclusive_group()
        how.add_argument("--no-stream", dest="stream", action="store_false", help="wait for the whole answer and print it as JSON")
        how.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="stream, printing each event as one JSON line")


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def chat_run(ctx: Context) -> int:
    args = ctx.args
    message = text_input(args.message, args.file, "message")
    params = _compact({"temperature": args.temperature, "max_tokens": args.max_tokens, "thinking": args.thinking, "effort": args.effort})
    body = _compact({"message": message, "conversation_id": args.conversation, "model_id": args.model, "params": params or None})
    if args.attach:
        body["attachments"] = [_attach(ctx, path) for path in args.attach]
    return _ask(ctx, "chat", body)


def _attach(ctx: Context, path: Path) -> dict[str, str]:
    """Upload one file (POST /chat/attachments, then the presigned POST); the API checks its type, size and content."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise usage(f"파일을 읽을 수 없습니다 / Cannot read {path}: {err.strerror or err}") from None
    offer = ctx.client().attach(path.name, data, content_type(path.name))
    return {"key": str(offer["key"]), "name": path.name}


def rag_run(ctx: Context) -> int:
    question = text_input(ctx.args.question, ctx.args.file, "question")
    return _ask(ctx, "rag/query", {"question": question, "number_of_results": ctx.args.results})


def _ask(ctx: Context, route: str, body: dict[str, Any]) -> int:
    client = ctx.client()
    if ctx.args.stream:
        code = stream_answer(client, f"{route}/stream", body, sys.stdout, sys.stderr, as_json=ctx.output.as_json)
        if code == BROKEN_PIPE:  # nothing more can reach the reader: no error at exit about flushing stdout
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return code
    answer = client.call("POST", route, body)
    ctx.output.result(answer)
    if route == "chat":  # attached documents the guardrail withheld, flagged or could not check
        lines = document_notes.cli_lines(answer)
    else:  # RAG's passages
        lines = streamed.withheld_lines(answer.get("withheld") or [], answer.get("flagged") or [])
    for line in lines:
        print(line, file=sys.stderr)
    blocked = guardrail_block(answer.get("guardrail"))
    if blocked:
        ctx.output.failure(blocked)
        return blocked.code
    return OK
