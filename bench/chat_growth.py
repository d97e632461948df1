"""Growth of one conversation: what each turn sends to the model and every DynamoDB request it makes.

Two workers (bench.versions), each in its own process, hold the same 200-turn conversation, turns interleaved: this
checkout, and the baseline commit's tree (main before issue 14's metering: `git archive`). Each runs its own real chat
handler against its own moto DynamoDB server and offline Bedrock, with the runtime config the stack would bundle
(cdk.json's dev profile, budgets included). The bench user gets a budget override item (tokens a day raised, as
`PUT /admin/budgets/users/{sub}` stores it), so 200 long turns fit in one day's budget.
First table (this checkout), at turns 1, 10, 50 and 200: bytes and tokens sent to the model (from the simulator's
record), the items the window Query read, their size and the read units that costs, and the handler's time, beside
what sending the full history would take. handler ms is the whole call (moto included); own ms leaves out the time
inside AWS HTTP calls (bench.timing).
Second table: every DynamoDB request of the turn, by operation, for both versions, with the read and write units
DynamoDB would bill (bench.dynamodb_units: item sizes by the Developer Guide's rules).
Usage: python -m bench.chat_growth [turns]
"""

from __future__ import annotations

import datetime
import json
import logging
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import versions
from bench.dynamodb_units import Recorder, item_size
from bench.timing import HttpTimer

SHOWN = (1, 2, 10, 50, 200)
USAGE_TABLE = "growth-usage"
OPERATIONS = {
    "Query": "Query",
    "TransactWriteItems: turn": "turn",
    "TransactWriteItems: usage reservation": "reserve",
    "TransactWriteItems: usage settle": "settle",
    "BatchGetItem": "BatchGet",
    "GetItem": "GetItem",
}
READS = ("Query", "BatchGetItem", "GetItem")


class Conversation:
    """One conversation through the chat handler of the code root on sys.path (a worker's)."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        from local.resources import render_runtime_config

        os.environ["RUNTIME_CONFIG_PATH"] = str(render_runtime_config(Path(tempfile.mkdtemp(prefix="growth-")) / "runtime_config.json"))
        import tests.conftest  # noqa: F401  (test environment: local credentials; keeps the runtime config above)
        from infra.config import load_config
        from local import resources
        from local.bedrock_sim import BedrockSimulator

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        context = json.loads((Path(resources.__file__).resolve().parent.parent / "cdk.json").read_text(encoding="utf-8"))["context"]
        self.sim = BedrockSimulator(load_config(context).guardrail).start()
        os.environ.update(
            AWS_ENDPOINT_URL_DYNAMODB=f"http://{host}:{port}",
            AWS_ENDPOINT_URL_BEDROCK_RUNTIME=self.sim.endpoint_url,
            TABLE_NAME="growth",
            USAGE_TABLE=USAGE_TABLE,
            GUARDRAIL_ID=self.sim.guardrail_id,
            GUARDRAIL_VERSION=self.sim.guardrail_version,
        )
        import boto3

        self.reader = boto3.session.Session().client("dynamodb")  # its own session: not recorded
        resources.create_conversation_table(self.reader, "growth")
        if hasattr(resources, "create_usage_table"):  # the code with metering
            resources.create_usage_table(self.reader, USAGE_TABLE)
            now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
            override = {
                "pk": {"S": "BUDGET"},
                "sk": {"S": "USER#bench"},
                "tokens_per_day": {"N": "10000000"},
                "unlimited": {"BOOL": False},
                "updated_by": {"S": "bench"},
                "updated_at": {"S": now},
            }
            self.reader.put_item(TableName=USAGE_TABLE, Item=override)
        self.recorder = Recorder(usage_tables=(USAGE_TABLE,)).install()  # before the handler makes its clients
        from chat import handler

        self.handler = handler
        self.timer = HttpTimer().install()
        self.conversation: str | None = None
        self.history_bytes = self.history_tokens = 0
        self.started = time.monotonic()

    def turn(self, turn: int) -> dict[str, Any]:
        from local.bedrock_sim.model import tokens
        from tests.events import FakeContext, rest_event

        message = f"질문 {turn}: 오늘의 메모를 정리해 주세요. " * 3
        body = {"message": message, **({"conversation_id": self.conversation} if self.conversation else {})}
        self.timer.reset()
        self.recorder.reset()
        started = time.perf_counter()
        response = self.handler.handler(rest_event("POST", "/chat", body=body, sub="bench"), FakeContext("chat"))
        elapsed = (time.perf_counter() - started) * 1000
        own = elapsed - self.timer.seconds * 1000
        if response["statusCode"] != 200:
            raise RuntimeError(f"turn {turn} answered {response['statusCode']}: {response['body'][:300]}")
        self.recorder.finish(self.reader)  # reads the written items' sizes: after the timed call
        answer = json.loads(response["body"])
        self.conversation = answer["conversation_id"]
        sent = self.sim.recorded("Converse")[-1]
        self.history_bytes += len(message.encode()) + len(answer["message"]["content"].encode())
        self.history_tokens += tokens(message) + tokens(answer["message"]["content"])
        return {
            "turn": turn,
            "handler_ms": elapsed,
            "own_ms": own,
            "seconds": time.monotonic() - self.started,
            "sent_bytes": len(json.dumps(sent["messages"], ensure_ascii=False).encode()),
            "sent_tokens": sum(tokens(b.get("text") or b["guardContent"]["text"]["text"]) for m in sent["messages"] for b in m["content"]),
            "history_bytes": self.history_bytes,
            "history_tokens": self.history_tokens,
            "query_items": len(self.recorder.query_items),
            "query_bytes": sum(map(item_size, self.recorder.query_items)),
            "requests": self.recorder.by_label(),
            "usage_row_bytes": max(self.recorder.item_sizes(USAGE_TABLE), default=0),
        }


def measure(turns: int) -> dict[str, list[dict[str, Any]]]:
    codes = {"before": versions.checkout(), "metering": versions.ROOT}
    results: dict[str, list[dict[str, Any]]] = {label: [] for label in codes}
    with versions.workers("bench.chat_growth", codes) as running:
        for turn in range(1, turns + 1):
            for worker in running if turn % 2 else running[::-1]:
                results[worker.label].append(worker.ask(turn=turn))
    return results


def growth_lines(records: list[dict[str, Any]], turns: int) -> list[str]:
    header = (
        "turn",
        "model bytes",
        "tokens",
        "items read",
        "read bytes",
        "RCU",
        "handler ms",
        "own ms",
        "full-history bytes",
        "tokens",
        "RCU",
    )
    out = [" ".join(f"{h:>{w}}" for h, w in zip(header, (5, 12, 7, 10, 10, 4, 10, 7, 19, 7, 4), strict=True))]
    for r in records:
        turn, items, item_bytes = r["turn"], r["query_items"], r["query_bytes"]
        if turn in (1, 10, 50, 200) or turn == turns:
            # Read units: strongly consistent, 4 KB each (eventually consistent reads cost half).
            rcu = math.ceil(item_bytes / 4096) if item_bytes else 0
            # Full history: every earlier turn item, at the measured size of a window item
            # (two items per turn, user and assistant, plus the conversation's summary item).
            full_rcu = math.ceil(item_bytes / items * (2 * (turn - 1) + 1) / 4096) if items else 0
            out.append(
                f"{turn:>5} {r['sent_bytes']:>12} {r['sent_tokens']:>7} {items:>10} {item_bytes:>10} {rcu:>4}"
                f" {r['handler_ms']:>10.1f} {r['own_ms']:>7.1f} {r['history_bytes']:>19} {r['history_tokens']:>7}"
                f" {full_rcu:>4}"
            )
    return out


def _count(record: dict[str, Any], labels: tuple[str, ...] | None = None, key: str = "requests") -> float:
    return sum(v[key] for label, v in record["requests"].items() if labels is None or label in labels)


def added(before: dict[str, Any], after: dict[str, Any]) -> tuple[int, int]:
    """(read requests, write requests) one turn makes beyond the baseline's same turn."""
    reads = int(_count(after, READS) - _count(before, READS))
    writes = int(_count(after) - _count(after, READS) - (_count(before) - _count(before, READS)))
    return reads, writes


def request_lines(results: dict[str, list[dict[str, Any]]], turns: int) -> list[str]:
    base, now = results["before"], results["metering"]
    out = [
        f"DynamoDB requests per chat turn, by operation: this code beside {versions.short()} (main before metering), same run, "
        "turns interleaved; TransactWriteItems (TWI) by what it writes; units as DynamoDB bills them"
    ]
    out.append(
        f"  {'turn':<5} {'version':<9} "
        + " ".join(f"{name:>8}" for name in OPERATIONS.values())
        + f" {'requests':>8} {'read units':>10} {'write units':>11}"
    )
    for turn in sorted({t for t in SHOWN if t <= turns} | {turns}):
        for label, records in (("before", base), ("metering", now)):
            r = records[turn - 1]
            counts = " ".join(f"{int(r['requests'].get(op, {}).get('requests', 0)):>8}" for op in OPERATIONS)
            out.append(
                f"  {turn if label == 'before' else '':<5} {label:<9} {counts} {int(_count(r)):>8}"
                f" {_count(r, key='read_units'):>10.1f} {_count(r, key='write_units'):>11.1f}"
            )
    extra = [added(b, a) for b, a in zip(base, now, strict=True)]
    reads, writes = max(e[0] for e in extra), max(e[1] for e in extra)
    reread = [r["turn"] for r in now if r["requests"].get("BatchGetItem")]
    out.append(
        f"  all {turns} turns: {int(sum(map(_count, base)))} requests before, {int(sum(map(_count, now)))} with metering; "
        f"the budget overrides were read (BatchGetItem) at turns {', '.join(map(str, reread)) or 'none'} "
        f"(cached 60 s per container; this run: {now[-1]['seconds']:.0f} s)"
    )
    verdict = "met" if reads <= 1 and writes <= 1 else "MISSED"
    out.append(
        f"  added per turn, at most: {reads} read, {writes} write (target: at most 1 read and 1 write): {verdict}; "
        f"the usage rows measured {max(r['usage_row_bytes'] for r in now)} bytes at most (under 1 KB: "
        f"{'yes' if max(r['usage_row_bytes'] for r in now) <= 1024 else 'no'})"
    )
    return out


def main() -> None:
    if versions.start_worker(sys.argv) is not None:
        conversation = Conversation()
        try:
            versions.serve(lambda command: conversation.turn(int(command["turn"])))
        finally:
            conversation.sim.stop()
            conversation.moto.stop()
        return
    turns = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    results = measure(turns)
    print("\n".join(growth_lines(results["metering"], turns)))
    print()
    print("\n".join(request_lines(results, turns)))
    print(json.dumps({label: {str(r["turn"]): r["requests"] for r in records if r["turn"] in SHOWN} for label, records in results.items()}))


if __name__ == "__main__":
    main()
