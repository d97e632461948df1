"""The `genai` command line: the options every command shares, dispatch, and one line per expected failure.

Every expected failure (ui/cli/exits.py) is one line on stderr, in Korean and English, with its own exit code;
`--debug` adds the traceback. An unexpected exception is a bug: one line and exit 70 (`--debug`: the traceback).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from ui.cli import admin, ask, auth, conversations, customize, documents, images, models, usage
from ui.cli.context import Context
from ui.cli.exits import INTERRUPTED, UNEXPECTED, USAGE, classify
from ui.cli.image_list import list_alias
from ui.cli.output import Output

DESCRIPTION = (
    "Call the Bedrock GenAI Stack API. Exit codes: 0 ok, 1 refused by the API, 2 usage, 3 sign-in, "
    "4 stack not reachable or no outputs, 5 blocked by the guardrail, 6 throttled or over budget, "
    "7 the API failed (5xx), 70 a bug, 130 Ctrl-C, 141 stdout closed (docs/ui.md#the-genai-command)."
)


def _shared(*, with_json: bool) -> argparse.ArgumentParser:
    """--debug (and --json) after the command too: `genai conversations list --json` as well as `genai --json …`."""
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of a failure")
    if with_json:
        shared.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON for scripts")
    return shared


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="genai", description=DESCRIPTION)
    top.add_argument(
        "--outputs",
        type=Path,
        help="stack outputs JSON (default: GENAI_OUTPUTS, else $LOCAL_STATE_DIR/outputs.json, else this checkout's .local/outputs.json)",
    )
    top.add_argument(
        "--token-file",
        type=Path,
        help="keep the ID token in this file (default: one file per API URL under "
        "$XDG_CONFIG_HOME/genai-stack/tokens/, else ~/.config/genai-stack/tokens/)",
    )
    top.add_argument("--json", action="store_true", help="print JSON for scripts (also accepted after the command)")
    top.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    commands = top.add_subparsers(dest="command", required=True)
    common, debug = _shared(with_json=True), _shared(with_json=False)
    auth.add(commands, common)
    ask.add(commands, debug)
    conversations.add(commands, common)
    models.add(commands, common)
    images.add(commands, common)
    documents.add(commands, common)
    usage.add(commands, common)
    admin.add(commands, common)
    customize.add(commands, common)
    smoke = commands.add_parser("smoke", help="after a deploy: call every route once, print each step, clean up (exit 1 on any failure)")
    smoke.add_argument("--username", help="an existing user in the admin group (default: create a test user, delete it at the end)")
    smoke.add_argument("--password")
    smoke.add_argument("--index-timeout", type=float, default=600.0, help="seconds to wait for the uploaded document's ingestion")
    smoke.set_defaults(handler=_smoke)
    commands.add_parser("doctor", help="read-only preflight checks before a deploy (`genai doctor --help`)", add_help=False)
    return top


NAMED = {
    ("conversations", "show"),
    ("conversations", "delete"),
    ("conversations", "rename"),
    ("documents", "delete"),
    ("images", "--delete"),
}
THEIR_OPTIONS = {"--yes", "--json", "--debug", "-h", "--help"}


def dash_names_last(argv: list[str]) -> list[str]:
    """The API's conversation ids are `[A-Za-z0-9_-]{16,64}`, so one in 64 starts with `-`, which argparse would read
    as an option (picture ids too; a new title may start with one). After `conversations show|delete|rename`,
    `documents delete` or `images delete` (by then `images --delete`: image_list.list_alias), when a word starts with
    `-` and is none of the command's options, the command's own options stay before a `--` and every other word
    follows it in its order, where argparse reads them as the id (and title) or name; `--conversation -x…` becomes
    `--conversation=-x…`."""
    at = argv.index("--conversation") if "--conversation" in argv[:-1] else -1
    if at >= 0 and argv[at + 1].startswith("-"):
        argv = [*argv[:at], f"--conversation={argv[at + 1]}", *argv[at + 2 :]]
    for at in range(len(argv) - 1):
        if (argv[at], argv[at + 1]) in NAMED and "--" not in argv:
            rest = argv[at + 2 :]
            if any(word.startswith("-") and word not in THEIR_OPTIONS for word in rest):
                options = [word for word in rest if word in THEIR_OPTIONS]
                return [*argv[: at + 2], *options, "--", *(word for word in rest if word not in THEIR_OPTIONS)]
    return argv


def _smoke(ctx: Context) -> int:
    from ui.client import outputs_path
    from ui.smoke import Options, run_smoke

    args = ctx.args
    if bool(args.username) != bool(args.password):
        print("error: give --username and --password together / --username과 --password를 함께 지정하세요", file=sys.stderr)
        return USAGE
    return run_smoke(args.outputs or outputs_path(), Options(args.username, args.password, args.index_timeout)).exit_code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["doctor"]:  # its own options and report (infra/doctor), no API outputs needed
        from infra.doctor.__main__ import main as doctor

        return doctor(argv[1:], prog="genai doctor")
    args = parser().parse_args(dash_names_last(list_alias(argv)))
    as_json = bool(args.json) or getattr(args, "stream", True) is False  # --no-stream prints the API's JSON, errors too
    ctx = Context(args, Output(as_json=as_json))
    try:
        code: int = args.handler(ctx)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return INTERRUPTED
    except Exception as failure:  # every failure ends here: a line for the expected ones, exit 70 for a bug
        known = classify(failure, ctx.api_url)
        if args.debug:
            traceback.print_exc()
        if known is None:
            line = f"예상하지 못한 오류입니다 / Unexpected error: {type(failure).__name__}: {failure} (--debug shows the traceback)"
            print(line, file=sys.stderr)
            return UNEXPECTED
        ctx.output.failure(known)
        return known.code
    return code
