"""moto's threaded server as the local stack runs it: one request at a time, its DynamoDB adapted for big tables.

moto's backends are not thread-safe: concurrent DynamoDB writes from several clients fail inside moto
("dictionary changed size during iteration", HTTP 500). The local stack serves many clients at once,
so requests to moto take a lock; connections are still accepted concurrently.

While a server runs, moto's DynamoDB uses local/moto_dynamodb.py (transactions and queries whose cost does not grow
with the table). The port is bound in `start()`, in the caller's thread, so a port already in use is an OSError the
caller sees (moto's own server binds in its thread and leaves `start()` waiting forever).

S3 answers a GET or HEAD of a missing object with 403 AccessDenied to the stack's functions, which hold no s3:ListBucket
that would make it a 404: local/moto_s3.py gives moto's S3 the same answer.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

import moto
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import MotoRequestHandler
from werkzeug.serving import make_server

from local import moto_dynamodb, moto_s3


class SerialMotoServer(ThreadedMotoServer):
    def start(self) -> None:
        app = moto_s3.moto_app()  # a missing object's GET/HEAD answers S3's 403 (local/moto_s3.py)
        lock = self._lock = threading.Lock()

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

    def table_items(self, table: str, region: str) -> list[dict[str, Any]]:
        """Every item of a DynamoDB table of this server, as a Scan returns them (DynamoDB JSON, in key order), read in
        one step while no request is served. A paginated Scan of 10,000 items took ~30 s (each page sorts the whole
        table, then moto's serializer writes every attribute); this takes ~0.3 s (local/snapshot.py saves with it)."""
        with self._lock:
            found = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].get_table(table)
            return [item.to_json()["Attributes"] for item in found.all_items()]

    def stop(self) -> None:
        super().stop()
        self._server.server_close()  # type: ignore[union-attr]
        moto_dynamodb.release()
