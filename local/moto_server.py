"""moto's threaded server as the local stack runs it: one request at a time, its DynamoDB adapted for big tables.

moto's backends are not thread-safe: concurrent DynamoDB writes from several clients fail inside moto
("dictionary changed size during iteration", HTTP 500). The local stack serves many clients at once,
so requests to moto take a lock; connections are still accepted concurrently.

While a server runs, moto's DynamoDB uses local/moto_dynamodb.py (transactions and queries whose cost does not grow
with the table). The port is bound in `start()`, in the caller's thread, so a port already in use is an OSError the
caller sees (moto's own server binds in its thread and leaves `start()` waiting forever).
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

import moto
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from local import moto_dynamodb


class SerialMotoServer(ThreadedMotoServer):
    def start(self) -> None:
        app = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()

        def serial(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            with lock:
                return list(app(environ, start_response))

        # Bound here, so a port in use raises OSError (werkzeug, binding itself, prints its own lines and exits).
        with socket.create_server((self._ip_address, self._port)) as listening:
            self._server = make_server(
                self._ip_address, self._port, serial, True, request_handler=MotoRequestHandler, fd=listening.fileno()
            )  # werkzeug serves a duplicate of this socket
        if not moto_dynamodb.acquire():
            print(
                f"local DynamoDB: moto {moto.__version__} is not {moto_dynamodb.CHECKED}, the version local/moto_dynamodb.py was "
                "checked against; moto's own transactions copy the whole table (slower as the table grows)",
                file=sys.stderr,
            )
        self._server_ready_event.set()
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        super().stop()
        self._server.server_close()  # type: ignore[union-attr]
        moto_dynamodb.release()
