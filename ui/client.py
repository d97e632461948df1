"""A small client for the API: sign in with Cognito, call the routes, read the streaming routes' events as they
arrive, find and read the stack's outputs (`GENAI_OUTPUTS`, else `$LOCAL_STATE_DIR/outputs.json`).

Works against the local stack (`make dev`) and a deployed stack alike: the outputs name the API
URL, the user pool client and, locally, the Cognito endpoint.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from ui.event_stream import ApiError as ApiError
from ui.event_stream import EventStream
from ui.event_stream import ServerEvent as ServerEvent
from ui.event_stream import StreamBrokenError as StreamBrokenError

ROOT = Path(__file__).resolve().parent.parent
UPLOAD_CHUNK = 256 * 1024


def outputs_path() -> Path:
    """GENAI_OUTPUTS, else the local stack's `.local/outputs.json` in this checkout (LOCAL_STATE_DIR moves it), from
    any working directory: what the UI and the `genai` command both read."""
    named = os.environ.get("GENAI_OUTPUTS")
    if named:
        return Path(named)
    return Path(os.environ.get("LOCAL_STATE_DIR") or ROOT / ".local") / "outputs.json"


@dataclass(frozen=True)
class Outputs:
    api_url: str
    client_id: str
    region: str
    cognito_endpoint: str | None = None

    user_pool_id: str = ""
    demo_users: tuple[tuple[str, str], ...] = ()  # the local stack's (username, password) pairs
    bedrock_endpoint: str | None = None  # the local stack's: its offline Bedrock's URL, or "aws (<region>)"

    @classmethod
    def load(cls, path: Path | None = None) -> Outputs:
        """`make dev`'s outputs.json, or `cdk deploy --outputs-file`'s (outputs nested under the stack name)."""
        path = path or outputs_path()
        data = json.loads(path.read_text(encoding="utf-8"))
        if "ApiUrl" not in data:
            stacks = [v for v in data.values() if isinstance(v, dict) and "ApiUrl" in v]
            if len(stacks) != 1:
                raise ValueError(f"{path}: expected the outputs of one stack (ApiUrl, UserPoolClientId, Region)")
            data = stacks[0]
        demo = tuple((u["username"], u["password"]) for u in data.get("DemoUsers", []))
        return cls(
            data["ApiUrl"],
            data["UserPoolClientId"],
            data["Region"],
            data.get("CognitoEndpoint"),
            data.get("UserPoolId", ""),
            demo,
            data.get("BedrockEndpoint"),
        )


def sign_in(outputs: Outputs, username: str, password: str, new_password: str | None = None) -> str:
    """An ID token from the user pool (USER_PASSWORD_AUTH, over TLS to Cognito in AWS).

    Raises NewPasswordRequiredError when the account still has its temporary password and no
    `new_password` was given; with one, answers the challenge and signs in.
    """
    cognito = boto3.client("cognito-idp", region_name=outputs.region, endpoint_url=outputs.cognito_endpoint)
    result = cognito.initiate_auth(
        ClientId=outputs.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password}
    )
    if result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        if not new_password:
            raise NewPasswordRequiredError(username)
        result = cognito.respond_to_auth_challenge(
            ClientId=outputs.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=result["Session"],
            ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": new_password},
        )
    if "AuthenticationResult" not in result:
        raise ApiError(401, {"error": {"code": "challenge", "message": f"sign-in needs {result.get('ChallengeName')}, not supported here"}})
    return str(result["AuthenticationResult"]["IdToken"])


class NewPasswordRequiredError(Exception):
    """The user pool wants a new password before it signs this user in (an admin-created account)."""


def sign_in_srp(outputs: Outputs, username: str, password: str, new_password: str | None = None) -> str:
    """An ID token through Secure Remote Password: the password itself never leaves this process.

    Raises NewPasswordRequiredError when the account still has its temporary password and no
    `new_password` was given; with one, sets it and signs in.
    """
    from pycognito.aws_srp import AWSSRP
    from pycognito.exceptions import ForceChangePasswordException, SMSMFAChallengeException, SoftwareTokenMFAChallengeException

    cognito = boto3.client("cognito-idp", region_name=outputs.region, endpoint_url=outputs.cognito_endpoint)
    srp = AWSSRP(username=username, password=password, pool_id=outputs.user_pool_id, client_id=outputs.client_id, client=cognito)
    try:
        result = srp.set_new_password_challenge(new_password) if new_password else srp.authenticate_user()
    except ForceChangePasswordException:
        raise NewPasswordRequiredError(username) from None
    except (SMSMFAChallengeException, SoftwareTokenMFAChallengeException):
        message = "this account signs in with MFA, which this client does not support yet"
        raise ApiError(401, {"error": {"code": "mfa_required", "message": message}}) from None
    return str(result["AuthenticationResult"]["IdToken"])


def _multipart(fields: dict[str, str], content_type: str, boundary: str) -> tuple[bytes, bytes]:
    """The form fields and file header before the file, and the closing boundary after it."""
    head = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items())
    file_part = f'Content-Disposition: form-data; name="file"; filename="upload"\r\nContent-Type: {content_type}'
    head += f"--{boundary}\r\n{file_part}\r\n\r\n".encode()
    return head, f"\r\n--{boundary}--\r\n".encode()


def _api_error(status: int, raw: bytes) -> ApiError:
    text = raw.decode("utf-8", "replace")
    try:
        return ApiError(status, json.loads(text) if text else None)
    except ValueError:  # not the API's JSON (a proxy's page): keep the start of it
        return ApiError(status, {"error": {"code": "http_error", "message": text[:500] or f"HTTP {status}"}})


class Client:
    def __init__(self, api_url: str, token: str, timeout: float = 60) -> None:
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"
        self.token, self.timeout = token, timeout
        self.status: int | None = None  # the HTTP status of the last call (the S3 POST's after an upload)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.api_url + path.lstrip("/"), data=data, method=method)
        request.add_header("Authorization", self.token)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                self.status = response.status
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            self.status = err.code
            raise _api_error(err.code, err.read()) from None
        return json.loads(text) if text else None

    def download(self, path: str) -> bytes:
        """A GET whose answer is a file, not JSON (`admin/usage?format=csv`): its bytes exactly as sent; a refusal is
        the API's JSON error (ApiError), as with `call`."""
        request = urllib.request.Request(self.api_url + path.lstrip("/"), method="GET")
        request.add_header("Authorization", self.token)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                self.status = response.status
                return bytes(response.read())
        except urllib.error.HTTPError as err:
            self.status = err.code
            raise _api_error(err.code, err.read()) from None

    def stream(self, path: str, body: dict[str, Any]) -> EventStream:
        """POST to a streaming route (`chat/stream`, `rag/query/stream`). A refusal before the stream starts is the
        API's JSON error (ApiError); `timeout` bounds each wait between bytes (the API pings every 15 s)."""
        request = urllib.request.Request(
            self.api_url + path.lstrip("/"), data=json.dumps(body, ensure_ascii=False).encode("utf-8"), method="POST"
        )
        request.add_header("Authorization", self.token)
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "text/event-stream")
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as err:
            self.status = err.code
            raise _api_error(err.code, err.read()) from None
        self.status = response.status
        if not response.headers.get("Content-Type", "").startswith("text/event-stream"):
            with response:
                raise _api_error(response.status, response.read())
        return EventStream(response)

    def stop(self, stream_id: str) -> Any:
        """Ask the caller's running stream to stop (POST /streams/{id}/stop): it ends with `done` `interrupted`."""
        return self.call("POST", f"streams/{urllib.parse.quote(stream_id, safe='')}/stop")

    def all_pages(self, path: str, field: str, page_size: int = 100, query: dict[str, str] | None = None) -> list[Any]:
        """Every item of a paged listing (`documents`, `conversations`), following `next_token` to the last page."""
        items: list[Any] = []
        token: str | None = None
        while True:
            query_text = urllib.parse.urlencode({"limit": page_size, **(query or {}), **({"next_token": token} if token else {})})
            page = self.call("GET", f"{path}?{query_text}")
            items += page[field]
            token = page.get("next_token")
            if not token:
                return items

    def documents(self) -> list[dict[str, Any]]:
        """Every document of the knowledge base (GET /documents, page by page)."""
        return self.all_pages("documents", "documents")

    def upload(
        self,
        name: str,
        data: bytes,
        content_type: str,
        metadata: dict[str, Any] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Any:
        """Ask for a presigned upload, then send the file with it (multipart form), reporting bytes sent."""
        offer = self.call(
            "POST",
            "documents",
            {"filename": name, "content_type": content_type, "size": len(data), **({"metadata": metadata} if metadata else {})},
        )
        return self._send_form(offer, data, content_type, progress)

    def attach(self, name: str, data: bytes, content_type: str) -> Any:
        """A file for a chat turn: POST /chat/attachments, then the presigned POST; the answer's `key` goes in the turn."""
        offer = self.call("POST", "chat/attachments", {"name": name, "content_type": content_type, "size": len(data)})
        return self._send_form(offer, data, content_type, None)

    def _send_form(self, offer: Any, data: bytes, content_type: str, progress: Callable[[int, int], None] | None) -> Any:
        boundary = "----genai-upload"
        head, tail = _multipart(offer["upload"]["fields"], content_type, boundary)

        def body() -> Iterator[bytes]:
            yield head
            for start in range(0, len(data), UPLOAD_CHUNK):
                yield data[start : start + UPLOAD_CHUNK]
                if progress:
                    progress(min(start + UPLOAD_CHUNK, len(data)), len(data))
            yield tail

        request = urllib.request.Request(offer["upload"]["url"], data=body(), method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        request.add_header("Content-Length", str(len(head) + len(data) + len(tail)))
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                self.status = response.status
        except urllib.error.HTTPError as err:
            self.status = err.code
            raise ApiError(err.code, {"error": {"code": "upload_failed", "message": err.read().decode("utf-8", "replace")[:500]}}) from None
        return offer
