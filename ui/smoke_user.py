"""The smoke test's own user in the stack's user pool, made and removed with the caller's AWS credentials.

IAM actions it needs, on the user pool's ARN (`arn:aws:cognito-idp:<region>:<account>:userpool/<UserPoolId>`):
cognito-idp:AdminCreateUser, AdminSetUserPassword, AdminAddUserToGroup and AdminDeleteUser
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html).
Signing in (InitiateAuth) needs none.
"""

from __future__ import annotations

import secrets
from typing import Any

import boto3

from ui.client import Outputs
from ui.views import ADMIN_GROUP


def cognito(outputs: Outputs) -> Any:
    # The local stack's moto pool takes any credentials: send it placeholders, never the caller's AWS keys.
    local = {"aws_access_key_id": "local", "aws_secret_access_key": "local"} if outputs.cognito_endpoint else {}
    return boto3.client("cognito-idp", region_name=outputs.region, endpoint_url=outputs.cognito_endpoint, **local)


def new_user(run_id: str) -> tuple[str, str]:
    """An e-mail user name (the pool signs in by e-mail) and a password the pool's policy takes: 12+ characters
    with upper and lower case, a digit and a symbol (`-` and `!` are among Cognito's special characters:
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html)."""
    return f"smoke-{run_id}@example.com", f"Smoke-{secrets.token_urlsafe(12)}-7a!"


def create(outputs: Outputs, username: str) -> None:
    """The account, with no e-mail sent (MessageAction SUPPRESS)."""
    attributes = [{"Name": "email", "Value": username}, {"Name": "email_verified", "Value": "true"}]
    cognito(outputs).admin_create_user(
        UserPoolId=outputs.user_pool_id, Username=username, MessageAction="SUPPRESS", UserAttributes=attributes
    )


def confirm_as_admin(outputs: Outputs, username: str, password: str) -> int:
    """A permanent password (the user is CONFIRMED and signs in without the new-password challenge:
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserPassword.html),
    then the admin group, which the document routes require. Returns the last call's HTTP status."""
    client = cognito(outputs)
    client.admin_set_user_password(UserPoolId=outputs.user_pool_id, Username=username, Password=password, Permanent=True)
    answer = client.admin_add_user_to_group(UserPoolId=outputs.user_pool_id, Username=username, GroupName=ADMIN_GROUP)
    return int(answer["ResponseMetadata"]["HTTPStatusCode"])


def delete(outputs: Outputs, username: str) -> int:
    answer = cognito(outputs).admin_delete_user(UserPoolId=outputs.user_pool_id, Username=username)
    return int(answer["ResponseMetadata"]["HTTPStatusCode"])
