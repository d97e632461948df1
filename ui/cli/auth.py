"""`genai login` and `genai logout`: the caller's ID token for one stack, kept in the user's configuration directory
(ui/cli/stack.py). The password is asked on the terminal without echo when it is not given (getpass), or read
from the first line of stdin when that is a pipe (`printf '%s\\n' "$PW" | genai login --username …`)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ui.cli.context import Context, usage
from ui.client import sign_in


def add(commands: Any, common: argparse.ArgumentParser) -> None:
    login = commands.add_parser("login", parents=[common], help="sign in and keep the ID token (asks for the password)")
    login.add_argument("--username", help="the account's e-mail (asked when not given)")
    login.add_argument("--password", help="better left out: it is then asked without echo, or read from a pipe on stdin")
    login.set_defaults(handler=login_run)
    logout = commands.add_parser("logout", parents=[common], help="forget this stack's ID token")
    logout.set_defaults(handler=logout_run)


def _username(given: str | None) -> str:
    if given:
        return given
    if not sys.stdin.isatty():
        raise usage("--username가 필요합니다 / Give --username (stdin is not a terminal to ask on).")
    print("이메일 / E-mail: ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip()


def _password(given: str | None) -> str:
    if given is not None:
        return given
    if sys.stdin.isatty():
        return getpass.getpass("비밀번호 / Password: ")  # on the terminal, echo off
    return sys.stdin.readline().rstrip("\r\n")


def login_run(ctx: Context) -> int:
    outputs = ctx.outputs  # no outputs: say so before asking for anything
    username = _username(ctx.args.username)
    password = _password(ctx.args.password)
    if not username or not password:
        raise usage("이메일과 비밀번호가 필요합니다 / An e-mail and a password are needed.")
    token = sign_in(outputs, username, password)
    store = ctx.store
    store.save(token)
    data = {"signed_in": username, "api_url": outputs.api_url, "token_file": str(store.path)}
    ctx.output.result(data, [f"로그인했습니다 / Signed in as {username} to {outputs.api_url} (token in {store.path})"])
    return 0


def logout_run(ctx: Context) -> int:
    store = ctx.store
    removed = store.forget()
    where = ctx.outputs.api_url if not ctx.args.token_file else str(store.path)
    line = (
        f"로그아웃했습니다 / Signed out of {where}"
        if removed
        else f"로그인되어 있지 않았습니다 / Was not signed in to {where}: nothing to remove"
    )
    ctx.output.result({"signed_out": removed, "token_file": str(store.path)}, [line])
    return 0
