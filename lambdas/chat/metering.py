"""The most a chat turn can cost, reserved before its first paid call (common/usage/estimate.py says why each part
bounds what Bedrock will report; chat/file_tokens.py does for attached files)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chat.attachments import Loaded
from chat.file_tokens import files_tokens, sent_files
from chat.models import ChatRequest
from common.runtime_config import ChatModelSpec, UsagePrices
from common.text import text_blocks
from common.usage.calls import guarded_converse_max
from common.usage.estimate import Estimate, guardrail_max, input_bound


def turn_estimate(
    model: ChatModelSpec,
    window: list[dict[str, Any]],
    request: ChatRequest,
    system_prompt: str | None,
    options: dict[str, Any],
    prices: UsagePrices,
    *,
    streaming: bool,
    files: Sequence[Loaded] = (),
) -> tuple[Estimate, int]:
    """(the turn's most, the most input tokens its model call counts). Paid calls: the user's system prompt checked by
    ApplyGuardrail; Converse with the window (as sent: its text, its notes of files left out and the files it resends),
    the message, this turn's `files` and the system prompt, its guardrail reading the message and the answer; a stream
    stopped part-way checks the message once more (ApplyGuardrail, to store it masked)."""
    texts = [text_blocks(m["content"]) for m in window] + [request.message] + ([system_prompt] if system_prompt else [])
    attached = sent_files(window) + [(f.spec.kind, f.spec.format, f.data) for f in files]
    tokens_in = input_bound(texts, len(window) + 2) + files_tokens(model.family, attached)
    max_tokens = int(options["inferenceConfig"]["maxTokens"])
    estimate = guarded_converse_max(model, tokens_in, max_tokens, [len(request.message)], prices)
    if request.system_prompt:
        estimate += guardrail_max([len(request.system_prompt)], prices)
    if streaming:
        estimate += guardrail_max([len(request.message)], prices)
    return estimate, tokens_in
