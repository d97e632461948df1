"""Every paid call is metered: the usage rows hold what the offline Bedrock reported (its usage and the guardrail's
units, read again from the same request), priced at the runtime config's prices; what no service reports (images,
Retrieve's query embedding) is counted and flagged estimated. Each reservation settles to the actual."""

from __future__ import annotations

import json
import time

from chat import handler as chat_handler
from image import handler as image_handler
from rag import handler as rag_handler
from tests.events import FakeContext, rest_event
from tests.integration.streams import post_stream
from tests.integration.test_rag import corpus  # noqa: F401 - the module fixture: the sample corpus, ingested
from tests.integration.usage_rows import guardrail_micro_usd, model_cost, replayed, rows, sub_of, trace_usages

CONFIG = chat_handler.config
GUARDRAIL_PRICES = CONFIG.prices.guardrail_per_1000_units
QUESTION = "재택 근무는 일주일에 며칠까지 가능한가요?"


def call(handler, method: str, path: str, body: dict, sub: str) -> tuple[int, dict]:
    response = handler.handler(rest_event(method, path, body=body, sub=sub), FakeContext(path.strip("/").split("/")[0]))
    return response["statusCode"], json.loads(response["body"])


def spec(model_id: str):
    return next(m for m in (*CONFIG.chat_models, CONFIG.rag_model) if m.id == model_id)


def settled(row: dict, cost: int, tokens: int) -> None:
    """The row as a settled request leaves it: committed equals the actual (no reservation left over)."""
    assert row["cost_micro_usd"] == cost
    assert row["committed_micro_usd"] == cost
    assert row["committed_tokens"] == tokens


def test_given_a_chat_turn_then_day_and_month_rows_hold_the_tokens_and_guardrail_units_bedrock_reported(sim, runtime):
    status, body = call(chat_handler, "POST", "/chat", {"message": "How do rainbows form? Explain briefly."}, "meter-chat")
    assert status == 200
    answer = replayed(runtime, "Converse", sim.recorded("Converse")[-1])
    assert answer["usage"]["inputTokens"] == body["usage"]["input_tokens"]  # the same request, the same answer
    model = spec(body["model_id"])
    guard_cost, guard_units = guardrail_micro_usd(trace_usages(answer), GUARDRAIL_PRICES)
    assert guard_units > 0
    cost = model_cost(model.price, answer["usage"]) + guard_cost
    found = rows("meter-chat")
    for kind in ("DAY", "MONTH"):
        row = found[kind]
        assert row[f"model#{model.id}#input_tokens"] == row["input_tokens"] == body["usage"]["input_tokens"]
        assert row[f"model#{model.id}#output_tokens"] == row["output_tokens"] == body["usage"]["output_tokens"]
        assert row["model#guardrail#cost_micro_usd"] == guard_cost
        assert row["guardrail_text_units"] == guard_units
        assert row["requests"] == 1
        assert row.get("estimated_micro_usd", 0) == 0  # everything here was reported
        settled(row, cost, body["usage"]["input_tokens"] + body["usage"]["output_tokens"])
        assert (row["period"], row["user"]) == (row["sk"], "meter-chat")  # listed by the by_period index
    assert found["DAY"]["expires_at"] > time.time() + 35 * 86_400
    assert found["MONTH"]["expires_at"] > time.time() + 400 * 86_400


def test_given_a_blocked_message_then_only_the_guardrail_is_charged(sim, runtime):
    status, body = call(chat_handler, "POST", "/chat", {"message": "대외비 문서를 요약해줘"}, "meter-blocked")
    assert (status, body["guardrail"]["action"]) == (200, "BLOCKED")
    answer = replayed(runtime, "Converse", sim.recorded("Converse")[-1])
    guard_cost, _ = guardrail_micro_usd(trace_usages(answer), GUARDRAIL_PRICES)
    row = rows("meter-blocked")["DAY"]
    # "If the guardrail blocks the input prompt, you're charged for the guardrail evaluation. There are no charges
    # for foundation model inference calls" (guardrails-how.html): no model token is counted.
    assert row.get(f"model#{body['model_id']}#cost_micro_usd", 0) == 0
    assert row.get("input_tokens", 0) == row.get("output_tokens", 0) == 0
    settled(row, guard_cost, 0)


def test_given_a_system_prompt_then_its_apply_guardrail_check_is_metered_beside_the_turn(sim, runtime):
    status, body = call(
        chat_handler, "POST", "/chat", {"message": "Say hello.", "system_prompt": "You answer in one short line."}, "meter-system"
    )
    assert status == 200
    checked = replayed(runtime, "ApplyGuardrail", sim.recorded("ApplyGuardrail")[-1])
    answer = replayed(runtime, "Converse", sim.recorded("Converse")[-1])
    guard_cost, guard_units = guardrail_micro_usd([checked["usage"], *trace_usages(answer)], GUARDRAIL_PRICES)
    row = rows("meter-system")["DAY"]
    assert row["guardrail_text_units"] == guard_units
    settled(
        row,
        model_cost(spec(body["model_id"]).price, answer["usage"]) + guard_cost,
        answer["usage"]["inputTokens"] + answer["usage"]["outputTokens"],
    )


def test_given_a_blocked_system_prompt_then_the_check_alone_is_charged_and_no_model_is_called(sim, runtime):
    status, body = call(chat_handler, "POST", "/chat", {"message": "hello", "system_prompt": "대외비 규칙을 따르라"}, "meter-sys-blocked")
    assert (status, body["guardrail"]["action"]) == (200, "BLOCKED")
    assert not sim.recorded("Converse")
    checked = replayed(runtime, "ApplyGuardrail", sim.recorded("ApplyGuardrail")[-1])
    settled(rows("meter-sys-blocked")["DAY"], guardrail_micro_usd([checked["usage"]], GUARDRAIL_PRICES)[0], 0)


def test_given_a_streamed_turn_then_its_rows_hold_what_the_final_metadata_reported(streaming, sim, runtime):
    sub = sub_of(streaming.token)
    before = rows(sub).get("DAY", {})
    got = post_stream(streaming.gateway.url, "chat/stream", streaming.token, {"message": "Tell me about the sea, please."})
    assert got.status == 200
    assert got.of("done")[0]["stored"] == "complete"
    stream = runtime.converse_stream(**sim.recorded("ConverseStream")[-1])["stream"]
    metadata = next(event["metadata"] for event in stream if "metadata" in event)
    usage = got.of("usage")[0]
    assert (usage["input_tokens"], usage["output_tokens"]) == (metadata["usage"]["inputTokens"], metadata["usage"]["outputTokens"])
    guard_cost, guard_units = guardrail_micro_usd(trace_usages(metadata), GUARDRAIL_PRICES)
    model = spec(got.of("start")[0]["model_id"])
    after = rows(sub)["DAY"]
    assert after["requests"] - before.get("requests", 0) == 1
    assert after["guardrail_text_units"] - before.get("guardrail_text_units", 0) == guard_units
    cost = model_cost(model.price, metadata["usage"]) + guard_cost
    assert after["cost_micro_usd"] - before.get("cost_micro_usd", 0) == cost
    assert after["committed_micro_usd"] - before.get("committed_micro_usd", 0) == cost


def passage_checks(sim, runtime) -> tuple[int, int]:
    """(micro-USD, text units) of the ApplyGuardrail calls on the retrieved passages (rag/passage_checks.py)."""
    checks = sim.recorded("ApplyGuardrail")
    assert checks, "every passage that reaches the model is checked first"
    return guardrail_micro_usd([replayed(runtime, "ApplyGuardrail", c)["usage"] for c in checks], GUARDRAIL_PRICES)


def test_given_a_rag_question_then_the_answer_is_metered_and_the_query_embedding_is_estimated(corpus, sim, runtime):  # noqa: F811
    status, body = call(rag_handler, "POST", "/rag/query", {"question": QUESTION}, "meter-rag")
    assert status == 200
    assert body["citations"]
    answer = replayed(runtime, "Converse", sim.recorded("Converse")[-1])
    assert answer["usage"]["inputTokens"] == body["usage"]["input_tokens"]
    answer_guard, answer_units = guardrail_micro_usd(trace_usages(answer), GUARDRAIL_PRICES)
    check_cost, check_units = passage_checks(sim, runtime)
    guard_cost = answer_guard + check_cost
    embedding = CONFIG.prices.embedding
    assert embedding is not None
    embedded = -(-len(QUESTION) * int(embedding.input_per_million * 1_000_000) // 1_000_000)  # Retrieve reports no usage
    row = rows("meter-rag")["DAY"]
    assert row["model#guardrail#cost_micro_usd"] == guard_cost
    assert row["guardrail_text_units"] == answer_units + check_units
    assert row[f"model#{embedding.model_id}#input_tokens"] == len(QUESTION)
    assert row["estimated_micro_usd"] == embedded
    model = spec(body["model_id"])
    tokens = answer["usage"]["inputTokens"] + answer["usage"]["outputTokens"] + len(QUESTION)
    settled(row, model_cost(model.price, answer["usage"]) + guard_cost + embedded, tokens)


def test_given_a_streamed_rag_answer_then_its_usage_event_and_rows_hold_the_final_metadata(streaming, corpus, sim, runtime):  # noqa: F811
    sub = sub_of(streaming.token)
    before = rows(sub).get("DAY", {})
    got = post_stream(streaming.gateway.url, "rag/query/stream", streaming.token, {"question": QUESTION})
    assert got.status == 200
    stream = runtime.converse_stream(**sim.recorded("ConverseStream")[-1])["stream"]
    metadata = next(event["metadata"] for event in stream if "metadata" in event)
    usage = got.of("usage")[0]  # LangChain moves the usage out of the metadata event: read back, not zero
    assert (usage["input_tokens"], usage["output_tokens"]) == (metadata["usage"]["inputTokens"], metadata["usage"]["outputTokens"])
    after = rows(sub)["DAY"]
    model = spec(got.of("start")[0]["model_id"])
    for name, field in (("input_tokens", "inputTokens"), ("output_tokens", "outputTokens")):
        assert after[f"model#{model.id}#{name}"] - before.get(f"model#{model.id}#{name}", 0) == metadata["usage"][field]
    guard_cost, _ = guardrail_micro_usd(trace_usages(metadata), GUARDRAIL_PRICES)
    guard_cost += passage_checks(sim, runtime)[0]
    assert after["model#guardrail#cost_micro_usd"] - before.get("model#guardrail#cost_micro_usd", 0) == guard_cost
    assert after["committed_micro_usd"] - before.get("committed_micro_usd", 0) == after["cost_micro_usd"] - before.get("cost_micro_usd", 0)


def test_given_a_korean_image_prompt_then_prompt_check_translation_its_check_picture_and_picture_check_are_metered(sim, runtime):
    status, body = call(image_handler, "POST", "/images", {"prompt": "해질녘 바닷가의 등대, 수채화"}, "meter-image")
    assert (status, body["translated"], len(body["images"])) == (200, True, 1)
    prompt_check, translation_check, _ = sim.recorded("ApplyGuardrail")
    checks = [replayed(runtime, "ApplyGuardrail", p)["usage"] for p in (prompt_check, translation_check)]
    translation = replayed(runtime, "Converse", sim.recorded("Converse")[-1])
    translator = spec(CONFIG.image_prompt_translation_model or "")
    image = next(m for m in CONFIG.image_models if m.id == body["model_id"])
    picture = round(image.price_per_image * 1_000_000)
    picture_check = round(GUARDRAIL_PRICES["contentPolicyImageUnits"] * 1000)  # one image unit (GuardrailUsage)
    guard_cost, guard_units = guardrail_micro_usd(checks, GUARDRAIL_PRICES)
    row = rows("meter-image")["DAY"]
    assert row[f"model#{translator.id}#input_tokens"] == translation["usage"]["inputTokens"]
    assert row[f"model#{image.id}#images"] == row["images"] == 1
    assert row[f"model#{image.id}#cost_micro_usd"] == picture
    assert row["model#guardrail#cost_micro_usd"] == guard_cost + picture_check
    assert row["guardrail_text_units"] == guard_units
    assert row["estimated_micro_usd"] == picture  # Stability reports no usage: counted from the answer
    tokens = translation["usage"]["inputTokens"] + translation["usage"]["outputTokens"]
    settled(row, model_cost(translator.price, translation["usage"]) + guard_cost + picture + picture_check, tokens)


def test_given_a_picture_the_guardrail_withholds_then_the_picture_and_its_check_are_still_charged(sim):
    status, body = call(image_handler, "POST", "/images", {"prompt": "a battlefield covered in blood"}, "meter-gory")
    assert (status, body["images"], body["guardrail"]["action"]) == (200, [], "BLOCKED")
    image = next(m for m in CONFIG.image_models if m.id == body["model_id"])
    row = rows("meter-gory")["DAY"]
    assert row[f"model#{image.id}#images"] == 1  # generated (and billed) though withheld
    assert row["model#guardrail#cost_micro_usd"] > round(GUARDRAIL_PRICES["contentPolicyImageUnits"] * 1000)
    assert row["committed_micro_usd"] == row["cost_micro_usd"]
