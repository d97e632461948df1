"""The `genai` command's exit codes, and every expected failure as one line in Korean and English.

| Code | Class |
| --- | --- |
| 0 | done (a masked answer and an answer stopped by someone else too; a declined delete) |
| 1 | the API refused the request: 400, 404, 409, 413 and other 4xx, or an `error` event with such a code |
| 2 | usage: bad options (argparse), nothing to send, a file that cannot be read, a confirmation that cannot be asked |
| 3 | sign-in: wrong e-mail or password, not signed in, the session ended (401), not allowed (403) |
| 4 | the stack cannot be reached: no outputs found or unreadable, connection refused, no answer in time, a stream cut off |
| 5 | the guardrail blocked the message, the answer, the prompt or a picture |
| 6 | too many requests or over budget (429): try again later (the line says when, where the API does) |
| 7 | the API failed (5xx): model or storage unavailable, timed out; retrying may help |
| 70 | a bug: an unexpected exception (`--debug` shows its traceback) |
| 130 | stopped with Ctrl-C; 141: stdout's reader went away (both ask the API to stop a streamed answer) |
"""

from __future__ import annotations

import http.client
import re
import urllib.error
from typing import Any

from ui.client import ApiError, NewPasswordRequiredError, StreamBrokenError
from ui.streamed import HEADLINES

OK, REFUSED, USAGE, AUTH, UNREACHABLE, BLOCKED, THROTTLED, SERVER = 0, 1, 2, 3, 4, 5, 6, 7
UNEXPECTED = 70  # EX_SOFTWARE (sysexits.h)
INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
BROKEN_PIPE = 141  # 128 + SIGPIPE

# An `error` event carries no HTTP status: its code says which class it is (docs/api.md#errors).
CODE_EXITS = {
    "unauthorized": AUTH,
    "forbidden": AUTH,
    "throttled": THROTTLED,
    "budget_exceeded": THROTTLED,
    "upstream_unavailable": SERVER,
    "model_not_enabled": SERVER,
    "upstream_timeout": SERVER,
    "guardrail_mismatch": SERVER,
    "stream_broken": UNREACHABLE,
}
STATUS_HEADLINES = {
    401: "다시 로그인하세요",
    403: "권한이 없습니다",
    409: "요청이 현재 상태와 충돌합니다",
    429: "요청 한도에 이르렀습니다. 나중에 다시 시도하세요",
    500: "서버 오류가 났습니다. 다시 시도하세요",
}
# The API's bilingual messages put the Korean first, then " / " and the English (a budget's 429, the guardrail's
# messages, notices). An English message that quotes Korean data (a group or file name) is not one of them.
BILINGUAL = re.compile("^\\W*[\uac00-\ud7a3].* / ", re.DOTALL)

SESSION_ENDED = "세션이 끝났습니다. `genai login`으로 다시 로그인하세요 / Your session ended: run `genai login` again."
WRONG_PASSWORD = "이메일 또는 비밀번호가 올바르지 않습니다 / Incorrect e-mail or password."
NEW_PASSWORD = (
    "이 계정은 임시 비밀번호를 바꿔야 합니다: UI(`make ui`)에서 한 번 로그인해 새 비밀번호를 정하세요 / "
    "This account still has its temporary password: sign in once in the UI (`make ui`) to choose a new one."
)


class CliError(Exception):
    """An expected failure: the exit code, the line a person reads, and the JSON `--json` prints on stderr."""

    def __init__(self, code: int, line: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(line)
        self.code, self.line = code, line
        self.body = body if body is not None else {"error": {"code": _CLASS_CODES.get(code, "error"), "message": line}}

    def as_json(self) -> dict[str, Any]:
        return {**self.body, "exit_code": self.code}


_CLASS_CODES = {USAGE: "usage", AUTH: "unauthorized", UNREACHABLE: "unreachable", BLOCKED: "guardrail_blocked"}


def bilingual(message: str, korean: str) -> str:
    """The API's message as is when it is already bilingual (Korean first), else a Korean headline before it."""
    return message if BILINGUAL.match(message) else f"{korean} / {message}"


def exit_for(status: int, code: str) -> int:
    if status in (401, 403):
        return AUTH
    if status == 429:
        return THROTTLED
    if status >= 500:
        return SERVER
    if status:
        return REFUSED
    return CODE_EXITS.get(code, REFUSED)


def api_line(body: Any, status: int = 0) -> str:
    """One line for the API's error body: `요청 값이 올바르지 않습니다 / 400 validation_error: invalid request — message:
    must not be blank (request id …)`; the API's message alone when it is bilingual (a budget's 429)."""
    error = body.get("error", {}) if isinstance(body, dict) else {}
    code = str(error.get("code") or "error")
    message = " ".join(str(error.get("message") or f"HTTP {status}").split())
    where = f"{status} {code}" if status else code
    request_id = body.get("request_id") if isinstance(body, dict) else None
    details = error.get("details")
    listed = [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []
    fields = "; ".join(f"{d.get('field', '')}: {d.get('message', '')}" for d in listed)
    if BILINGUAL.match(message):  # already in both languages: as the API wrote it
        return f"{message}{' — ' + fields if fields else ''} ({where}{', request id ' + str(request_id) if request_id else ''})"
    headline = HEADLINES.get(code) or STATUS_HEADLINES.get(status) or STATUS_HEADLINES.get(status // 100 * 100, "요청이 실패했습니다")
    line = f"{headline} / {where}: {message}{' — ' + fields if fields else ''}"
    return f"{line} (request id {request_id})" if request_id else line


def from_api(err: ApiError) -> CliError:
    body = err.body if isinstance(err.body, dict) else {"error": {"code": "http_error", "message": str(err.body)}}
    code = str(body.get("error", {}).get("code", ""))
    if isinstance(err, StreamBrokenError):
        return CliError(UNREACHABLE, str(body["error"]["message"]), body)
    exit_code = exit_for(err.status, code)
    line = SESSION_ENDED if err.status == 401 else api_line(body, err.status)
    return CliError(exit_code, line, {**body, "status": err.status} if err.status else body)


def unreachable(what: str, url: str, cause: BaseException) -> CliError:
    reason = getattr(cause, "reason", cause)
    line = (
        f"{what}에 연결할 수 없습니다 / Cannot reach the {what} at {url} ({type(reason).__name__}: {reason}): "
        "is the stack running (`make dev`)? Is GENAI_OUTPUTS the right stack?"
    )
    return CliError(UNREACHABLE, line)


def classify(failure: BaseException, api_url: str = "") -> CliError | None:
    """The expected failure `failure` is, or None for a bug."""
    if isinstance(failure, CliError):
        return failure
    if isinstance(failure, ApiError):
        return from_api(failure)
    if isinstance(failure, NewPasswordRequiredError):
        return CliError(AUTH, NEW_PASSWORD)
    if isinstance(failure, (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError)):
        return unreachable("API", api_url, failure)
    from ui.cli.cognito import cognito_failure  # botocore only when a sign-in failed

    return cognito_failure(failure)


def guardrail_block(guardrail: Any) -> CliError | None:
    """Exit 5 when the guardrail blocked (a message, an answer, an image prompt, a picture withheld): the line is the
    API's own message (bilingual where the stack's is), never the policy that acted."""
    if not isinstance(guardrail, dict) or guardrail.get("action") != "BLOCKED":
        return None
    message = " ".join(str(guardrail.get("message") or "Blocked by the guardrail.").split())
    line = bilingual(message, "가드레일이 차단했습니다")
    return CliError(BLOCKED, line, {"error": {"code": "guardrail_blocked", "message": message}})
