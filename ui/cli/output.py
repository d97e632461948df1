"""What the `genai` command prints: lines for a person, or (`--json`) one JSON document on stdout for a script;
notes and failures on stderr (with `--json` a failure is one JSON object there too, with its `exit_code`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from ui.cli.exits import CliError


@dataclass
class Output:
    as_json: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    def result(self, data: Any, lines: Iterable[str] = ()) -> None:
        """`data` as JSON with --json, else the lines."""
        if self.as_json:
            self.out.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        else:
            for line in lines:
                self.out.write(line + "\n")
        self.out.flush()

    def note(self, line: str) -> None:
        """A remark for a person on stderr (left out with --json, where the data says it)."""
        if not self.as_json:
            print(line, file=self.err, flush=True)

    def failure(self, error: CliError) -> None:
        text = json.dumps(error.as_json(), ensure_ascii=False) if self.as_json else error.line
        print(text, file=self.err, flush=True)


def local_time(iso: Any) -> str:
    """`2026-05-04 18:12` in the machine's time zone, from the API's ISO 8601 UTC time."""
    try:
        return datetime.fromisoformat(str(iso)).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(iso or "")


def size(count: Any) -> str:
    value = float(count or 0)
    for unit in ("B", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} MB"


def columns(rows: list[list[str]]) -> list[str]:
    """Rows as left-aligned columns (the last one unpadded)."""
    if not rows:
        return []
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join([*(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=False)), row[-1]]) for row in rows]


def _width(text: str) -> int:
    """Terminal cells: Hangul and other wide characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
