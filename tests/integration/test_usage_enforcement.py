"""Budgets are enforced before any paid call, under real concurrency, across day and month boundaries; metering's
storage failures never block a turn nor count it twice.

Concurrency: 20 threads, each a container of its own (its own DynamoDB and Bedrock clients, its own Metering and
its cache), run the chat turn (chat.service.send_message: what POST /chat calls) for one user at once. Not through
the local gateway: it runs one request per function at a time, as one Lambda execution environment does, so its
requests would never overlap. DynamoDB is moto behind the fault proxy in forwarding mode: moto loses updates under
concurrent transactions, DynamoDB applies each request atomically, and the proxy forwards one request at a time
(what DynamoDB's atomicity guarantees, and all the reservation's condition needs).
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from chat import handler as chat_handler
from chat.metering import turn_estimate
from chat.models import ChatRequest
from chat.service import send_message
from chat.turn_deps import ChatDeps
from common.auth import Caller
from common.bedrock import runtime_client
from common.conversations import ConversationStore
from common.errors import BudgetExceededError
from common.params import converse_options
from common.storage import STORAGE_CONFIG
from common.usage.meter import metering
from tests.events import FakeContext, rest_event
from tests.integration.conftest import TABLE, USAGE_TABLE
from tests.integration.usage_rows import budget, rows

CONFIG = chat_handler.config
MESSAGE = "예산 확인: 한 문장으로 답해 주세요."


def _turn_estimate(message: str) -> Any:
    """The reservation a first turn with `message` makes (chat/metering.py: what the function reserves)."""
    model = next(m for m in CONFIG.chat_models if m.id == CONFIG.default_chat_model)
    options = converse_options(None, model, CONFIG.bedrock_timeouts.read_seconds["chat"])
    request = ChatRequest.model_validate({"message": message})
    return turn_estimate(model, [], request, None, options, CONFIG.prices, streaming=False)[0]


def turn_max_tokens(message: str) -> int:
    return int(_turn_estimate(message).tokens)


def turn_max_micro_usd(message: str) -> int:
    return int(_turn_estimate(message).micro_usd)


class MovingClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def container_deps(endpoint: str, clock: Any = None) -> ChatDeps:
    """What one Lambda container builds: its own clients, its own Metering (and its budget cache)."""
    client = boto3.client("dynamodb", endpoint_url=endpoint, config=STORAGE_CONFIG)
    store = ConversationStore(client, TABLE, CONFIG.memory.conversation_ttl_days)
    env = chat_handler.env
    return ChatDeps(
        CONFIG, store, runtime_client("chat"), env.guardrail_id, env.guardrail_version, metering(CONFIG, USAGE_TABLE, client, clock)
    )


def test_given_20_concurrent_turns_and_a_budget_for_5_then_5_answer_15_get_429_and_the_limit_holds(proxy, sim):
    sub = "concurrent-user"
    reserve = turn_max_tokens(MESSAGE)
    limit = 5 * reserve + reserve // 2  # room for 5 reservations, not 6
    budget(sub, tokens_per_day=limit)
    sim.latency_ms = 1500  # every model call waits: all 20 reservations are decided before any turn settles
    deps = [container_deps(proxy.endpoint_url) for _ in range(20)]
    start = threading.Barrier(20)
    outcomes: list[Any] = [None] * 20

    def turn(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = send_message(Caller(sub, frozenset()), ChatRequest.model_validate({"message": MESSAGE}), deps[i])
        except BudgetExceededError as err:
            outcomes[i] = err

    threads = [threading.Thread(target=turn, args=(i,)) for i in range(20)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        sim.latency_ms = 0
    refused = [o for o in outcomes if isinstance(o, BudgetExceededError)]
    answered = [o for o in outcomes if o is not None and not isinstance(o, BudgetExceededError)]
    assert (len(answered), len(refused)) == (5, 15)
    assert len(sim.recorded("Converse")) == 5  # nothing paid for a refused turn
    for err in refused:
        assert (err.status, err.code) == (429, "budget_exceeded")
        assert err.details["budget"] == "tokens_per_day"
        assert err.details["limit"] == limit
        assert err.details["used"] == 5 * reserve  # the five reservations in flight
        assert err.details["resets_at"].endswith("T00:00:00+09:00")  # the next midnight in Asia/Seoul
        assert 0 < int(err.headers["Retry-After"]) <= 86_400
    day = rows(sub, boto3.client("dynamodb", endpoint_url=proxy.endpoint_url))["DAY"]
    spent = sum(a.usage.input_tokens + a.usage.output_tokens for a in answered)
    assert day["requests"] == 5
    assert day["committed_tokens"] == day["input_tokens"] + day["output_tokens"] == spent <= limit


def test_given_a_user_over_budget_then_the_api_answers_429_with_the_budget_in_korean_and_english(sim):
    budget("spent-user", tokens_per_day=10)  # less than any turn's maximum
    response = chat_handler.handler(rest_event("POST", "/chat", body={"message": "hello"}, sub="spent-user"), FakeContext("chat"))
    body = json.loads(response["body"])
    assert response["statusCode"] == 429
    assert body["error"]["code"] == "budget_exceeded"
    assert "토큰 예산" in body["error"]["message"]
    assert "daily token budget" in body["error"]["message"]
    assert body["error"]["details"]["limit"] == 10
    assert body["error"]["details"]["used"] == 0
    resets = datetime.fromisoformat(body["error"]["details"]["resets_at"])
    assert resets.utcoffset() == timedelta(hours=9)
    assert (resets.hour, resets.minute) == (0, 0)
    retry_after = int(response["multiValueHeaders"]["Retry-After"][0])
    assert abs((resets - datetime.now(UTC)).total_seconds() - retry_after) < 5
    assert not sim.recorded("Converse")
    assert not sim.recorded("ApplyGuardrail")


def test_given_the_day_budget_used_at_23_59_kst_then_refused_and_at_midnight_kst_answered_again(local_aws, sim):
    sub = "midnight-user"
    reserve = turn_max_tokens(MESSAGE)
    budget(sub, tokens_per_day=reserve + 1)  # one turn a day: after it settles, no room for another turn's maximum
    clock = MovingClock(datetime.fromisoformat("2026-11-24T23:58:00+09:00"))
    deps = container_deps(local_aws["AWS_ENDPOINT_URL_DYNAMODB"], clock)
    caller, request = Caller(sub, frozenset()), ChatRequest.model_validate({"message": MESSAGE})
    send_message(caller, request, deps)
    clock.at = datetime.fromisoformat("2026-11-24T23:59:00+09:00")
    with pytest.raises(BudgetExceededError) as refused:
        send_message(caller, request, deps)
    assert refused.value.details["budget"] == "tokens_per_day"
    assert refused.value.details["resets_at"] == "2026-11-25T00:00:00+09:00"
    assert refused.value.headers["Retry-After"] == "60"
    clock.at = datetime.fromisoformat("2026-11-24T15:00:00+00:00")  # 00:00 on the 25th in Seoul, still the 24th in UTC
    send_message(caller, request, deps)
    assert len(sim.recorded("Converse")) == 2  # the refused turn called nothing
    assert set(_sort_keys(sub)) == {"DAY#2026-11-24", "DAY#2026-11-25", "MONTH#2026-11"}


def test_given_the_month_budget_used_on_the_last_evening_then_refused_until_the_first_of_the_month_kst(local_aws, sim):
    sub = "month-user"
    reserve = turn_max_micro_usd(MESSAGE)
    budget(sub, usd_per_month=(reserve + 1) / 1_000_000)  # one turn a month
    clock = MovingClock(datetime.fromisoformat("2026-11-30T23:58:00+09:00"))
    deps = container_deps(local_aws["AWS_ENDPOINT_URL_DYNAMODB"], clock)
    caller, request = Caller(sub, frozenset()), ChatRequest.model_validate({"message": MESSAGE})
    send_message(caller, request, deps)
    clock.at = datetime.fromisoformat("2026-11-30T23:59:30+09:00")
    with pytest.raises(BudgetExceededError) as refused:
        send_message(caller, request, deps)
    assert refused.value.details["budget"] == "usd_per_month"
    assert refused.value.details["limit"] == (reserve + 1) / 1_000_000
    assert refused.value.details["resets_at"] == "2026-12-01T00:00:00+09:00"
    assert refused.value.headers["Retry-After"] == "30"
    assert "이번 달 사용 금액 예산" in refused.value.message
    assert "monthly spending budget" in refused.value.message
    clock.at = datetime.fromisoformat("2026-11-30T15:00:00+00:00")  # 1 December in Seoul, still 30 November in UTC
    send_message(caller, request, deps)
    assert {"MONTH#2026-11", "MONTH#2026-12"} <= set(_sort_keys(sub))


def _sort_keys(sub: str) -> list[str]:
    items = boto3.client("dynamodb").query(
        TableName=USAGE_TABLE, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": f"USER#{sub}"}}
    )["Items"]
    return [item["sk"]["S"] for item in items]


def test_given_a_model_call_that_fails_then_its_reservation_is_given_back(sim):
    sim.inject("ModelErrorException", operation="Converse")
    status = chat_handler.handler(rest_event("POST", "/chat", body={"message": "this will fail"}, sub="failed-call"), FakeContext("chat"))
    assert status["statusCode"] >= 500
    day = rows("failed-call")["DAY"]
    assert day["committed_tokens"] == day["committed_micro_usd"] == 0  # reserved, then released
    assert day.get("requests", 0) == 0


def test_given_a_model_call_that_fails_after_a_paid_check_then_only_the_check_stays_counted(sim):
    sim.inject("ModelErrorException", operation="Converse")
    body = {"message": "this will fail", "system_prompt": "Answer briefly."}
    response = chat_handler.handler(rest_event("POST", "/chat", body=body, sub="half-paid"), FakeContext("chat"))
    assert response["statusCode"] >= 500
    day = rows("half-paid")["DAY"]
    assert day["committed_micro_usd"] == day["cost_micro_usd"] == day["model#guardrail#cost_micro_usd"] > 0


def test_given_the_reservation_cannot_be_written_then_the_turn_goes_on_and_usage_write_failed_is_emitted(proxy, sim, capsys):
    proxy.fail("dynamodb", "TransactWriteItems", "InternalServerError", times=3, table=USAGE_TABLE)  # all 3 attempts
    status = chat_handler.handler(rest_event("POST", "/chat", body={"message": "storage is down"}, sub="unreserved"), FakeContext("chat"))
    assert status["statusCode"] == 200
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert any("UsageWriteFailed" in m for m in metrics)
    day = rows("unreserved")["DAY"]  # the settle in the turn's transaction still records the turn
    assert day["requests"] == 1
    assert day["committed_micro_usd"] == day["cost_micro_usd"] > 0


def test_given_a_settle_that_fails_then_the_answer_is_returned_and_the_reservation_stays_counted_once(proxy, sim, capsys):
    # Fail every write after the reservation (the settle's 3 attempts): installed just before the reservation is sent.
    proxy.before("dynamodb", "TransactWriteItems", lambda: proxy.fail("dynamodb", "TransactWriteItems", "InternalServerError", times=3))
    from image import handler as image_handler

    response = image_handler.handler(rest_event("POST", "/images", body={"prompt": "a lighthouse"}, sub="unsettled"), FakeContext("image"))
    assert response["statusCode"] == 200
    assert len(json.loads(response["body"])["images"]) == 1
    assert proxy.count("dynamodb", "TransactWriteItems") == 1 + 3
    day = rows("unsettled", boto3.client("dynamodb", endpoint_url=proxy.endpoint_url))["DAY"]
    assert day["committed_micro_usd"] > 0  # the maximum stays held: over-counting, never under
    assert "cost_micro_usd" not in day  # and nothing was added a second time
    assert any("UsageWriteFailed" in line for line in capsys.readouterr().out.splitlines())


def test_given_a_chat_turn_then_metering_adds_one_write_and_at_most_one_read_to_its_two_requests(proxy, sim):
    status, body = _chat(proxy, "first turn", "counted")
    proxy.reset()
    status, body = _chat(proxy, "second turn", "counted", body["conversation_id"])
    assert status == 200
    # Today's two (the window's Query, the turn's transaction), the reservation, and the overrides read: cached.
    assert dict(proxy.attempts) == {("dynamodb", "Query"): 1, ("dynamodb", "TransactWriteItems"): 2}
    assert proxy.count("dynamodb", "TransactWriteItems", TABLE) == 1  # the settle rides in the turn's transaction
    assert proxy.count("dynamodb", "TransactWriteItems", USAGE_TABLE) == 2
    chat_handler._metering.cache_clear()  # a new container: the overrides are read once more
    proxy.reset()
    _chat(proxy, "third turn", "counted", body["conversation_id"])
    assert sum(proxy.attempts.values()) == 4
    assert proxy.count("dynamodb", "BatchGetItem") == 1


def _chat(proxy: Any, message: str, sub: str, conversation: str | None = None) -> tuple[int, dict]:
    payload = {"message": message, **({"conversation_id": conversation} if conversation else {})}
    response = chat_handler.handler(rest_event("POST", "/chat", body=payload, sub=sub), FakeContext("chat"))
    return response["statusCode"], json.loads(response["body"])
