"""What every `genai` command gets: its options, its output, and (read when first needed) the stack's outputs, the
token store and a signed-in API client; plus the small input helpers the commands share."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ui.cli.exits import USAGE, CliError
from ui.cli.output import Output
from ui.cli.stack import TokenStore, load_outputs
from ui.client import Client, Outputs


@dataclass
class Context:
    args: argparse.Namespace
    output: Output
    _outputs: Outputs | None = field(default=None, init=False)
    outputs_file: Path | None = field(default=None, init=False)

    @property
    def outputs(self) -> Outputs:
        if self._outputs is None:
            self._outputs, self.outputs_file = load_outputs(self.args.outputs)
        return self._outputs

    @property
    def api_url(self) -> str:
        return self._outputs.api_url if self._outputs else ""

    @property
    def store(self) -> TokenStore:
        return TokenStore(self.args.token_file) if self.args.token_file else TokenStore.for_stack(self.outputs.api_url)

    def client(self) -> Client:
        return Client(self.outputs.api_url, self.store.token(self.outputs.api_url))


def usage(line: str) -> CliError:
    return CliError(USAGE, line)


def text_input(given: str | None, file: Path | None, what: str) -> str:
    """The text to send: the argument; `-` or nothing with a pipe: stdin; `--file FILE`: that file (UTF-8)."""
    if given is not None and file is not None:
        raise usage(f"{what}와 --file 중 하나만 주세요 / Give the {what} or --file, not both.")
    if file is not None:
        try:
            raw = file.read_bytes()
        except OSError as err:
            raise usage(f"파일을 읽을 수 없습니다 / Cannot read {file}: {err.strerror or err}") from None
    elif given == "-" or (given is None and not sys.stdin.isatty()):
        raw = sys.stdin.buffer.read()
    elif given is None:
        raise usage(
            f"보낼 내용이 없습니다: 인자, --file 또는 표준 입력으로 주세요 / Nothing to send: give the {what} as an argument, "
            "with --file FILE, or on stdin."
        )
    else:
        return given
    try:
        text = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise usage(f"UTF-8 텍스트가 아닙니다 / The {what} is not UTF-8 text.") from None
    if not text:
        raise usage(f"내용이 비어 있습니다 / The {what} is empty.")
    return text


def confirm(question: str, assume_yes: bool) -> bool:
    """True with --yes; else ask on the terminal (y/yes/예/네). Without a terminal: a usage error naming --yes."""
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise usage("확인할 터미널이 없습니다: --yes를 붙이세요 / Cannot ask for confirmation (stdin is not a terminal): add --yes.")
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)  # stderr: stdout stays the command's output
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes", "예", "네", "ㅇ")
