"""How `genai smoke` runs and reports its steps: ✓/✗ per step with the status and latency, later steps that
need a failed one skipped, and a summary in English and Korean."""

from __future__ import annotations

import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from ui.client import ApiError

PASS, FAIL, SKIP = "✓", "✗", "-"
NAME_WIDTH = 52


class CheckError(Exception):
    """A step's check did not hold: the message says what was expected and what came back."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Done:
    """What a step's action returns when every check held."""

    status: int | None
    detail: str = ""
    value: Any = True


@dataclass
class Step:
    number: int
    name: str
    korean: str
    mark: str
    status: int | None
    ms: int
    detail: str


@dataclass
class Runner:
    out: TextIO = field(default_factory=lambda: sys.stdout)
    steps: list[Step] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # each passed step's value, by key
    started: float = field(default_factory=time.perf_counter)

    def run(self, key: str, name: str, korean: str, action: Callable[[], Done], *, needs: tuple[str, ...] = ()) -> Any:
        """Run one step unless a step it needs did not pass; returns its value (None unless it passed)."""
        missing = [n for n in needs if n not in self.values]
        if missing:
            return self._record(name, korean, SKIP, None, 0, f"skipped: needs {', '.join(missing)} / 앞 단계 실패로 건너뜀")
        start = time.perf_counter()
        try:
            done = action()
        except ApiError as err:
            return self._record(name, korean, FAIL, err.status, _ms(start), str(err))
        except CheckError as err:
            return self._record(name, korean, FAIL, err.status, _ms(start), str(err))
        except Exception as err:  # a smoke test reports whatever broke (network, AWS client, response shape) and goes on
            return self._record(name, korean, FAIL, _status_of(err), _ms(start), f"{type(err).__name__}: {err}")
        self.values[key] = done.value
        self._record(name, korean, PASS, done.status, _ms(start), done.detail)
        return done.value

    def note(self, text: str) -> None:
        print(f"   {text}", file=self.out, flush=True)

    def _record(self, name: str, korean: str, mark: str, status: int | None, ms: int, detail: str) -> None:
        step = Step(len(self.steps) + 1, name, korean, mark, status, ms, detail)
        self.steps.append(step)
        label = _pad(f"{name} · {korean}", NAME_WIDTH)
        shown = "—" if status is None else str(status)
        print(f" {mark} {step.number:>2}  {label} {shown:>4} {ms:>7,} ms  {detail}".rstrip(), file=self.out, flush=True)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(s.mark == PASS for s in self.steps)

    def summary(self) -> None:
        passed, failed, skipped = (sum(1 for s in self.steps if s.mark == m) for m in (PASS, FAIL, SKIP))
        total = time.perf_counter() - self.started
        print(
            f"\nSummary / 요약: {len(self.steps)} steps / 단계 — {passed} passed / 통과, {failed} failed / 실패, "
            f"{skipped} skipped / 건너뜀; {total:.1f} s in total / 총 {total:.1f}초",
            file=self.out,
        )
        if self.ok:
            print("PASS / 통과: every route answered as expected / 모든 경로가 예상대로 응답했습니다", file=self.out, flush=True)
        else:
            names = ", ".join(f"{s.number} {s.name}" for s in self.steps if s.mark == FAIL) or "none ran / 실행된 단계 없음"
            print(f"FAIL / 실패: {names} (see above / 위 내용 참고)", file=self.out, flush=True)


def _ms(start: float) -> int:
    return round((time.perf_counter() - start) * 1000)


def _status_of(err: Exception) -> int | None:
    """The HTTP status an AWS client error (or urllib's HTTPError) carried, if any."""
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return status if isinstance(status, int) else None
    code = getattr(err, "code", None)
    return code if isinstance(code, int) else None


def _pad(text: str, width: int) -> str:
    """Pad to a terminal width: Hangul and other wide characters take two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


def short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
