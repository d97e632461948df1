"""The API's errors as the client raises them, and a streamed answer's events read as they arrive (ui/client.py's
Client.stream returns an EventStream; ui/sse.py parses the bytes)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ui.sse import SseParser, read_events


class ApiError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        super().__init__(f"{status} {error.get('code', '')}: {error.get('message', body)}")
        self.status, self.body = status, body


STREAM_BROKEN = (
    "답변이 끝나기 전에 스트림이 끊겼습니다. 연결을 확인하고 다시 시도하세요. / "
    "The stream broke off before the answer was complete: check the connection and try again."
)


class StreamBrokenError(ApiError):
    """A stream that ended without its `done` or `error` event, or could not be read: a transport failure."""

    def __init__(self, cause: str) -> None:
        super().__init__(0, {"error": {"code": "stream_broken", "message": STREAM_BROKEN, "details": {"cause": cause}}})


@dataclass(frozen=True)
class ServerEvent:
    kind: str  # start, delta, citation, guardrail, usage, done, error
    data: dict[str, Any]


class EventStream:
    """The events of one streamed answer, each as soon as it has arrived; iterate once. Ends after `done` or
    `error`; a stream that ends otherwise raises StreamBrokenError. Closing it (or leaving its `with` block)
    hangs up, which the local stack counts as a stop; deployed, call `Client.stop` (docs/api.md)."""

    def __init__(self, response: Any) -> None:
        self._response = response
        self._parser = SseParser()
        self.finished = False

    @property
    def pings(self) -> int:
        return self._parser.comments

    def __iter__(self) -> Iterator[ServerEvent]:
        try:
            for raw in read_events(self._response, self._parser):
                try:
                    data = json.loads(raw.data)
                except ValueError:
                    raise StreamBrokenError(f"an event whose data is not JSON: {raw.data[:80]!r}") from None
                yield ServerEvent(raw.kind, data)
                if raw.kind in ("done", "error"):
                    self.finished = True
                    return
        except (OSError, http.client.HTTPException) as err:  # a timeout between bytes, a reset, a cut chunk
            raise StreamBrokenError(f"{type(err).__name__}: {err}") from None
        raise StreamBrokenError("the stream ended without its done or error event")

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
