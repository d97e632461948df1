"""`make cost` (b): what one request costs, at the configured models and the catalog's prices, with the
assumptions each figure rests on (printed beside it by infra/cost.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

# Per-use assumptions (printed with the figures).
LAMBDA_GB_SECOND, LAMBDA_REQUEST = 0.0000133334, 0.20 / 1e6  # arm64
API_REQUEST = 3.50 / 1e6
DDB_READ_UNIT, DDB_WRITE_UNIT = 0.125 / 1e6, 0.625 / 1e6
S3_PUT, S3_GET = 0.005 / 1000, 0.0004 / 1000
GUARDRAIL_TEXT_UNIT = 0.15 / 1000  # content filters, per 1,000 characters
S3_VECTORS_QUERY = 2.50 / 1e6

# DynamoDB units (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html): a read
# unit per 4 KB strongly consistent, half that eventually consistent, the minimum even for an item that does not exist;
# "transactional write requests require 2 write units to perform one write for items up to 1 KB", the larger of the item
# before and after an update. A global secondary index adds 1 write per 1 KB entry when an update changes the entry, 2
# when it changes the entry's key (GSI.html#GSI.ThroughputConsiderations.Writes); index writes are not doubled by a
# transaction (the docs double "every item in the transaction" and are silent on index entries: an assumption).
# Item sizes in bytes, measured with bench/dynamodb_units.py's item_size on items the chat function wrote (Cognito sub):
BYTES_PER_TOKEN = 4  # stored text per token (English ~4 characters of 1 byte; Korean ~1.3 characters of 3 bytes)
USER_ITEM, ASSISTANT_ITEM, SUMMARY_ITEM = 225, 290, 435  # a message's attributes besides its text; a conversation's summary
USAGE_ROW = 445  # a user's day or month row with one chat model and the guardrail; each further model adds ~165 bytes
ACCOUNT_ROW = 110  # the deployment's day row (with a daily ceiling): not in the by_period index
OVERRIDE_KEYS = 1  # budget override keys a BatchGetItem reads: the caller, plus one per Cognito group the caller is in
LAMBDA_ROUND_TRIP = 0.010  # seconds a function waits for one DynamoDB request (assumed; not measured here)
METERING_OWN_SECONDS = 0.003  # own time metering adds per warm /chat (bench.warm, docs/performance.md#metering)


def _wru(size: int, *, transactional: bool = True) -> int:
    return (2 if transactional else 1) * math.ceil(size / 1024)


@dataclass(frozen=True)
class Storage:
    """DynamoDB read and write units of one request, and what they are."""

    read_units: float
    write_units: float
    what: str

    @property
    def cost(self) -> float:
        return self.read_units * DDB_READ_UNIT + self.write_units * DDB_WRITE_UNIT


def conversation_storage(window: int, tokens_in: int, tokens_out: int) -> Storage:
    """A chat turn in a running conversation: the window Query (strongly consistent) and the turn's transaction (two
    message Puts, the summary Update that moves the summary's index key: 2 index writes)."""
    user, assistant = USER_ITEM + tokens_in * BYTES_PER_TOKEN, ASSISTANT_ITEM + tokens_out * BYTES_PER_TOKEN
    reads = math.ceil((SUMMARY_ITEM + window * (user + assistant)) / 4096)
    writes = _wru(user) + _wru(assistant) + _wru(SUMMARY_ITEM) + 2 * _wru(SUMMARY_ITEM, transactional=False)
    return Storage(reads, writes, f"1 Query ({reads} RRU) + the turn's transaction ({writes} WRU)")


def metering_storage(transactions: int, ceiling: bool) -> Storage:
    """Metering one request (common/usage/ledger.py): `transactions` writes of the caller's day and month rows (a
    reservation, RAG's extension, the settle), each an Update of 2 rows and their index entries, plus the deployment's
    day row with a ceiling; the budget overrides (one BatchGetItem, eventually consistent, cached 60 s per container:
    counted on every request, the most it can be), and with a ceiling a GetItem of the deployment's day per settle."""
    per = 2 * (_wru(USAGE_ROW) + _wru(USAGE_ROW, transactional=False)) + (_wru(ACCOUNT_ROW) if ceiling else 0)
    reads = 0.5 * OVERRIDE_KEYS + (0.5 if ceiling else 0.0)
    return Storage(reads, transactions * per, f"{transactions} usage writes ({transactions * per} WRU) + overrides read ({reads:g} RRU)")


@dataclass(frozen=True)
class Use:
    name: str
    assumptions: str
    items: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.items.values())


def per_use(config: Any) -> list[Use]:
    from infra.catalog import CHAT_MODELS, EMBEDDING_MODELS, IMAGE_MODELS, split_profile

    chat = CHAT_MODELS[split_profile(config.models.chat.default)[1]]
    rag_model = CHAT_MODELS[split_profile(config.models.rag)[1]]
    image = IMAGE_MODELS[config.models.image.default]
    embed = EMBEDDING_MODELS[config.models.embedding.model_id]
    window = config.memory.window_turns
    memory = {name: getattr(config.functions, name).memory_mb / 1024 for name in ("chat", "rag", "image")}
    chat_in, chat_out = window * (100 + 300) + 100, 300
    rag_in, rag_out = 5 * 300 + 100 + 30, 400
    ceiling = config.budgets.daily_ceiling_usd is not None
    turn, chat_meter = conversation_storage(window, 100, chat_out), metering_storage(2, ceiling)  # the settle rides in the turn's
    rag_meter, image_meter = metering_storage(3, ceiling), metering_storage(2, ceiling)  # RAG: reserve, extend, settle
    metering_lambda = memory["chat"] * (METERING_OWN_SECONDS + LAMBDA_ROUND_TRIP) * LAMBDA_GB_SECOND

    def platform(function: str, seconds: float) -> dict[str, float]:
        return {"API Gateway": API_REQUEST, "Lambda": LAMBDA_REQUEST + memory[function] * seconds * LAMBDA_GB_SECOND}

    return [
        Use(
            "chat turn",
            f"{chat.name}; window {window} turns x (100 + 300) tokens + 100 in, {chat_out} out; "
            f"guardrail on ~2 text units; 3 s at {memory['chat'] * 1024:.0f} MB; DynamoDB: {turn.what}, metering {chat_meter.what} "
            f"(the settle in the turn's transaction); {BYTES_PER_TOKEN} bytes stored per token",
            {
                "model": chat_in * chat.price_input_per_million / 1e6 + chat_out * chat.price_output_per_million / 1e6,
                "guardrail": 2 * GUARDRAIL_TEXT_UNIT,
                "DynamoDB": turn.cost + chat_meter.cost,
                **platform("chat", 3.0),
            },
        ),
        Use(
            "RAG query",
            f"{rag_model.name}; 5 chunks x 300 + 130 tokens in, {rag_out} out; {embed.name} on 30 tokens; "
            f"1 vector query; guardrail on ~3 text units; 4 s; metering {rag_meter.what}",
            {
                "model": rag_in * rag_model.price_input_per_million / 1e6 + rag_out * rag_model.price_output_per_million / 1e6,
                "embedding": 30 * embed.price_input_per_million / 1e6,
                "vector query": S3_VECTORS_QUERY,
                "guardrail": 3 * GUARDRAIL_TEXT_UNIT,
                "metering": rag_meter.cost,
                **platform("rag", 4.0),
            },
        ),
        Use(
            "image",
            f"{image.name} at ${image.price_per_image}/image; prompt guardrail 1 text unit (the image check is "
            f"priced per image: not included); 1 S3 PUT + 1 GET; 8 s; metering {image_meter.what}",
            {
                "model": image.price_per_image,
                "guardrail": GUARDRAIL_TEXT_UNIT,
                "S3": S3_PUT + S3_GET,
                "metering": image_meter.cost,
                **platform("image", 8.0),
            },
        ),
        Use(
            "metering per 1,000 turns",
            f"per turn one request more (the reservation; the settle's Updates ride in the turn's "
            f"transaction): {chat_meter.write_units:g} WRU{' (the daily ceiling row included)' if ceiling else ''}, usage rows "
            f"under 1 KB; the overrides read on every turn, the most the 60 s cache allows ({OVERRIDE_KEYS} key, "
            f"{chat_meter.read_units:g} RRU); Lambda: {METERING_OWN_SECONDS * 1000:g} ms own time (measured) + one DynamoDB "
            f"round trip ({LAMBDA_ROUND_TRIP * 1000:g} ms, assumed) at {memory['chat'] * 1024:.0f} MB",
            {
                "DynamoDB writes": 1000 * chat_meter.write_units * DDB_WRITE_UNIT,
                "DynamoDB reads": 1000 * chat_meter.read_units * DDB_READ_UNIT,
                "Lambda": 1000 * metering_lambda,
            },
        ),
    ]
