"""moto's threaded server, serving one request at a time.

moto's backends are not thread-safe: concurrent DynamoDB writes from several clients fail inside moto
("dictionary changed size during iteration", HTTP 500). The local stack serves many clients at once,
so requests to moto take a lock; connections are still accepted concurrently.

The port is bound in `start()`, in the caller's thread, so a port already in use is an OSError the
caller sees (moto's own server binds in its thread and leaves `start()` waiting forever).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server


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
        self._server_ready_event.set()
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        super().stop()
        self._server.server_close()  # type: ignore[union-attr]
