"""A small client for the API: sign in with Cognito, call the routes, read `.local/outputs.json`.

Works against the local stack (`make dev`) and a deployed stack alike: the outputs name the API
URL, the user pool client and, locally, the Cognito endpoint.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

DEFAULT_OUTPUTS = Path(".local") / "outputs.json"


class ApiError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        super().__init__(f"{status} {error.get('code', '')}: {error.get('message', body)}")
        self.status, self.body = status, body


@dataclass(frozen=True)
class Outputs:
    api_url: str
    client_id: str
    region: str
    cognito_endpoint: str | None = None

    @classmethod
    def load(cls, path: Path = DEFAULT_OUTPUTS) -> Outputs:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["ApiUrl"], data["UserPoolClientId"], data["Region"], data.get("CognitoEndpoint"))


def sign_in(outputs: Outputs, username: str, password: str) -> str:
    """An ID token from the user pool (USER_PASSWORD_AUTH)."""
    cognito = boto3.client("cognito-idp", region_name=outputs.region, endpoint_url=outputs.cognito_endpoint)
    result = cognito.initiate_auth(
        ClientId=outputs.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password}
    )
    if "AuthenticationResult" not in result:
        raise ApiError(401, {"error": {"code": "challenge", "message": f"sign-in needs {result.get('ChallengeName')}"}})
    return str(result["AuthenticationResult"]["IdToken"])


class Client:
    def __init__(self, api_url: str, token: str, timeout: float = 60) -> None:
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"
        self.token, self.timeout = token, timeout

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.api_url + path.lstrip("/"), data=data, method=method)
        request.add_header("Authorization", self.token)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            text = err.read().decode("utf-8")
            raise ApiError(err.code, json.loads(text) if text else None) from None
        return json.loads(text) if text else None

    def upload(self, path: Path, content_type: str, metadata: dict[str, Any] | None = None) -> Any:
        """Ask for a presigned upload, then send the file with it (multipart form)."""
        data = path.read_bytes()
        offer = self.call("POST", "documents", {"filename": path.name, "content_type": content_type, "size": len(data),
                                                 **({"metadata": metadata} if metadata else {})})  # fmt: skip
        boundary = "----genai-upload"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in offer["upload"]["fields"].items()
        ]
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload"\r\nContent-Type: {content_type}\r\n\r\n'
        body = b"".join(parts) + head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(offer["upload"]["url"], data=body, method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        with urllib.request.urlopen(request, timeout=self.timeout):
            pass
        return offer
