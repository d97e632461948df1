#!/bin/bash
exec python -m uvicorn "$STREAM_APP" --host 127.0.0.1 --port "${AWS_LWA_PORT:-8080}" --no-access-log --log-level warning
