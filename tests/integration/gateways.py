"""A LocalGateway in this process in front of chosen handlers, with a user pool in the session's moto server."""

from __future__ import annotations

from typing import Any

import boto3

from local.gateway import Handler, LocalGateway, TokenVerifier
from local.stack import DEMO_PASSWORD, _cognito


def start_gateway(
    moto_server: str, handlers: dict[str, Handler], username: str = "user@example.com", **options: Any
) -> tuple[LocalGateway, str]:
    """The started gateway and an ID token of `username` (admin@example.com is in the admin group)."""
    cognito = boto3.client("cognito-idp", endpoint_url=moto_server)
    pool, client_id = _cognito(cognito)
    token = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": DEMO_PASSWORD}
    )
    verifier = TokenVerifier(
        jwks_url=f"{moto_server}/{pool}/.well-known/jwks.json",
        issuer=f"https://cognito-idp.us-west-2.amazonaws.com/{pool}",
        client_id=client_id,
    )
    return LocalGateway(handlers, verifier, **options).start(), str(token["AuthenticationResult"]["IdToken"])
