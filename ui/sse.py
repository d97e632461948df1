"""Server-sent events, read as they arrive: a parser with no I/O, and a reader over an HTTP response.

The framing is the WHATWG one (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
lines end with CRLF, LF or CR; a blank line ends an event; a line starting with `:` is a comment (the API's
`: ping`); `field: value` loses one space after the colon; several `data` lines join with a line feed; an
event without data is not dispatched, nor is one the stream ends in the middle of. Chunk boundaries need not
match event or even character boundaries (docs/api.md#streaming-post-chatstream-and-post-ragquerystream), so
the bytes go through an incremental UTF-8 decoder and lines wait for their terminator.

The reader uses `read1()`, which returns what has arrived (at least one byte), never `read(n)`, which waits
for n bytes and would hold back the first words.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

READ_SIZE = 64 * 1024


@dataclass(frozen=True)
class RawEvent:
    kind: str  # the `event:` field, "message" when absent
    data: str


class Readable(Protocol):
    def read1(self, size: int = ..., /) -> bytes: ...


class SseParser:
    """Feed it bytes as they come; it hands back the events they complete."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # text after the last complete line
        self._kind = ""
        self._data: list[str] = []
        self.comments = 0

    def feed(self, chunk: bytes) -> list[RawEvent]:
        return self._lines(self._decoder.decode(chunk), final=False)

    def close(self) -> list[RawEvent]:
        """The stream ended: a last line without its terminator still counts, a half-sent event does not."""
        return self._lines(self._decoder.decode(b"", final=True), final=True)

    def _lines(self, text: str, *, final: bool) -> list[RawEvent]:
        buffer = self._pending + text
        events: list[RawEvent] = []
        start = 0
        while True:
            cr, lf = buffer.find("\r", start), buffer.find("\n", start)
            ends = [i for i in (cr, lf) if i >= 0]
            if not ends:
                break
            end = min(ends)
            if buffer[end] == "\r" and end + 1 == len(buffer) and not final:
                break  # a CR last: its LF may come in the next chunk
            step = 2 if buffer.startswith("\r\n", end) else 1
            found = self._line(buffer[start:end])
            if found:
                events.append(found)
            start = end + step
        self._pending = buffer[start:]
        if final:
            if self._pending:
                self._line(self._pending)  # a field line, but no blank line follows: nothing to dispatch
            self._pending, self._kind, self._data = "", "", []
        return events

    def _line(self, line: str) -> RawEvent | None:
        if line == "":
            if not self._data:
                self._kind = ""
                return None
            event = RawEvent(self._kind or "message", "\n".join(self._data))
            self._kind, self._data = "", []
            return event
        if line.startswith(":"):
            self.comments += 1
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._kind = value
        elif name == "data":
            self._data.append(value)
        return None  # `id`, `retry` and unknown fields: nothing this client uses


def read_events(response: Readable, parser: SseParser | None = None) -> Iterator[RawEvent]:
    """Every event of `response` as soon as its blank line has arrived."""
    parser = parser or SseParser()
    while chunk := response.read1(READ_SIZE):
        yield from parser.feed(chunk)
    yield from parser.close()
