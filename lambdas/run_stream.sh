#!/bin/bash
# The streaming functions' handler: the Lambda Web Adapter layer (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap) runs it,
# then forwards each invocation as HTTP to this server (AWS_LWA_PORT) and streams its answer back
# (AWS_LWA_INVOKE_MODE=response_stream). STREAM_APP names the ASGI app: chat.stream:app or rag.stream:app.
# Loopback only: the request-context header carrying the caller's claims is trusted because only the adapter
# can reach the app. Layers (uvicorn, starlette, powertools) are under /opt/python; the code is the working directory.
PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}/opt/python:${LAMBDA_TASK_ROOT:-.}" \
  exec python -m uvicorn "$STREAM_APP" --host 127.0.0.1 --port "${AWS_LWA_PORT:-8080}" --no-access-log --log-level warning
