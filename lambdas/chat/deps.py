"""What the chat function and the chat_stream app share: settings and configuration read at import (a missing
variable fails the cold start), and one cached client-backed object of each kind per container.

Imported by chat.handler and chat.stream alike; it imports no Powertools resolver and no Tracer, so the stream
app's cold path stays free of the X-Ray SDK (docs/performance.md, "Streaming").
"""

from __future__ import annotations

from functools import lru_cache

from chat.attachments import Attachments
from common.conversations import ConversationStore
from common.custom_models import ModelRegistry
from common.runtime_config import runtime_config
from common.settings import ChatSettings, load_settings
from common.storage import dynamodb_client, s3_client
from common.stream_stop import StopSignals
from common.usage.meter import Metering, metering

env = load_settings(ChatSettings)
config = runtime_config()


@lru_cache(maxsize=1)
def store() -> ConversationStore:
    return ConversationStore(dynamodb_client(), env.table_name, config.memory.conversation_ttl_days)


@lru_cache(maxsize=1)
def signals() -> StopSignals:
    return StopSignals(dynamodb_client(), env.table_name)


@lru_cache(maxsize=1)
def registry() -> ModelRegistry:
    return ModelRegistry(dynamodb_client(), env.table_name)


@lru_cache(maxsize=1)
def usage_metering() -> Metering:
    return metering(config, env.usage_table, dynamodb_client())


@lru_cache(maxsize=1)
def attachments() -> Attachments:
    return Attachments(s3_client(), env.attachments_bucket, config.attachments)
