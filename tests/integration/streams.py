"""The streaming routes through a local gateway over real HTTP, and a client that reads them as a browser would.

`start_streaming` runs the streaming functions' apps (lambdas/run_stream.sh, one process each, as the Lambda Web
Adapter runs them) with this process's environment (moto and the offline Bedrock of the session), and a local
gateway in front of them and of the in-process chat and rag handlers. The client reads with readline (never
read(n), which waits for a full buffer), timing each event from when the request was sent.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import boto3

from chat import handler as chat_handler
from local.gateway import LocalGateway, TokenVerifier
from local.stack import DEMO_PASSWORD, _cognito
from rag import handler as rag_handler

if TYPE_CHECKING:
    from local.stream_apps import StreamApp


@dataclass
class Streaming:
    gateway: LocalGateway
    apps: dict[str, StreamApp]
    tokens: dict[str, str]  # user@example.com, admin@example.com
    cognito: Any = None
    pool: str = ""
    client_id: str = ""

    @property
    def token(self) -> str:
        return self.tokens["user@example.com"]

    def new_user(self, email: str) -> str:
        """A user of its own (a sub no earlier request used: nothing cached about it in the apps), signed in: its ID token."""
        attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
        self.cognito.admin_create_user(UserPoolId=self.pool, Username=email, MessageAction="SUPPRESS", UserAttributes=attributes)
        self.cognito.admin_set_user_password(UserPoolId=self.pool, Username=email, Password=DEMO_PASSWORD, Permanent=True)
        return _sign_in(self.cognito, self.client_id, email)

    def stop(self) -> None:
        self.gateway.stop()
        for app in self.apps.values():
            app.stop()


def start_streaming(
    moto_server: str,
    env: dict[str, str] | None = None,
    names: tuple[str, ...] = ("chat_stream", "rag_stream"),
) -> Streaming:
    from local.stream_apps import start_apps

    apps = start_apps(env, names)
    cognito = boto3.client("cognito-idp", endpoint_url=moto_server)
    pool, client_id = _cognito(cognito)
    tokens = {user: _sign_in(cognito, client_id, user) for user in ("user@example.com", "admin@example.com")}
    verifier = TokenVerifier(
        jwks_url=f"{moto_server}/{pool}/.well-known/jwks.json",
        issuer=f"https://cognito-idp.us-west-2.amazonaws.com/{pool}",
        client_id=client_id,
    )
    gateway = LocalGateway(
        {"chat": chat_handler.handler, "rag": rag_handler.handler},
        verifier,
        stage="api",
        streams={name: app.url for name, app in apps.items()},
    ).start()
    return Streaming(gateway, apps, tokens, cognito, pool, client_id)


def _sign_in(cognito: Any, client_id: str, user: str) -> str:
    answer = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": user, "PASSWORD": DEMO_PASSWORD}
    )
    return str(answer["AuthenticationResult"]["IdToken"])


@dataclass
class Received:
    status: int
    headers: dict[str, str]
    events: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)  # (seconds since sent, type, data)
    body: Any = None  # a JSON answer (no stream)
    pings: int = 0
    ended: float = 0.0  # seconds since sent when the body ended (or the client hung up)

    def kinds(self) -> list[str]:
        return [kind for _, kind, _ in self.events]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [data for _, k, data in self.events if k == kind]

    def text(self) -> str:
        return "".join(data["text"] for data in self.of("delta"))


def post_stream(
    base_url: str,
    path: str,
    token: str | None,
    body: Any,
    *,
    headers: dict[str, str] | None = None,
    hang_up: Callable[[Received], bool] | None = None,
    raw: bytes | None = None,
) -> Received:
    """POST `body`, read the answer event by event; `hang_up(received)` true: close the connection right there."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=120)
    sent = {"Content-Type": "application/json", **({"Authorization": token} if token else {}), **(headers or {})}
    started = time.monotonic()
    payload = raw if raw is not None else json.dumps(body).encode()
    connection.request("POST", address.path.rstrip("/") + "/" + path.lstrip("/"), body=payload, headers=sent)
    response = connection.getresponse()
    received = Received(response.status, {k.lower(): v for k, v in response.getheaders()})
    try:
        if not received.headers.get("content-type", "").startswith("text/event-stream"):
            received.body = json.loads(response.read() or b"null")
            return received
        kind, data = "message", ""
        while line := response.readline():
            text = line.decode("utf-8").rstrip("\n")
            if text.startswith(":"):
                received.pings += 1
            elif text.startswith("event: "):
                kind = text[len("event: ") :]
            elif text.startswith("data: "):
                data += text[len("data: ") :]
            elif text == "":
                received.events.append((time.monotonic() - started, kind, json.loads(data)))
                kind, data = "message", ""
                if hang_up is not None and hang_up(received):
                    break
        return received
    finally:
        received.ended = time.monotonic() - started
        connection.close()


def get_json(base_url: str, path: str, token: str, method: str = "GET") -> tuple[int, Any]:
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=60)
    try:
        connection.request(method, address.path.rstrip("/") + "/" + path.lstrip("/"), headers={"Authorization": token})
        response = connection.getresponse()
        text = response.read()
        return response.status, json.loads(text) if text else None
    finally:
        connection.close()


def wait_for(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """`check()`'s first truthy answer, polled every 50 ms."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"nothing within {timeout} s")
