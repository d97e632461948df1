"""The offline text model: deterministic replies that show exactly what the model was sent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from infra.catalog import CHAT_MODELS, ChatModelInfo, split_profile
from local.bedrock_sim import thinking
from local.bedrock_sim.glossary import to_english, wants_english
from local.bedrock_sim.injection import planted_order
from local.bedrock_sim.protocol import SimError


def tokens(text: str) -> int:
    """A stable token estimate: about four characters a token (CJK: one character a token)."""
    cjk = sum(1 for ch in text if ord(ch) >= 0x1100)
    return max(1, (len(text) - cjk + 3) // 4 + cjk) if text else 0


def served_chat_model(model_id: str) -> ChatModelInfo:
    prefix, base = split_profile(model_id)
    info = CHAT_MODELS.get(base)
    if info is None:
        raise SimError("ValidationException", "The provided model identifier is invalid.")
    if prefix is None and not info.in_region:
        raise SimError(
            "ValidationException",
            f"Invocation of model ID {model_id} with on-demand throughput isn't supported. Retry your request with the ID or ARN "
            "of an inference profile that contains this model.",
        )
    return info


def check_inference(info: ChatModelInfo, config: dict[str, Any], extra: dict[str, Any] | None) -> bool:
    """Reject what the real model rejects (ranges, sampling combinations, family-specific fields, thinking and
    effort: local/bedrock_sim/thinking.py); True when the model thinks before it answers."""
    extra = extra or {}
    thinks = thinking.check(info, config, extra)
    if "temperature" in config and "topP" in config and not info.temperature_with_top_p:
        raise SimError("ValidationException", "`temperature` and `top_p` cannot both be specified for this model. Please use only one.")
    max_tokens = config.get("maxTokens")
    if max_tokens is not None and max_tokens > info.max_output_tokens:
        raise SimError("ValidationException", f"The maximum tokens you requested exceeds the model limit of {info.max_output_tokens}.")
    for key, rng in (("temperature", info.temperature), ("topP", info.top_p)):
        if key in config and rng is not None and not rng.low <= config[key] <= rng.high:
            raise SimError("ValidationException", f"{key}: {config[key]} is outside [{rng.low}, {rng.high}].")
    top_k = extra.get("top_k") if info.family == "anthropic" else extra.get("inferenceConfig", {}).get("topK")
    if top_k is not None and info.top_k is not None and not info.top_k.low <= top_k <= info.top_k.high:
        raise SimError("ValidationException", f"top_k: {top_k} is outside [{info.top_k.low}, {info.top_k.high}].")
    return thinks


def check_roles(messages: list[dict[str, Any]]) -> None:
    if not messages or messages[0]["role"] != "user":
        raise SimError(
            "ValidationException",
            "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
        )
    for before, after in pairwise(messages):
        if before["role"] == after["role"]:
            raise SimError("ValidationException", "A conversation must alternate between user and assistant roles.")
    if messages[-1]["role"] != "user":
        raise SimError("ValidationException", "The last message must be a user message.")


def check_blank_text(messages: list[dict[str, Any]], system: list[dict[str, Any]]) -> None:
    """Converse refuses a text block that is empty or only whitespace, wherever it is (docs/local-bedrock.md)."""
    for i, message in enumerate(messages):
        for j, block in enumerate(message["content"]):
            if "text" in block and not block["text"].strip():
                raise SimError(
                    "ValidationException",
                    f"The text field in the ContentBlock object at messages.{i}.content.{j} is blank. "
                    "Add text to the text field, and try again.",
                )
            guarded = (block.get("guardContent") or {}).get("text")
            if guarded is not None and not guarded["text"].strip():
                raise SimError(
                    "ValidationException",
                    f"The text field in the GuardrailConverseTextBlock object at "
                    f"messages.{i}.content.{j}.guardContent is blank. Add text to the text field, and try again.",
                )
    for k, block in enumerate(system):
        text = block["text"] if "text" in block else ((block.get("guardContent") or {}).get("text") or {}).get("text")
        if text is not None and not text.strip():
            raise SimError(
                "ValidationException",
                f"The text field in the SystemContentBlock object at system.{k} is blank. Add text to the text field, and try again.",
            )


def text_of(content: list[dict[str, Any]]) -> str:
    parts = []
    for block in content:
        if "text" in block:
            parts.append(block["text"])
        elif "guardContent" in block and "text" in block["guardContent"]:
            parts.append(block["guardContent"]["text"]["text"])
    return "\n".join(parts)


_PASSAGES = re.compile(r"^\[1\]\s")


def passages_in(message: dict[str, Any]) -> tuple[list[str], str]:
    """Numbered passages (`[1] …`, as the rag function sends them, marked grounding_source or plain text) in a
    user message, and the rest of it (the question)."""
    texts = [
        block["text"] if "text" in block else block["guardContent"]["text"]["text"]
        for block in message["content"]
        if "text" in block or "text" in block.get("guardContent", {})
    ]
    passages = [t for t in texts if _PASSAGES.match(t)]
    return passages, "\n".join(t for t in texts if not _PASSAGES.match(t))


@dataclass
class Reply:
    text: str
    stop_reason: str


FILLER = "Streaming keeps a long answer moving one token at a time. "


def padded(text: str, length: int) -> str:
    """`text` followed by filler words, `length` tokens in all (the simulator's estimate); longer text as is."""
    cjk = sum(1 for ch in text if ord(ch) >= 0x1100)
    extra = 4 * (length - cjk) - (len(text) - cjk) - 3  # the fewest ASCII characters that make `length` tokens
    if extra <= 0:
        return text
    filler = " " + FILLER * (extra // len(FILLER) + 1)
    return text + filler[:extra].rstrip() + "." if filler[:extra].endswith(" ") else text + filler[:extra]


def generate(
    model_id: str,
    system: str,
    messages: list[dict[str, str]],
    config: dict[str, Any],
    *,
    suffix: str = "",
    length: int | None = None,
    label: str | None = None,
) -> Reply:
    """`messages` are {role, text}; the reply quotes the last user message and counts the context.
    Asked (by the system prompt) to translate into English, it answers a glossary translation instead.
    Test controls: `suffix` is written after the reply (text the output guardrail must see), and `length`
    pads the reply with filler to that many tokens (long answers); both before maxTokens cuts it."""
    last = messages[-1]["text"]
    if wants_english(system):
        return Reply(to_english(last), "end_turn")
    turns = sum(1 for m in messages if m["role"] == "user")
    settings = ", ".join(f"{k}={config[k]}" for k in sorted(config) if k != "stopSequences") or "defaults"
    text = (
        f"[{label or f'offline model {model_id}'}] You said: «{last}». "
        f"I received {len(messages)} messages ({turns} user turns), "
        f"system prompt: {'«' + system[:60] + '»' if system else 'none'}, settings: {settings}."
    ) + suffix
    if length:
        text = padded(text, length)
    for stop in config.get("stopSequences", []):
        index = text.find(stop)
        if index >= 0:
            return Reply(text[:index], "stop_sequence")
    max_tokens = config.get("maxTokens")
    if max_tokens is not None and tokens(text) > max_tokens:
        cut = text
        while cut and tokens(cut) > max_tokens:
            cut = cut[: max(1, len(cut) * 9 // 10)]
        return Reply(cut, "max_tokens")
    return Reply(text, "end_turn")


def grounded_reply(
    model_id: str, sources: list[str], query: str, *, invent: bool = False, length: int | None = None, max_tokens: int | None = None
) -> Reply:
    """With passages: quote the sentence that best matches the question and cite its passage as [n]. Test control:
    `length` (sim.reply_tokens) repeats that cited sentence up to that many tokens, so a long answer stays grounded;
    capped by `max_tokens` (stop reason `max_tokens`)."""
    from local.bedrock_sim.documents import terms

    label = f"[offline model {model_id}]"
    if invent:
        return Reply(f"{label} The answer is 42, which I made up without reading the passages.", "end_turn")
    order = planted_order(sources)  # the offline model obeys an instruction planted in a passage (injection.py)
    if order:
        return Reply(f"{label} {order}", "end_turn")
    wanted = set(terms(query))
    best: tuple[int, int, str] = (0, 0, "")
    for passage in "\n\n".join(sources).split("\n\n"):
        match = re.match(r"\[(\d+)\]\s*", passage)
        number = int(match.group(1)) if match else 1
        body = passage[match.end() :] if match else passage
        for sentence in re.split(r"(?<=[.!?。])\s+|\n+", body):
            score = len(wanted & set(terms(sentence)))
            if score > best[0]:
                best = (score, number, sentence.strip())
    if not best[2]:
        return Reply(f"{label} The documents do not answer this question.", "end_turn")
    text, again = f"{label} {best[2]} [{best[1]}]", f" {best[2]} [{best[1]}]"
    limit = min(length, max_tokens) if length and max_tokens else length
    while limit and tokens(text + again) <= limit:
        text += again
    return Reply(text, "max_tokens" if length and max_tokens and length > max_tokens else "end_turn")
