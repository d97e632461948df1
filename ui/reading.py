"""A streamed answer read on its own thread into a `Reply`, for the Streamlit pages.

A click in Streamlit (the Stop button, any widget) reruns the page script and ends the running one at its
next element update (`runner.fastReruns`). The stream must outlive that: the page keeps the `Reading` in the
session, the rerun shows it again from where it is, and Stop asks the API to end it (POST /streams/{id}/stop),
after which the stream itself ends with `done` `interrupted`, as deployed (a deployed function does not notice
a client that hangs up: docs/api.md#poststreamsidstop). The thread only reads and records; Streamlit calls stay
on the script's thread.
"""

from __future__ import annotations

import threading
from typing import Any

from ui.client import ApiError, Client
from ui.streamed import Reply


class Reading:
    def __init__(self, client: Client, path: str, body: dict[str, Any]) -> None:
        self.client = client
        self.reply = Reply()
        self.failure: ApiError | None = None  # refused before the stream, an `error` is in reply.error instead
        self.finished = False
        self._changed = threading.Condition()
        self._version = 0
        self._claimed = False
        self._thread = threading.Thread(target=self._read, args=(path, body), name="genai-stream", daemon=True)
        self._thread.start()

    def _read(self, path: str, body: dict[str, Any]) -> None:
        try:
            with self.client.stream(path, body) as events:
                for event in events:
                    with self._changed:
                        self.reply.apply(event)
                        self._bump()
        except ApiError as err:
            self.failure = err
        except OSError as err:  # the API did not answer at all
            message = f"The API at {self.client.api_url} did not answer: {err}"
            self.failure = ApiError(0, {"error": {"code": "unreachable", "message": message}})
        finally:
            with self._changed:
                self.finished = True
                self._bump()

    def _bump(self) -> None:
        self._version += 1
        self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """The version after `seen` (something changed), or `seen` again after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._version != seen, timeout)
            return self._version

    def wait_started(self, timeout: float) -> str | None:
        """The stream's id once its `start` event came (None if it ended or `timeout` passed first)."""
        with self._changed:
            self._changed.wait_for(lambda: self.reply.stream_id is not None or self.finished, timeout)
            return self.reply.stream_id

    def stop(self) -> bool:
        """Ask the API to end the stream (raises ApiError as `Client.call` does); it then ends with `done`.
        False when there was nothing to stop: it had already ended, or had not started within 10 s."""
        with self._changed:
            self.reply.stopped = True
            self._bump()
        stream_id = self.wait_started(10.0)
        if not stream_id or self.finished:
            return False
        self.client.stop(stream_id)
        return True

    def claim(self) -> bool:
        """True for the first caller only: the one run that records the finished answer (an ended run may race)."""
        with self._changed:
            first, self._claimed = not self._claimed, True
            return first
