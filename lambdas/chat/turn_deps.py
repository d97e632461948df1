"""What a chat turn needs from outside: the runtime config, the conversation store, the Bedrock client, the
guardrail, and the optional metering, custom-model registry, attachments and clock (built by chat/handler.py and the
streaming function; tests build their own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chat.attachments import Attachments
from common.clock import Clock
from common.conversations import ConversationStore
from common.custom_models import ModelRegistry
from common.runtime_config import RuntimeConfig
from common.usage.meter import Metering


@dataclass(frozen=True)
class ChatDeps:
    config: RuntimeConfig
    store: ConversationStore
    bedrock: Any  # bedrock-runtime: the chat function's, or a streaming function's (common.bedrock.stream_client)
    guardrail_id: str
    guardrail_version: str
    metering: Metering | None = None  # None: not metered (tests that build a turn by hand)
    registry: ModelRegistry | None = None  # registered custom models (common/custom_models.py); None: configured models only
    attachments: Attachments | None = None  # files in chat (chat/attachments.py); None: a turn with files is refused
    clock: Clock = field(default_factory=Clock)  # today: custom models past their base's end of life (common/custom_models.py)
