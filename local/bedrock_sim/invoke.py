"""InvokeModel in the offline Bedrock: the native bodies of the image models (Stability, Amazon) and of
text models (Anthropic Messages, Nova). No guardrail is applied here, as none was configured on the call."""

from __future__ import annotations

import json
import uuid
from typing import Any

from local.bedrock_sim import canvas, images
from local.bedrock_sim.model import check_roles, generate, served_chat_model, tokens
from local.bedrock_sim.protocol import SimError


def invoke_model(params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    """Native bodies: Stability and Amazon image models, and text models (Anthropic Messages, Nova)."""
    model_id = params["modelId"]
    try:
        body = json.loads(params["body"])
    except (ValueError, TypeError):
        raise SimError("ValidationException", "Malformed input request: body is not JSON") from None
    if model_id in images.STABILITY_FIELDS:
        return 200, {"Content-Type": "application/json"}, json.dumps(images.stability(model_id, body)).encode()
    if model_id in canvas.MODELS:
        return 200, {"Content-Type": "application/json"}, json.dumps(canvas.generate(model_id, body)).encode()
    info = served_chat_model(model_id)
    messages = [{"role": m["role"], "text": _native_text(m["content"])} for m in body.get("messages", [])]
    check_roles([{"role": m["role"]} for m in messages])
    if info.family == "anthropic":
        reply = generate(model_id, str(body.get("system", "")), messages, {"maxTokens": body.get("max_tokens", 1024)})
        document: dict[str, Any] = {
            "id": f"msg_{uuid.uuid4().hex[:16]}",
            "type": "message",
            "role": "assistant",
            "model": model_id,
            "content": [{"type": "text", "text": reply.text}],
            "stop_reason": reply.stop_reason,
            "usage": {"input_tokens": sum(tokens(m["text"]) for m in messages), "output_tokens": tokens(reply.text)},
        }
    else:
        reply = generate(model_id, "", messages, body.get("inferenceConfig", {}))
        usage_in, usage_out = sum(tokens(m["text"]) for m in messages), tokens(reply.text)
        document = {
            "output": {"message": {"role": "assistant", "content": [{"text": reply.text}]}},
            "stopReason": reply.stop_reason,
            "usage": {"inputTokens": usage_in, "outputTokens": usage_out, "totalTokens": usage_in + usage_out},
        }
    return 200, {"Content-Type": "application/json"}, json.dumps(document, ensure_ascii=False).encode("utf-8")


def _native_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(str(block.get("text", "")) for block in content if isinstance(block, dict))
