"""`genai`: the API from a terminal, for scripts. Reads .local/outputs.json (or --outputs).

genai login --username admin@example.com --password ...      (stores the ID token in .local/token)
genai chat "안녕하세요" [--conversation ID] [--model ID] [--temperature 0.2] [--thinking | --no-thinking] [--effort low]
genai rag "재택 근무는 며칠?" [--results 5]
    (both stream: the words as they arrive, notes and a summary on stderr; --json: one JSON line per event;
     --no-stream: the whole answer as JSON, as POST /chat and POST /rag/query return it)
genai images "a lighthouse at dawn" [--ratio 16:9] [--seed 7]
genai documents list | upload FILE [--type text/plain] | delete NAME | sync
genai --outputs deployed-outputs.json smoke [--username U --password P]   (every route once: `make smoke`)
genai doctor [--profile dev] [--region R] [--config FILE] [--stack NAME]   (read-only preflight checks, as `make doctor`)
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ui.cli_stream import BROKEN_PIPE_EXIT, stream_answer
from ui.client import DEFAULT_OUTPUTS, ApiError, Client, Outputs, sign_in

TOKEN_FILE = Path(".local") / "token"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="genai", description="Call the Bedrock GenAI Stack API.")
    parser.add_argument("--outputs", type=Path, default=DEFAULT_OUTPUTS, help="stack outputs JSON (default .local/outputs.json)")
    parser.add_argument("--token-file", type=Path, default=TOKEN_FILE)
    commands = parser.add_subparsers(dest="command", required=True)
    login = commands.add_parser("login", help="sign in and keep the ID token")
    login.add_argument("--username", required=True)
    login.add_argument("--password", required=True)
    chat = commands.add_parser("chat", help="send a chat message")
    chat.add_argument("message")
    chat.add_argument("--conversation")
    chat.add_argument("--model")
    chat.add_argument("--temperature", type=float)
    chat.add_argument("--max-tokens", type=int)
    chat.add_argument("--thinking", action=argparse.BooleanOptionalAction, help="think before answering (models with reasoning)")
    chat.add_argument("--effort", choices=("low", "medium", "high", "xhigh", "max"), help="the model's levels: GET /models reasoning")
    rag = commands.add_parser("rag", help="ask the knowledge base")
    rag.add_argument("question")
    rag.add_argument("--results", type=int, default=5)
    for streaming in (chat, rag):
        how = streaming.add_mutually_exclusive_group()
        how.add_argument("--no-stream", dest="stream", action="store_false", help="wait for the whole answer and print it as JSON")
        how.add_argument("--json", action="store_true", help="stream, printing each event as one JSON line")
    images = commands.add_parser("images", help="generate an image")
    images.add_argument("prompt")
    images.add_argument("--ratio")
    images.add_argument("--seed", type=int)
    images.add_argument("--model")
    documents = commands.add_parser("documents", help="manage knowledge-base documents (admin)")
    actions = documents.add_subparsers(dest="action", required=True)
    actions.add_parser("list")
    upload = actions.add_parser("upload")
    upload.add_argument("file", type=Path)
    upload.add_argument("--type", dest="content_type")
    delete = actions.add_parser("delete")
    delete.add_argument("name")
    actions.add_parser("sync")
    smoke = commands.add_parser("smoke", help="after a deploy: call every route once, print each step, clean up (exit 1 on any failure)")
    smoke.add_argument("--username", help="an existing user in the admin group (default: create a test user, delete it at the end)")
    smoke.add_argument("--password")
    smoke.add_argument("--index-timeout", type=float, default=600.0, help="seconds to wait for the uploaded document's ingestion")
    commands.add_parser("doctor", help="read-only preflight checks before a deploy (`genai doctor --help`)", add_help=False)
    return parser


@dataclass(frozen=True)
class Streamed:
    """A streaming route to read and print as it arrives (ui/cli_stream.py), instead of a JSON answer to print."""

    client: Client
    path: str
    body: dict[str, Any]
    as_json: bool


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _run(args: argparse.Namespace) -> Any:
    outputs = Outputs.load(args.outputs)
    if args.command == "login":
        token = sign_in(outputs, args.username, args.password)
        args.token_file.parent.mkdir(parents=True, exist_ok=True)
        args.token_file.write_text(token, encoding="utf-8")
        args.token_file.chmod(0o600)
        return {"signed_in": args.username}
    if not args.token_file.exists():
        raise ApiError(401, {"error": {"code": "unauthorized", "message": "run `genai login` first"}})
    client = Client(outputs.api_url, args.token_file.read_text(encoding="utf-8").strip())
    if args.command == "chat":
        wanted = {"temperature": args.temperature, "max_tokens": args.max_tokens, "thinking": args.thinking, "effort": args.effort}
        params = _compact(wanted)
        body = _compact({"message": args.message, "conversation_id": args.conversation, "model_id": args.model, "params": params or None})
        return Streamed(client, "chat/stream", body, args.json) if args.stream else client.call("POST", "chat", body)
    if args.command == "rag":
        body = {"question": args.question, "number_of_results": args.results}
        return Streamed(client, "rag/query/stream", body, args.json) if args.stream else client.call("POST", "rag/query", body)
    if args.command == "images":
        return client.call(
            "POST", "images", _compact({"prompt": args.prompt, "aspect_ratio": args.ratio, "seed": args.seed, "model_id": args.model})
        )
    if args.action == "list":
        return {"documents": client.documents()}
    if args.action == "upload":
        content_type = args.content_type or mimetypes.guess_type(args.file.name)[0] or "application/octet-stream"
        return client.upload(args.file.name, args.file.read_bytes(), content_type)
    if args.action == "delete":
        from urllib.parse import quote

        return client.call("DELETE", f"documents/{quote(args.name)}") or {"deleted": args.name}
    return client.call("POST", "documents/sync")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["doctor"]:  # its own options and report (infra/doctor), no API outputs needed
        from infra.doctor.__main__ import main as doctor

        return doctor(argv[1:], prog="genai doctor")
    args = _parser().parse_args(argv)
    if args.command == "smoke":
        from ui.smoke import Options, run_smoke

        if bool(args.username) != bool(args.password):
            print("error: give --username and --password together / --username과 --password를 함께 지정하세요", file=sys.stderr)
            return 2
        return run_smoke(args.outputs, Options(args.username, args.password, args.index_timeout)).exit_code
    try:
        result = _run(args)
    except ApiError as err:
        print(json.dumps(err.body, ensure_ascii=False, indent=1), file=sys.stderr)
        return 1
    if isinstance(result, Streamed):
        code = stream_answer(result.client, result.path, result.body, sys.stdout, sys.stderr, as_json=result.as_json)
        if code == BROKEN_PIPE_EXIT:  # nothing more can reach the reader: no error at exit about flushing stdout
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return code
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
