"""`python -m bench.trivial ADDRESS_FILE`: the throughput baseline, a trivial JSON endpoint on the same
loopback server the local gateway uses (local/http.py), in its own process like the stack."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from local.http import LoopbackServer


def main() -> None:
    server = LoopbackServer(lambda *_: (200, {"Content-Type": "application/json"}, b'{"ok":true}'), name="bench-trivial")
    server.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    Path(sys.argv[1]).write_text(server.address, encoding="utf-8")
    stopped.wait()
    server.stop()


if __name__ == "__main__":
    main()
