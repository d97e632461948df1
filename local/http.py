"""A small threaded HTTP server on loopback that hands each request to one function."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A body is bytes (sent with Content-Length) or an iterator of chunks, each written as soon as it is produced with
# HTTP/1.1 chunked framing (Transfer-Encoding: chunked, hand-written: http.server has no chunked writer).
Body = bytes | Iterator[bytes]
Answer = tuple[int, dict[str, str], Body]
Respond = Callable[[str, str, dict[str, str], bytes], Answer]
# The answer to a request http.server refuses before `respond` sees it (URI too long, bad request line).
ProtocolError = Callable[[int, str], tuple[int, dict[str, str], bytes]]
log = logging.getLogger("local.http")


def route_pattern(template: str) -> re.Pattern[str]:
    """A path template as API Gateway and botocore's service models write it, as a regex with a named group per
    label: `{name}` matches one path segment, a greedy `{name+}` the rest of the path."""
    regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(template))
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
    return re.compile(f"^{regex}$")


def _handler_class(respond: Respond, protocol_error: ProtocolError | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: without this, delayed ACKs add ~40 ms

        def handle(self) -> None:
            try:
                super().handle()
            except (ConnectionResetError, BrokenPipeError):  # the client dropped the connection (e.g. a stream it
                self.close_connection = True  # stopped reading): nothing left to answer, not a server error

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            if protocol_error is None:
                super().send_error(code, message, explain)
                return
            status, headers, payload = protocol_error(code, message or self.responses.get(code, ("Error",))[0])
            self.close_connection = True
            self.send_response(status)
            for key, value in {**headers, "Content-Length": str(len(payload)), "Connection": "close"}.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length", 0) or 0)
            body = self.rfile.read(length) if length else b""
            try:
                status, headers, payload = respond(self.command, self.path, dict(self.headers.items()), body)
            except Exception:  # a bug behind `respond`: answer 500 and log it, never drop the connection unanswered
                log.exception("%s %s failed", self.command, self.path)
                self.send_error(500, "Internal server error")
                return
            if not isinstance(payload, bytes):
                self._stream(status, headers, payload)
                return
            self.send_response(status)
            sized = {"Content-Length": str(len(payload))}
            if self.command == "HEAD" and any(k.lower() == "content-length" for k in headers):
                sized = {}  # a HEAD answer names the length of the body it does not send
            for key, value in {**headers, **sized}.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def _stream(self, status: int, headers: dict[str, str], chunks: Iterator[bytes]) -> None:
            """Each chunk as it comes (one write each); a client gone is seen at the next write, which closes `chunks`."""
            self.send_response(status)
            for key, value in {**headers, "Transfer-Encoding": "chunked"}.items():
                self.send_header(key, value)
            try:
                self.end_headers()
                for chunk in chunks:
                    if chunk:  # a zero-length chunk is the end of the body: never one mid-stream
                        self.wfile.write(b"%X\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            except Exception:  # the body failed part-way: end the connection without the last chunk (a truncated body)
                log.exception("%s %s failed while streaming", self.command, self.path)
                self.close_connection = True
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 - quiet
            return

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # http.server's default of 5 resets connections when many clients call at once


class LoopbackServer:
    def __init__(
        self,
        respond: Respond,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "local-http",
        protocol_error: ProtocolError | None = None,
    ) -> None:
        self._server = _Server((host, port), _handler_class(respond, protocol_error))
        self._name = name

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, name=self._name, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
