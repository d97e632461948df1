"""Which stack the `genai` command talks to, and where it keeps the caller's ID token.

Outputs: `--outputs FILE`, else GENAI_OUTPUTS, else `$LOCAL_STATE_DIR/outputs.json`, else this checkout's
`.local/outputs.json`, as the UI finds them (ui/client.py `outputs_path`), from any working directory.

Token: one file per API URL under the user's configuration directory, `$XDG_CONFIG_HOME/genai-stack/tokens/`
(`~/.config/genai-stack/tokens/` when XDG_CONFIG_HOME is unset, empty or relative: "All paths set in these
environment variables must be absolute. If an implementation encounters a relative path in any of these
variables it should consider the path invalid and ignore it." https://specifications.freedesktop.org/basedir-spec/latest/).
The directory is created 0700 and each file 0600 (written to a temporary file, then renamed over the old one).
`--token-file FILE` names one file instead.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ui.cli.exits import AUTH, SESSION_ENDED, UNREACHABLE, CliError
from ui.client import Outputs, outputs_path

APP_DIR = "genai-stack"


def load_outputs(named: Path | None) -> tuple[Outputs, Path]:
    path = named or outputs_path()
    hint = (
        "`make dev`로 로컬 스택을 시작하거나 GENAI_OUTPUTS에 배포된 스택의 출력 파일(deployed-outputs.json)을 지정하세요 / "
        "start the local stack with `make dev`, or set GENAI_OUTPUTS to a deployed stack's outputs (deployed-outputs.json)."
    )
    try:
        return Outputs.load(path), path
    except FileNotFoundError:
        raise CliError(UNREACHABLE, f"스택 출력 파일이 없습니다 / No stack outputs at {path}: {hint}") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        why = f"{type(err).__name__}: {err}"
        raise CliError(UNREACHABLE, f"스택 출력 파일을 읽을 수 없습니다 / Cannot read the stack outputs {path} ({why}): {hint}") from None


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / APP_DIR


def token_path(api_url: str) -> Path:
    """`127.0.0.1_3001_api-1a2b3c4d5e6f.token`: the API's host and path to read, its hash to keep them apart."""
    url = api_url.rstrip("/") + "/"
    readable = re.sub(r"[^A-Za-z0-9.-]+", "_", url.split("://", 1)[-1]).strip("_")[:60]
    return config_dir() / "tokens" / f"{readable}-{hashlib.sha256(url.encode()).hexdigest()[:12]}.token"


def claims(token: str) -> dict[str, Any]:
    """The ID token's claims, read for the expiry and the name only (the API verifies the token itself)."""
    try:
        payload = token.split(".")[1]
        found = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


@dataclass(frozen=True)
class TokenStore:
    path: Path

    @classmethod
    def for_stack(cls, api_url: str) -> TokenStore:
        return cls(token_path(api_url))

    def save(self, token: str) -> None:
        self.path.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path.parent.mkdir(mode=0o700, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            os.fchmod(file.fileno(), 0o600)  # an older file of that name may have had other bits
            file.write(token)
        os.replace(temporary, self.path)

    def forget(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True

    def token(self, api_url: str) -> str:
        """The saved token, or CliError(AUTH) when there is none or it has expired."""
        try:
            token = self.path.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            token = ""
        if not token:
            line = f"로그인하지 않았습니다: `genai login`을 먼저 실행하세요 / Not signed in to {api_url}: run `genai login` first."
            raise CliError(AUTH, line)
        expires = claims(token).get("exp")
        if isinstance(expires, (int, float)) and expires <= time.time():
            raise CliError(AUTH, SESSION_ENDED)
        return token
