"""Chat function: model catalog now; chat and conversations arrive with the chat release."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from common.api import build_resolver, not_implemented
from common.runtime_config import runtime_config

logger = Logger()
app = build_resolver()


@app.get("/models")
def list_models() -> dict[str, Any]:
    config = runtime_config()
    return {
        "chat_models": config["chat_models"],
        "default_chat_model": config["default_chat_model"],
        "image_models": config["image_models"],
        "default_image_model": config["default_image_model"],
    }


@app.post("/chat")
def chat() -> dict[str, Any]:
    raise not_implemented("POST /chat")


@app.get("/conversations")
def list_conversations() -> dict[str, Any]:
    raise not_implemented("GET /conversations")


@app.get("/conversations/<conversation_id>")
def get_conversation(conversation_id: str) -> dict[str, Any]:
    raise not_implemented("GET /conversations/{id}")


@app.delete("/conversations/<conversation_id>")
def delete_conversation(conversation_id: str) -> dict[str, Any]:
    raise not_implemented("DELETE /conversations/{id}")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
