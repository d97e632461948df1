"""AWS event-stream framing (application/vnd.amazon.eventstream), the encoder botocore lacks.

A message: total length, headers length, prelude CRC32, headers, payload, message CRC32
(big-endian). botocore's EventStreamBuffer decodes what this writes; a test checks it.
ConverseStream's answers are written with these, as they are produced (local/bedrock_sim/streaming.py).
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

_STRING = 7


def _header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode("utf-8"), value.encode("utf-8")
    return struct.pack("!B", len(raw_name)) + raw_name + struct.pack("!BH", _STRING, len(raw_value)) + raw_value


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    header_bytes = b"".join(_header(k, v) for k, v in headers.items())
    total = 12 + len(header_bytes) + len(payload) + 4
    prelude = struct.pack("!II", total, len(header_bytes))
    prelude += struct.pack("!I", zlib.crc32(prelude) & 0xFFFFFFFF)
    message = prelude + header_bytes + payload
    return message + struct.pack("!I", zlib.crc32(message) & 0xFFFFFFFF)


def event(event_type: str, body: dict[str, Any]) -> bytes:
    return encode_message(
        {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"},
        json.dumps(body).encode("utf-8"),
    )


def exception(error_code: str, message: str) -> bytes:
    return encode_message(
        {":exception-type": error_code, ":content-type": "application/json", ":message-type": "exception"},
        json.dumps({"message": message}).encode("utf-8"),
    )
