"""`make dev`'s entry point (`python -m local.stack`) when a port it must listen on is already taken."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.live import ROOT

FREE = {"LOCAL_API_PORT": "0", "LOCAL_AWS_PORT": "0", "LOCAL_BEDROCK_PORT": "0", "LOCAL_UI_PORT": "off"}


@pytest.fixture
def held_port() -> Iterator[int]:
    """A loopback port another process (here: this one) is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def _start(state: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env.update(LOCAL_STATE_DIR=str(state), **{**FREE, **variables})
    command = [sys.executable, "-m", "local.stack"]
    try:
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired as err:  # the old moto server waited forever for a port it could not bind
        pytest.fail(f"the stack neither started nor stopped within 90 s: {(err.stderr or b'')[-2000:]!r}")


@pytest.mark.parametrize(
    ("variable", "named"),
    [
        ("LOCAL_API_PORT", "LOCAL_API_PORT"),
        ("LOCAL_AWS_PORT", "LOCAL_AWS_PORT"),
        ("LOCAL_BEDROCK_PORT", "LOCAL_BEDROCK_PORT"),
        ("LOCAL_UI_PORT", "UI_PORT"),  # make dev UI_PORT=… sets LOCAL_UI_PORT: the message names the make variable
    ],
)
def test_given_a_port_held_by_another_process_when_the_stack_starts_then_one_bilingual_line_names_it_and_it_exits(
    tmp_path, held_port, variable, named
):
    result = _start(tmp_path / "state", **{variable: str(held_port)})

    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert str(held_port) in line
    assert named in line
    assert "이미 사용 중인 포트" in line
    assert "is already in use" in line
    assert not (tmp_path / "state" / "outputs.json").exists()  # nothing started


def test_given_a_port_taken_between_the_check_and_the_bind_then_the_same_error_names_it():
    from local import ports

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        number = int(holder.getsockname()[1])
        with pytest.raises(ports.PortBusyError) as caught, ports.claimed(ports.API, number):
            socket.create_server(("127.0.0.1", number))

    assert caught.value.number == number
    assert "LOCAL_API_PORT" in str(caught.value)


def test_given_a_held_port_when_the_local_moto_server_starts_then_it_raises_rather_than_waiting(held_port):
    from local.moto_server import SerialMotoServer

    server = SerialMotoServer(ip_address="127.0.0.1", port=held_port, verbose=False)
    outcome: dict[str, BaseException] = {}

    def run() -> None:
        try:
            server.start()
        except OSError as err:
            outcome["error"] = err

    starting = threading.Thread(target=run, daemon=True)
    starting.start()
    starting.join(15)

    assert not starting.is_alive(), "start() is still waiting for a server that could not bind"
    assert isinstance(outcome.get("error"), OSError)
    assert outcome["error"].errno == errno.EADDRINUSE  # type: ignore[attr-defined]
