"""One line per check (✓ passed, ! warning, ✗ a deploy or the first requests would fail), its fix, and the summary.

Lines are printed as checks finish (AWS calls take a moment); the exit status is 1 when any check failed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Literal, TextIO

Status = Literal["ok", "warn", "fail"]
MARKS: dict[Status, str] = {"ok": "✓", "warn": "!", "fail": "✗"}


@dataclass(frozen=True)
class Check:
    status: Status
    title: str  # what was checked: "S3 Vectors", "model us.anthropic...", ...
    detail: str  # what was found
    fix: str = ""  # what to do (English)
    fix_ko: str = ""  # the same in Korean

    @property
    def line(self) -> str:
        return f"{MARKS[self.status]} {self.title}: {self.detail}"


def ok(title: str, detail: str) -> Check:
    return Check("ok", title, detail)


def warn(title: str, detail: str, fix: str = "", fix_ko: str = "") -> Check:
    return Check("warn", title, detail, fix, fix_ko)


def fail(title: str, detail: str, fix: str = "", fix_ko: str = "") -> Check:
    return Check("fail", title, detail, fix, fix_ko)


def _indented(label: str, text: str) -> list[str]:
    first, *rest = text.splitlines() or [""]
    return [f"    {label} {first}", *(f"    {' ' * len(label)} {line}" for line in rest)]


class Report:
    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.checks: list[Check] = []

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def add(self, *checks: Check) -> None:
        for check in checks:
            self.checks.append(check)
            lines = [check.line]
            if check.fix:
                lines += _indented("fix:", check.fix)
            if check.fix_ko:
                lines += _indented("조치:", check.fix_ko)
            self.say("\n".join(lines))

    def count(self, status: Status) -> int:
        return sum(1 for c in self.checks if c.status == status)

    @property
    def exit_code(self) -> int:
        return 1 if self.count("fail") else 0

    def summary(self) -> str:
        passed, warned, failed = self.count("ok"), self.count("warn"), self.count("fail")
        counts = f"{passed} passed, {warned} warning{'s' if warned != 1 else ''}, {failed} failed"
        counts_ko = f"통과 {passed}, 경고 {warned}, 실패 {failed}"
        if failed:
            return (
                f"doctor: {counts}: a deploy (or the first requests after it) would fail; fix the ✗ lines and run `make doctor` again.\n"
                f"진단: {counts_ko} — 이대로는 배포(또는 배포 후 첫 요청)가 실패합니다. ✗ 항목을 고친 뒤 `make doctor`를 다시 실행하세요."
            )
        if warned:
            return (
                f"doctor: {counts}: ready to deploy (`make deploy`); read the ! lines first.\n"
                f"진단: {counts_ko} — 배포할 수 있습니다(`make deploy`). 먼저 ! 항목을 확인하세요."
            )
        return f"doctor: {counts}: ready to deploy (`make deploy`).\n진단: {counts_ko} — 배포할 준비가 되었습니다(`make deploy`)."
