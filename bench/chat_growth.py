"""Growth of one conversation: what each turn sends to the model and reads from DynamoDB.

Runs the real chat handler against moto's DynamoDB server and the offline Bedrock, then
prints, at turns 1, 10, 50 and 200: bytes and tokens sent to the model (from the simulator's
record), the items and bytes the window Query read (and the read units that costs), and the
handler's time, beside what sending the full history would take.
handler ms is the whole call (moto included); own ms leaves out the time inside AWS HTTP calls (bench.timing).
Usage: python -m bench.chat_growth [turns]
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "lambdas")]


def main() -> None:
    turns = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    from moto.server import ThreadedMotoServer

    import tests.conftest  # noqa: F401  (test environment: local credentials, runtime config)
    from infra.config import load_config
    from local.bedrock_sim import BedrockSimulator
    from local.bedrock_sim.model import tokens
    from local.resources import create_conversation_table
    from tests.events import FakeContext, rest_event

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    sim = BedrockSimulator(load_config(context).guardrail).start()
    os.environ.update(
        AWS_ENDPOINT_URL_DYNAMODB=f"http://{host}:{port}", AWS_ENDPOINT_URL_BEDROCK_RUNTIME=sim.endpoint_url,
        TABLE_NAME="growth", GUARDRAIL_ID=sim.guardrail_id, GUARDRAIL_VERSION=sim.guardrail_version,
    )  # fmt: skip
    import boto3

    from chat import handler

    create_conversation_table(boto3.client("dynamodb"), "growth")
    read: list[tuple[int, int]] = []

    def on_query(parsed: dict, model: Any, **_: Any) -> None:
        if model.name == "Query":
            items = parsed.get("Items", [])
            read.append((len(items), sum(len(json.dumps(i, ensure_ascii=False).encode()) for i in items)))

    handler._store()._db.meta.events.register("after-call.dynamodb", on_query)
    conversation = None
    history_bytes = 0
    history_tokens = 0
    from bench.timing import HttpTimer

    timer = HttpTimer().install()
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
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, (5, 12, 7, 10, 10, 4, 10, 7, 19, 7, 4), strict=True)))
    for turn in range(1, turns + 1):
        message = f"질문 {turn}: 오늘의 메모를 정리해 주세요. " * 3
        body = {"message": message, **({"conversation_id": conversation} if conversation else {})}
        timer.reset()
        started = time.perf_counter()
        response = handler.handler(rest_event("POST", "/chat", body=body, sub="bench"), FakeContext("chat"))
        elapsed = (time.perf_counter() - started) * 1000
        own = elapsed - timer.seconds * 1000
        answer = json.loads(response["body"])
        conversation = answer["conversation_id"]
        sent = sim.recorded("Converse")[-1]
        sent_bytes = len(json.dumps(sent["messages"], ensure_ascii=False).encode())
        sent_tokens = sum(tokens(b.get("text") or b["guardContent"]["text"]["text"]) for m in sent["messages"] for b in m["content"])
        history_bytes += len(message.encode()) + len(answer["message"]["content"].encode())
        history_tokens += tokens(message) + tokens(answer["message"]["content"])
        items, item_bytes = read[-1] if turn > 1 else (0, 0)
        if turn in (1, 10, 50, 200) or turn == turns:
            # Read units: strongly consistent, 4 KB each (eventually consistent reads cost half).
            rcu = math.ceil(item_bytes / 4096) if item_bytes else 0
            # Full history: every earlier turn item, at the measured size of a window item.
            # (two items per turn, user and assistant, plus the conversation's summary item).
            full_rcu = math.ceil(item_bytes / items * (2 * (turn - 1) + 1) / 4096) if items else 0
            print(f"{turn:>5} {sent_bytes:>12} {sent_tokens:>7} {items:>10} {item_bytes:>10} {rcu:>4} {elapsed:>10.1f} {own:>7.1f}"
                  f" {history_bytes:>19} {history_tokens:>7} {full_rcu:>4}")  # fmt: skip
    sim.stop()
    moto.stop()


if __name__ == "__main__":
    main()
