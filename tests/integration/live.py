"""`make dev`'s stack as a separate process, and the calls a client makes to it (sign-in, HTTP).

The stack runs in its own process so its environment (endpoints, table and bucket names) never
mixes with the in-process handler tests' environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[2]
Stack = dict[str, Any]


@contextmanager
def running_stack(state: Path, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """Start `python -m local.stack` on free ports; yield its outputs.json; stop it."""
    env = {**os.environ, "LOCAL_STATE_DIR": str(state), "LOCAL_API_PORT": "0", "LOCAL_AWS_PORT": "0", "LOCAL_BEDROCK_PORT": "0"}
    for key in [k for k in env if k.startswith("AWS_ENDPOINT_URL")]:
        env.pop(key)
    env.update(extra_env or {})
    state.mkdir(parents=True, exist_ok=True)
    outputs = state / "outputs.json"
    outputs.unlink(missing_ok=True)  # a file left by an earlier run must not pass for this one's
    log = (state / "stack.log").open("w", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "local.stack"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 90
    while not outputs.exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.2)
    try:
        if not outputs.exists():
            raise RuntimeError(f"local stack did not start: {(state / 'stack.log').read_text(encoding='utf-8')[-4000:]}")
        yield json.loads(outputs.read_text(encoding="utf-8"))
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def cognito(stack: Stack) -> Any:
    return boto3.client("cognito-idp", endpoint_url=stack["CognitoEndpoint"], region_name=stack["Region"])


def sign_in(stack: Stack, username: str, client_id: str | None = None, password: str | None = None) -> str:
    """A Cognito ID token from the local pool (USER_PASSWORD_AUTH, as the CLI signs in)."""
    if password is None:
        password = next(u["password"] for u in stack["DemoUsers"] if u["username"] == username)
    result = cognito(stack).initiate_auth(
        ClientId=client_id or stack["UserPoolClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def create_user(stack: Stack, email: str, password: str, *, admin: bool = False) -> str:
    """A confirmed user in the local pool (as an operator would with admin-create-user); returns an ID token."""
    client = cognito(stack)
    attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    client.admin_create_user(UserPoolId=stack["UserPoolId"], Username=email, MessageAction="SUPPRESS", UserAttributes=attributes)
    client.admin_set_user_password(UserPoolId=stack["UserPoolId"], Username=email, Password=password, Permanent=True)
    if admin:
        client.admin_add_user_to_group(UserPoolId=stack["UserPoolId"], Username=email, GroupName="admin")
    return sign_in(stack, email, password=password)


def request(
    stack: Stack,
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> tuple[int, Any, dict[str, str]]:
    """One call to the local API: (status, JSON body or None, headers)."""
    data = raw if raw is not None else (None if body is None else json.dumps(body, ensure_ascii=False).encode())
    call = urllib.request.Request(stack["ApiUrl"] + path.lstrip("/"), data=data, method=method, headers={**(headers or {})})
    if token:
        call.add_header("Authorization", token)
    if data is not None and "Content-Type" not in (headers or {}):
        call.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(call, timeout=60) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text else None), dict(response.headers)
    except urllib.error.HTTPError as err:
        text = err.read().decode()
        return err.code, (json.loads(text) if text else None), dict(err.headers)
