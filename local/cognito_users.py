"""The local user pool of `make dev` and the tests: the demo users (one admin), created in moto's Cognito with ids
that stay the same across restarts, so saved conversations and images stay their owners'."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEMO_PASSWORD = "Local-Demo-Pass-1!"  # local only: the pool lives in this process's memory, on loopback
USERS = {"admin@example.com": True, "user@example.com": False}  # e-mail -> in the admin group
DISPLAY_NAMES = {"admin@example.com": "관리자", "user@example.com": "김민준"}  # the `name` attribute admins see in usage


def _stable_ids(data: Path) -> None:
    """Seed moto's id generator from a number kept in the state folder: the pool, its client and the
    users' `sub` come out the same at every start, so saved conversations and images stay their owners'."""
    from moto.moto_api._internal import mock_random

    seed_file = data / "id-seed"
    if not seed_file.exists():
        seed_file.parent.mkdir(parents=True, exist_ok=True)
        seed_file.write_text(str(int.from_bytes(os.urandom(8), "big")), encoding="utf-8")
    mock_random.seed(int(seed_file.read_text(encoding="utf-8")))


def _cognito(client: Any) -> tuple[str, str]:
    pool = client.create_user_pool(PoolName="local", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    app = client.create_user_pool_client(
        UserPoolId=pool,
        ClientName="local-app",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    client.create_group(GroupName="admin", UserPoolId=pool)
    for email, admin in USERS.items():
        attributes = [
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": DISPLAY_NAMES[email]},
        ]
        client.admin_create_user(UserPoolId=pool, Username=email, MessageAction="SUPPRESS", UserAttributes=attributes)
        client.admin_set_user_password(UserPoolId=pool, Username=email, Password=DEMO_PASSWORD, Permanent=True)
        if admin:
            client.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName="admin")
    return pool, app
