"""`genai models`: the stack's chat and image models (GET /models), the defaults marked with `*`."""

from __future__ import annotations

import argparse
from typing import Any

from ui.cli.context import Context
from ui.cli.output import columns


def add(commands: Any, common: argparse.ArgumentParser) -> None:
    models = commands.add_parser("models", parents=[common], help="the chat and image models this stack offers")
    models.set_defaults(handler=run)


def _price(price: Any) -> str:
    if not isinstance(price, dict):
        return ""
    return f"${price.get('input_per_million', '?')} / ${price.get('output_per_million', '?')} per 1M tokens"


def run(ctx: Context) -> int:
    found: dict[str, Any] = ctx.client().call("GET", "models")
    chat = [
        [
            "*" if m["id"] == found.get("default_chat_model") else " ",
            m["id"],
            str(m.get("name", "")),
            f"max {m.get('max_tokens_ceiling') or m.get('max_output_tokens')} tokens",
            _price(m.get("price")),
        ]
        for m in found.get("chat_models", [])
    ]
    image = [
        [
            "*" if m["id"] == found.get("default_image_model") else " ",
            m["id"],
            str(m.get("name", "")),
            str((m.get("lifecycle") or {}).get("status", "")),
            f"${m.get('price_per_image', '?')} per image",
        ]
        for m in found.get("image_models", [])
    ]
    lines = ["채팅 모델 / Chat models", *columns(chat), "", "이미지 모델 / Image models", *columns(image)]
    ctx.output.result(found, lines)
    return 0
