"""Running the `genai` command as a user does: a subprocess (`python -m ui.cli` from this checkout) started in a
directory of its own, with its own configuration directory (XDG_CONFIG_HOME) and home; or under a pseudo-terminal,
answering its prompts the way a person types."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.integration.live import ROOT, create_user

GENAI = [sys.executable, "-m", "ui.cli"]
PASSWORD = "Local-Demo-Pass-1!"
STACK_VARIABLES = ("GENAI_OUTPUTS", "LOCAL_STATE_DIR", "XDG_CONFIG_HOME")


@dataclass(frozen=True)
class Finished:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stderr.strip().splitlines()


class User:
    """One person at a terminal: a home, a configuration directory and a working directory that is not the checkout."""

    def __init__(self, root: Path, *, options: tuple[str, ...] = (), **environment: str) -> None:
        self.options = options  # given before every command (e.g. --outputs FILE --token-file FILE)
        self.home, self.cwd = root / "home", root / "somewhere"
        self.home.mkdir(parents=True, exist_ok=True)
        self.cwd.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if k not in STACK_VARIABLES}
        self.env.update({"HOME": str(self.home), "XDG_CONFIG_HOME": str(root / "config"), "PYTHONPATH": str(ROOT), **environment})

    def run(self, *args: str, stdin: str | None = "", timeout: float = 90) -> Finished:
        command = [*GENAI, *self.options, *args]
        done = subprocess.run(
            command, cwd=self.cwd, env=self.env, input=stdin, capture_output=True, text=True, timeout=timeout, check=False
        )
        return Finished(done.returncode, done.stdout, done.stderr)

    def json(self, *args: str) -> Any:
        done = self.run("--json", *args)
        assert done.code == 0, done.stderr
        return json.loads(done.stdout)

    def login(self, username: str, password: str = PASSWORD) -> Finished:
        done = self.run("login", "--username", username, "--password", password)
        assert done.code == 0, done.stderr
        return done

    def at_terminal(self, *args: str, answers: list[tuple[str, str]], timeout: float = 60) -> tuple[str, int]:
        """Run under a pseudo-terminal (its controlling terminal, as in a shell): wait for each prompt, type its answer.
        Returns everything the terminal showed and the exit code."""
        pid, fd = pty.fork()
        if pid == 0:  # the child: exec at once
            os.chdir(self.cwd)
            os.execve(GENAI[0], [*GENAI, *self.options, *args], self.env)
        shown = b""
        deadline = time.monotonic() + timeout
        for prompt, typed in answers:
            while prompt.encode() not in shown:
                chunk = _read(fd, deadline)
                if not chunk:
                    break
                shown += chunk
            if prompt.encode() not in shown:
                break  # the child ended (or timed out) without asking
            os.write(fd, typed.encode())
        while chunk := _read(fd, deadline):
            shown += chunk
        os.close(fd)
        _, status = os.waitpid(pid, 0)
        return shown.decode("utf-8", "replace"), os.waitstatus_to_exitcode(status)


def _read(fd: int, deadline: float) -> bytes:
    ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
    if not ready:
        return b""
    try:
        return os.read(fd, 4096)
    except OSError:  # EIO: the child closed the terminal
        return b""


def explicit(stack: dict[str, Any], root: Path) -> User:
    """A user who names the outputs and the token file on the command line (`--outputs`, `--token-file`), as the
    command has always allowed: for the tests of what the commands do, apart from where they find things."""
    outputs = outputs_copy(stack, root / "outputs.json")
    return User(root, options=("--outputs", str(outputs), "--token-file", str(root / "token")))


_CREATED: set[tuple[str, str]] = set()  # (user pool, e-mail): each test account is made once per stack


def signed_in(stack: dict[str, Any], root: Path, email: str) -> User:
    """An `explicit` user signed in as `email`, the account made in the stack's pool on first use."""
    if (stack["UserPoolId"], email) not in _CREATED:
        create_user(stack, email, PASSWORD)
        _CREATED.add((stack["UserPoolId"], email))
    person = explicit(stack, root)
    person.login(email)
    return person


def outputs_copy(stack: dict[str, Any], path: Path, **changes: Any) -> Path:
    """The stack's outputs.json, written to `path` with some values changed (another URL, a dead port)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**stack, **changes}), encoding="utf-8")
    return path


def dead_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
