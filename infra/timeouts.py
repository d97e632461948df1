"""How long each API function may wait for Bedrock, derived at synth from its timeout.

API Gateway ends a REST integration at 29 s by default (quota "Maximum integration timeout",
https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html) and does not retry the
Lambda call (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html). So a
function must stop waiting for Bedrock early enough to answer a clear 504 itself:

    read timeout = min(function timeout, 29 s) - connect timeout - answer reserve - other work

* connect timeout: the time to open a connection to Bedrock (a failed connect is retried, as the
  request was never sent);
* answer reserve: the work after the last Bedrock call (storing the turn or the pictures, the
  response); the functions also keep it free when they size each attempt at run time;
* other work: everything else the request does before or between its Bedrock calls (the
  conversation window read; Retrieve in RAG; the prompt guardrail, translation and the guardrail
  on each picture for images). These figures are estimates for normal service; when a request
  runs late, each later attempt gets only the time left (lambdas/common/bedrock.py).

The result goes into the runtime configuration (`bedrock_timeouts`), so the chat `max_tokens`
ceiling (what a model writes within its read timeout, infra/catalog/) is known to the function
and shown by GET /models.

The streaming functions (chat_stream, rag_stream) are exempt from the 29 s rule: API Gateway streams a
response for up to 15 minutes (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html)
and their timeout may be up to Lambda's 900 s. Their model call is ConverseStream, where botocore's read
timeout bounds each wait for the next event (one socket read), not the whole answer: `stream_read_seconds`
is that per-event wait, STREAM_EVENT_READ_SECONDS (twice botocore's 60 s default: the first event comes only
after the model has read the prompt, and AWS notes large models can take over 60 s,
https://repost.aws/knowledge-center/bedrock-large-model-read-timeouts), capped by what the function's
timeout leaves. A stalled stream is given up after it and answered with an `error` event.
"""

from __future__ import annotations

import math
from typing import Any

from infra.config import Functions

API_GATEWAY_TIMEOUT_SECONDS = 29
CONNECT_SECONDS = 2
ANSWER_RESERVE_SECONDS = 1.5
OTHER_WORK_SECONDS = {"chat": 1.5, "rag": 3.5, "image": 6.0}
MIN_READ_SECONDS = 5
STREAM_EVENT_READ_SECONDS = 120
STREAM_FUNCTIONS = {"chat_stream": "chat", "rag_stream": "rag"}  # stream function -> the feature whose work it does


def read_timeout(function: str, timeout_seconds: int) -> int:
    """Whole seconds the function waits for one Bedrock answer."""
    budget = min(timeout_seconds, API_GATEWAY_TIMEOUT_SECONDS) - CONNECT_SECONDS - ANSWER_RESERVE_SECONDS
    return math.floor(budget - OTHER_WORK_SECONDS[function])


def stream_read_timeout(function: str, timeout_seconds: int) -> int:
    """Whole seconds a streaming function waits for the next ConverseStream event."""
    budget = timeout_seconds - CONNECT_SECONDS - ANSWER_RESERVE_SECONDS - OTHER_WORK_SECONDS[STREAM_FUNCTIONS[function]]
    return math.floor(min(STREAM_EVENT_READ_SECONDS, budget))


def timeout_problems(functions: Functions) -> list[tuple[str, str]]:
    """(config key, message) for each API function whose timeout leaves too little time for Bedrock."""
    problems = []
    for name in (*OTHER_WORK_SECONDS, *STREAM_FUNCTIONS):
        seconds = getattr(functions, name).timeout_seconds
        read = stream_read_timeout(name, seconds) if name in STREAM_FUNCTIONS else read_timeout(name, seconds)
        if read < MIN_READ_SECONDS:
            work = OTHER_WORK_SECONDS[STREAM_FUNCTIONS.get(name, name)]
            needed = math.ceil(MIN_READ_SECONDS + CONNECT_SECONDS + ANSWER_RESERVE_SECONDS + work)
            message = f"{seconds} s leaves under {MIN_READ_SECONDS} s to wait for Bedrock; use at least {needed}"
            problems.append((f"functions.{name}.timeout_seconds", message))
    return problems


def bedrock_timeouts(functions: Functions) -> dict[str, Any]:
    """The runtime configuration's `bedrock_timeouts` section."""
    return {
        "connect_seconds": CONNECT_SECONDS,
        "answer_reserve_seconds": ANSWER_RESERVE_SECONDS,
        "read_seconds": {name: read_timeout(name, getattr(functions, name).timeout_seconds) for name in OTHER_WORK_SECONDS},
        "stream_read_seconds": {name: stream_read_timeout(name, getattr(functions, name).timeout_seconds) for name in STREAM_FUNCTIONS},
    }
