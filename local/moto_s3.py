"""moto's server answering a read of a missing S3 object as S3 answers the stack's functions: 403 AccessDenied.

S3's GetObject and HeadObject pages, section "Permissions": "If the object you request doesn't exist, the error that
Amazon S3 returns depends on whether you also have the s3:ListBucket permission. If you have the s3:ListBucket
permission on the bucket, Amazon S3 returns an HTTP status code 404 Not Found error. If you don't have the
s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Access Denied error."
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html ,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). No function of the stack holds an unconditioned
s3:ListBucket (rag's is conditioned on s3:prefix, which a GetObject request does not carry), so on AWS they meet the
403; moto, which checks no permissions, answers 404. This layer turns that 404 into S3's 403 (lambdas/common/storage.py
`object_missing` is the functions' side of the rule).

Only S3 requests (SigV4 credential scope `/s3/aws4_request`, in the Authorization header or a presigned URL's
X-Amz-Credential), only GET and HEAD of an object (path-style `/bucket/key`), only a 404 whose body names NoSuchKey (a
HEAD's 404 has no body: the same request asked as a GET must name NoSuchKey). A missing bucket (NoSuchBucket) and every other call
are moto's own answer. Not modelled: a caller with an unconditioned ListBucket, who gets the 404 on AWS (the stack
grants none).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

S3_SCOPE = "/s3/aws4_request"
DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>0000000000000000</RequestId>"
    b"<HostId>local</HostId></Error>"
)


def _s3_request(environ: dict[str, Any]) -> bool:
    if S3_SCOPE in environ.get("HTTP_AUTHORIZATION", ""):
        return True
    credential = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential", [""])[0]
    return credential.endswith(S3_SCOPE)


def _object_read(environ: dict[str, Any]) -> bool:
    """A GET or HEAD of `/bucket/key` (a key of at least one character) signed for S3."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    bucket, _, key = environ.get("PATH_INFO", "").lstrip("/").partition("/")
    return bool(bucket and key) and _s3_request(environ)


def _answer(app: Wsgi, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """moto's whole answer (status, headers, body), held back from the client."""
    answer: dict[str, Any] = {}
    written: list[bytes] = []

    def hold(status: str, headers: list[tuple[str, str]], _exc_info: Any = None) -> Callable[[bytes], None]:
        answer.update(status=status, headers=headers)
        return written.append

    chunks = app(environ, hold)
    try:
        written.extend(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return answer["status"], answer["headers"], b"".join(written)


def _no_such_key(app: Wsgi, environ: dict[str, Any], body: bytes) -> bool:
    """Whether moto's 404 is a missing key (not a missing bucket). A HEAD's 404 has no body to tell them apart, so the
    same request is asked again as a GET (no side effect; only after a 404)."""
    if environ["REQUEST_METHOD"] == "HEAD":
        body = _answer(app, {**environ, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO(b"")})[2]
    return b"<Code>NoSuchKey</Code>" in body


def missing_object_denied(app: Wsgi) -> Wsgi:
    """`app` with S3's answer to a caller without s3:ListBucket reading a missing object (module docstring)."""

    def layer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not _object_read(environ):
            return app(environ, start_response)
        status, headers, body = _answer(app, environ)
        if not (status.startswith("404") and _no_such_key(app, environ, body)):
            start_response(status, headers)
            return [body]
        start_response("403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(DENIED)))])
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else DENIED]

    return layer


def moto_app() -> Wsgi:
    """moto's server application with the layer."""
    return missing_object_denied(DomainDispatcherApplication(create_backend_app))


class DeniedMissingMotoServer(ThreadedMotoServer):
    """moto's own threaded server (its DynamoDB unchanged) with the layer: the integration tests' moto."""

    def _server_entry(self) -> None:
        self._server = make_server(self._ip_address, self._port, moto_app(), True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()
