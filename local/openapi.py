"""The API's OpenAPI document, generated from the handlers' code (Powertools) and merged.

Each function's resolver describes its routes and models; this module merges the four, adds the
streaming routes (served by their own ASGI apps, not by a resolver: same request bodies, a 200
`text/event-stream`, the same JSON errors before a stream starts),
replaces Powertools' default 422 with the error responses the API really sends (one error
shape, see lambdas/common/errors.py), and adds the Cognito ID-token security scheme.
Usage: python -m local.openapi [path]  (make openapi writes docs/openapi.json)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
ERROR_STATUSES = {
    "400": "Invalid request (validation_error names each bad field)",
    "401": "No or invalid Cognito ID token",
    "403": "Not allowed (documents, /customize and /admin routes need the admin group)",
    "404": "Not found (another user's items answer exactly like missing ones; no such budget override)",
    "409": "Conflict (an ingestion job is running; a custom model not ready, still deployed, or Provisioned Throughput only)",
    "413": "Body or document over the limit",
    "414": "URL longer than the gateway accepts",
    "429": "Throttled, or over a budget (budget_exceeded); see Retry-After",
    "502": "guardrail_mismatch (masked text could not be matched; nothing generated), or the function failed (DEFAULT_5XX)",
    "503": "Bedrock or storage unavailable, or the model is not enabled",
    "504": "Bedrock did not answer in time",
}


STREAMS = {
    "/chat/stream": ("ChatRequest", "chat_stream_post", "POST /chat, answered as it is written"),
    "/rag/query/stream": ("RagQuery", "rag_query_stream_post", "POST /rag/query, answered as it is written"),
}
STREAM_DESCRIPTION = (
    "Server-sent events (`event: <type>`, `data: <one-line JSON>`, a blank line), in this order: start, withheld (RAG: "
    "retrieved passages the guardrail intervened on; chat: attached documents it withheld, flagged or could not check; "
    "when there are any), delta (0..n), "
    "citation (RAG: each cited passage as soon as the answer names it; chat: each passage of an attached document the "
    "answer cites, after the delta it came with), guardrail (when it acted), usage, done; or, "
    "part-way, error (the API's error body) and the end. `: ping` comments keep an idle stream open. A stream that ends "
    "without done or error broke in transport. Errors before the stream starts are the JSON errors listed. docs/api.md#streaming"
)
_STRING, _INT, JSON = {"type": "string"}, {"type": "integer"}, "application/json"


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": False}


# A retrieved passage the guardrail intervened on (lambdas/rag/passage_checks.py): POST /rag/query's withheld[]/flagged[].
_PASSAGE = _object(
    ["document", "uri", "reason", "reasons", "policies"],
    {
        "document": _STRING,
        "uri": _STRING,
        "page": _INT,
        "reason": _STRING,
        "reasons": {"type": "array", "items": _STRING},
        "policies": {"type": "array", "items": _STRING},
    },
)
# An attached document the guardrail's read check withheld, flagged or could not check (lambdas/chat/document_checks.py):
# POST /chat's withheld[]/flagged[]/unchecked[] (the CheckedDocument schema).
_DOCUMENT = {"$ref": "#/components/schemas/CheckedDocument"}
_SCREENED = {"type": "array", "items": {"anyOf": [_PASSAGE, _DOCUMENT]}}
# Each event's `data` (JSON); `citation` is POST /rag/query's citations[] item, or POST /chat's (no score; location).
STREAM_EVENTS: dict[str, dict[str, Any]] = {
    "start": _object(
        ["stream_id", "conversation_id", "model_id"],
        {"stream_id": _STRING, "conversation_id": {"type": ["string", "null"]}, "model_id": _STRING},
    ),
    "withheld": _object(
        ["withheld", "flagged"], {"withheld": _SCREENED, "flagged": _SCREENED, "unchecked": {"type": "array", "items": _DOCUMENT}}
    ),
    "delta": _object(["text"], {"text": {"type": "string", "minLength": 1}}),
    "citation": _object(
        ["number", "excerpt", "source"],
        {
            "number": _INT,
            "excerpt": _STRING,
            "score": {"type": "number"},  # RAG
            "url": _STRING,  # RAG
            "source": {
                "type": "object",
                "required": ["name"],
                "properties": {"uri": _STRING, "key": _STRING, "name": _STRING, "page": {"type": ["integer", "null"]}},
            },
            "location": {"$ref": "#/components/schemas/CitationLocation"},  # chat
        },
    ),
    "guardrail": {"$ref": "#/components/schemas/Guardrail"},
    "usage": _object(
        ["input_tokens", "output_tokens", "stop_reason", "latency_ms"],
        {"input_tokens": _INT, "output_tokens": _INT, "stop_reason": _STRING, "latency_ms": _INT},
    ),
    "done": _object(
        ["stored"],
        {
            "stored": {"enum": ["complete", "interrupted", "blocked", "not_stored"]},
            "notice": {"type": "object", "required": ["code", "message"]},
        },
    ),
    "error": {"$ref": "#/components/schemas/ErrorResponse"},
}
# One server-sent event (the OpenAPI 3.1 reading of an event stream's `schema`: each event), its data JSON.
STREAM_EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "oneOf": [
        {"properties": {"event": {"const": kind}, "data": {"type": "string", "contentMediaType": JSON, "contentSchema": schema}}}
        for kind, schema in STREAM_EVENTS.items()
    ],
}


def _stream_operation(schema: str, operation_id: str, summary: str) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": STREAM_DESCRIPTION,
        "requestBody": {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}, "required": True},
        "responses": {
            "200": {
                "description": "The answer as server-sent events",
                "content": {"text/event-stream": {"schema": STREAM_EVENT}},
            }
        },
    }


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    error: ErrorBody
    request_id: str | None


def build_spec(version: str = "1.0.0") -> dict[str, Any]:
    from common.settings import BY_FUNCTION, required_variables

    # The handlers read their settings at import; the document depends on none of them, so outside a stack
    # (`make openapi`) placeholders stand in. Inside one (the gateway's /openapi.json) the real values stay.
    for model in BY_FUNCTION.values():
        for name in required_variables(model):
            os.environ.setdefault(name, "openapi-placeholder")
    from chat.handler import app as chat
    from customize.handler import app as customize
    from image.handler import app as image
    from rag.handler import app as rag
    from usage.handler import app as usage

    spec: dict[str, Any] = {}
    for app in (chat, rag, image, customize, usage):
        part = json.loads(app.get_openapi_json_schema(title="Bedrock GenAI Stack API", version=version))
        if not spec:
            spec = part
            continue
        spec["paths"].update(part["paths"])
        spec.setdefault("components", {}).setdefault("schemas", {}).update(part.get("components", {}).get("schemas", {}))
    for path, (schema, operation_id, summary) in STREAMS.items():
        spec["paths"][path] = {"post": _stream_operation(schema, operation_id, summary)}
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    error_schema = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorResponse"] = error_schema
    for operations in spec["paths"].values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            if "204" in responses:
                responses["204"].pop("content", None)  # a 204 has no body
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
                    },
                )
    spec["components"]["securitySchemes"] = {
        "CognitoIdToken": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A Cognito ID token of the stack's user pool",
        }
    }
    spec["security"] = [{"CognitoIdToken": []}]
    spec["info"]["description"] = (
        "Chat, RAG, image generation and (admins) model customization on Amazon Bedrock, behind Cognito, with usage and budgets. "
        "Errors share one shape."
    )
    return spec


def main() -> None:
    import os
    import tempfile

    sys.path[:0] = [str(ROOT), str(ROOT / "lambdas")]
    if "RUNTIME_CONFIG_PATH" not in os.environ:  # the handlers read it at import
        from local.resources import render_runtime_config

        os.environ["RUNTIME_CONFIG_PATH"] = str(render_runtime_config(Path(tempfile.mkdtemp()) / "runtime_config.json"))
    text = json.dumps(build_spec(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
