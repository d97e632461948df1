"""The ports `make dev` listens on, and one clear line when one is taken.

Every fixed port is tried before anything starts (`check_free`), and each server's own bind is wrapped
(`claimed`) for a port taken in between: either way the stack stops with one line, in Korean and English,
naming the port and the variable that moves it (exit status 2, no traceback). The streaming functions'
ports are free ones the stack picks itself (local/stream_apps.py), so no variable moves them.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Port:
    korean: str  # what listens there
    english: str
    variable: str  # what a user sets to move it
    example: str  # the command that moves it


API = Port("로컬 API 게이트웨이", "the local API", "LOCAL_API_PORT", "LOCAL_API_PORT=3001 make dev")
AWS = Port("moto: DynamoDB·S3·Cognito", "moto: DynamoDB, S3, Cognito", "LOCAL_AWS_PORT", "LOCAL_AWS_PORT=5051 make dev")
BEDROCK = Port("오프라인 Bedrock", "the offline Bedrock", "LOCAL_BEDROCK_PORT", "LOCAL_BEDROCK_PORT=5101 make dev")
UI = Port("Streamlit UI", "the Streamlit UI", "UI_PORT", "make dev UI_PORT=8502")


class PortBusyError(RuntimeError):
    """A port the local stack must listen on is taken; the message says which and how to move it."""

    def __init__(self, port: Port, number: int) -> None:
        self.port, self.number = port, number
        super().__init__(
            f"이미 사용 중인 포트: {number}({port.korean}). 그 포트를 쓰는 프로세스를 멈추거나 {port.variable}로 다른 포트를 "
            f"지정하세요(예: {port.example}). / Port {number} ({port.english}) is already in use: stop the process holding it, "
            f"or set {port.variable} to another port (e.g. {port.example})."
        )


def check_free(ports: dict[Port, int]) -> None:
    """Raise PortBusyError for the first fixed port (not 0) that cannot be bound on loopback now."""
    for port, number in ports.items():
        if number == 0:
            continue
        with claimed(port, number), socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # As the servers bind: SO_REUSEADDR, so a closed connection still in TIME_WAIT is not "busy".
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((HOST, number))


@contextmanager
def claimed(port: Port, number: int) -> Iterator[None]:
    """Turn "address already in use" from binding `number` inside the block into PortBusyError."""
    try:
        yield
    except OSError as err:
        if err.errno != errno.EADDRINUSE:
            raise
        raise PortBusyError(port, number) from None
