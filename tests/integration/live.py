"""`make dev`'s stack as a separate process, and the calls a client makes to it (sign-in, HTTP).

The stack runs in its own process so its environment (endpoints, table and bucket names) never
mixes with the in-process handler tests' environment.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3

from local.launch import running_stack

ROOT = Path(__file__).resolve().parents[2]
__all__ = ["ROOT", "Stack", "create_user", "request", "running_stack", "sign_in"]
Stack = dict[str, Any]


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
