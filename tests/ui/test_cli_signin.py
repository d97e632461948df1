"""`genai` finding the stack and signing in, run as a user would (a subprocess in a directory of its own, a pseudo-
terminal for the password) against the local stack: where the outputs come from, where the token goes (XDG, 0600,
one per API URL), the password prompt without echo, and one line with its own exit code for each failure."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.integration.live import create_user
from tests.ui.cli_runs import PASSWORD, User, dead_port, outputs_copy

USER = "cli-signin@example.com"


@pytest.fixture(scope="module")
def account(stack: dict[str, Any]) -> str:
    create_user(stack, USER, PASSWORD)
    return USER


@pytest.fixture
def state_dir(stack: dict[str, Any], tmp_path: Path) -> Path:
    """A LOCAL_STATE_DIR holding the stack's outputs.json, as `make dev` leaves it."""
    outputs_copy(stack, tmp_path / "state" / "outputs.json")
    return tmp_path / "state"


def _one_line_without_traceback(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_given_no_outputs_anywhere_then_exit_4_with_one_line_naming_where_it_looked(tmp_path):
    user = User(tmp_path, LOCAL_STATE_DIR=str(tmp_path / "empty"))
    done = user.run("chat", "안녕하세요")
    assert done.code == 4
    line = _one_line_without_traceback(done.stderr)
    assert str(tmp_path / "empty" / "outputs.json") in line
    assert line.startswith("스택 출력 파일이 없습니다 / No stack outputs at ")
    assert "make dev" in line
    assert "GENAI_OUTPUTS" in line


def test_given_local_state_dir_then_login_from_another_directory_keeps_the_token_in_the_xdg_config_dir_0600(tmp_path, state_dir, account):
    user = User(tmp_path, LOCAL_STATE_DIR=str(state_dir))
    done = user.login(account)
    assert done.stdout.startswith(f"로그인했습니다 / Signed in as {account} to http://127.0.0.1:")
    tokens = list((tmp_path / "config" / "genai-stack" / "tokens").iterdir())
    assert [t.suffix for t in tokens] == [".token"]
    assert stat.S_IMODE(tokens[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(tokens[0].parent.stat().st_mode) == 0o700
    assert not (user.cwd / ".local").exists()
    assert "conversations" in user.json("conversations")
    elsewhere = User(tmp_path, GENAI_OUTPUTS=str(state_dir / "outputs.json"))  # same config dir, the other variable
    assert elsewhere.run("models").code == 0


def test_given_a_relative_xdg_config_home_then_it_is_ignored_for_home_config(tmp_path, state_dir, account):
    user = User(tmp_path, LOCAL_STATE_DIR=str(state_dir), XDG_CONFIG_HOME="relative/config")
    user.login(account)
    assert len(list((user.home / ".config" / "genai-stack" / "tokens").glob("*.token"))) == 1
    assert not (user.cwd / "relative").exists()


def test_given_two_stacks_then_each_api_url_has_its_own_token_and_logout_forgets_only_one(stack, tmp_path, account):
    first = outputs_copy(stack, tmp_path / "a" / "outputs.json")
    second = outputs_copy(stack, tmp_path / "b" / "outputs.json", ApiUrl=stack["ApiUrl"].replace("127.0.0.1", "localhost"))
    one, other = User(tmp_path, GENAI_OUTPUTS=str(first)), User(tmp_path, GENAI_OUTPUTS=str(second))
    one.login(account)
    refused = other.run("models")
    assert refused.code == 3
    assert _one_line_without_traceback(refused.stderr).startswith("로그인하지 않았습니다")
    other.login(account)
    out = one.run("logout")
    assert (out.code, out.stdout.startswith("로그아웃했습니다 / Signed out of ")) == (0, True)
    assert one.run("models").code == 3
    assert other.run("models").code == 0


def test_given_no_password_at_a_terminal_then_it_is_asked_without_echo(tmp_path, state_dir, account):
    user = User(tmp_path, LOCAL_STATE_DIR=str(state_dir))
    shown, code = user.at_terminal("login", "--username", account, answers=[("Password: ", PASSWORD + "\n")])
    assert code == 0, shown
    assert "비밀번호 / Password: " in shown
    assert PASSWORD not in shown  # the terminal never echoed it
    assert "로그인했습니다 / Signed in as" in shown
    assert user.run("models").code == 0


def test_given_no_password_and_a_pipe_then_the_first_line_of_stdin_is_the_password(tmp_path, state_dir, account):
    user = User(tmp_path, LOCAL_STATE_DIR=str(state_dir))
    done = user.run("login", "--username", account, stdin=PASSWORD + "\n")
    assert done.code == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr


def test_given_a_wrong_password_then_exit_3_with_one_line_and_debug_shows_the_traceback(tmp_path, state_dir, account):
    user = User(tmp_path, LOCAL_STATE_DIR=str(state_dir))
    wrong = user.run("login", "--username", account, "--password", "not-the-password")
    assert wrong.code == 3
    assert _one_line_without_traceback(wrong.stderr) == "이메일 또는 비밀번호가 올바르지 않습니다 / Incorrect e-mail or password."
    debug = user.run("--debug", "login", "--username", account, "--password", "not-the-password")
    assert debug.code == 3
    assert "Traceback (most recent call last)" in debug.stderr
    assert "NotAuthorizedException" in debug.stderr
    assert debug.stderr.rstrip().endswith("Incorrect e-mail or password.")


def test_given_a_stack_that_is_not_running_then_exit_4_naming_what_did_not_answer(stack, tmp_path, account):
    port = dead_port()
    dead = {"ApiUrl": f"http://127.0.0.1:{port}/api/", "CognitoEndpoint": f"http://127.0.0.1:{port}"}
    stopped = outputs_copy(stack, tmp_path / "stopped" / "outputs.json", **dead)
    user = User(tmp_path, GENAI_OUTPUTS=str(stopped))
    login = user.run("login", "--username", account, "--password", PASSWORD)
    assert login.code == 4
    assert _one_line_without_traceback(login.stderr).startswith(
        f"Cognito에 연결할 수 없습니다 / Cannot reach Cognito at http://127.0.0.1:{port}"
    )
    token = tmp_path / "token"
    token.write_text(_token(exp=4102444800), encoding="utf-8")  # 2100: not expired, never sent anywhere that answers
    call = user.run("--token-file", str(token), "models")
    assert call.code == 4
    line = _one_line_without_traceback(call.stderr)
    assert line.startswith(f"API에 연결할 수 없습니다 / Cannot reach the API at http://127.0.0.1:{port}/api/ (ConnectionRefusedError")
    assert "make dev" in line


def _token(**claims: Any) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJub25lIn0.{payload}.c2ln"


def test_given_an_expired_or_refused_token_then_exit_3_asking_to_sign_in_again(tmp_path, state_dir):
    user = User(tmp_path, LOCAL_STATE_DIR=str(state_dir))
    expired, refused = tmp_path / "expired", tmp_path / "refused"
    expired.write_text(_token(exp=1_600_000_000), encoding="utf-8")
    refused.write_text(_token(exp=4102444800), encoding="utf-8")  # well formed, but no pool signed it: API Gateway's 401
    for token in (expired, refused):
        done = user.run("--token-file", str(token), "chat", "안녕하세요")
        assert done.code == 3, done.stderr
        assert _one_line_without_traceback(done.stderr).startswith(
            "세션이 끝났습니다. `genai login`으로 다시 로그인하세요 / Your session ended"
        )
