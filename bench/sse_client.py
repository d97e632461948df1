"""Reading the streaming routes as a client does, timed: each server-sent event with the moment it arrived.

`events` turns SSE lines into (type, data) as they come (comment lines such as `: ping` are skipped);
`post_stream` sends one POST over a new connection and reads the answer with readline (never read(n),
which waits for a full buffer), so each event's time is when its last line arrived. `summary` gives the
p50/p95 the stream benches report.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bench.warm import percentile


def events(lines: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """(type, parsed data) for each event in `lines` (without their line breaks), yielded at its blank line."""
    kind = "message"
    data: list[str] = []
    for line in lines:
        if line.startswith(":"):
            continue
        if line.startswith("event:"):
            kind = line[len("event:") :].removeprefix(" ")
        elif line.startswith("data:"):
            data.append(line[len("data:") :].removeprefix(" "))  # SSE: one leading space is dropped, lines join with \n
        elif line == "":
            if data:
                yield kind, json.loads("\n".join(data))
            kind, data = "message", []


@dataclass
class Stream:
    status: int
    first_byte: float = 0.0  # seconds from sending the request to the response's status line
    times: list[tuple[float, str]] = field(default_factory=list)  # (seconds since sent, event type)
    body: bytes = b""  # a JSON answer (no stream)

    def first(self, kind: str) -> float:
        """Seconds from sending the request to the first event of `kind`."""
        return next(t for t, k in self.times if k == kind)

    def kinds(self) -> list[str]:
        return [k for _, k in self.times]


def post_stream(url: str, body: dict[str, Any], headers: dict[str, str], timeout: float = 60) -> Stream:
    """POST `body` as JSON to `url` and read the answer to its end, timing each event."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=timeout)
    try:
        started = time.perf_counter()
        connection.request(
            "POST",
            address.path,
            body=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", **headers},
        )
        response = connection.getresponse()
        stream = Stream(response.status, time.perf_counter() - started)
        if "text/event-stream" not in (response.getheader("content-type") or ""):
            stream.body = response.read()
            return stream

        def lines() -> Iterator[str]:
            while line := response.readline():
                yield line.decode("utf-8").rstrip("\r\n")

        for kind, _ in events(lines()):
            stream.times.append((time.perf_counter() - started, kind))
        return stream
    finally:
        connection.close()


def summary(values: list[float]) -> dict[str, float]:
    """p50 (the median) and p95 of `values`."""
    return {"p50": statistics.median(values), "p95": percentile(values, 95)}
