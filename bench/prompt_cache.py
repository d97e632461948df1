"""Prompt caching: the model cost of each turn of one conversation with a 5,000-token system prompt, with and without
cache points, through the local stack (`python -m local.stack` in its own process: the local gateway, the chat
function, moto and the offline Bedrock, whose usage reports cache reads and writes as Bedrock does).

Each run is a stack process of its own: cdk.json's configuration with the system-prompt limit raised to hold 5,000
tokens, and `prompt_caching.enabled` true or false. The admin demo user (no budget) holds a 50-turn conversation on
Claude Haiku 4.5 (minimum 4,096 tokens a checkpoint, reads at 0.1x and 5-minute writes at 1.25x the input rate); the
offline model writes replies of REPLY_TOKENS tokens. A turn's cost is the difference of the model's `cost_micro_usd`
in `GET /usage` before and after it (what metering charged, at the catalog's prices). Guardrail charges are left out:
caching does not change them.
Usage: python -m bench.prompt_cache [turns]
"""

from __future__ import annotations

import json
import sys
import urllib.request
from typing import Any

from bench.stack import call, sign_in, stack_process

MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
SYSTEM_TOKENS = 5_000
REPLY_TOKENS = 200
SHOWN = (1, 2, 10, 50)
TARGET = 0.5
# About 5,000 tokens for the offline model (4 Latin characters a token) and for a Claude tokenizer alike.
SYSTEM = ("You are the help desk of a company. Answer from the policy handbook below, briefly and politely. " * 300)[: SYSTEM_TOKENS * 4]


def config(caching: bool) -> dict[str, Any]:
    return {"limits": {"max_system_prompt_chars": len(SYSTEM) + 1_000}, "prompt_caching": {"enabled": caching}}


def model_cost(api: str, token: str) -> int:
    status, body = call(f"{api}/usage", token)
    assert status == 200, body
    models = json.loads(body)["day"]["models"]
    return int(next((m["cost_micro_usd"] for m in models if m["model_id"] == MODEL), 0))


def run(turns: int, caching: bool) -> list[int]:
    """Each turn's model cost (micro-USD), in order."""
    costs = []
    with stack_process(config(caching)) as outputs:
        api = outputs["ApiUrl"].rstrip("/")
        request = urllib.request.Request(
            f"{outputs['BedrockEndpoint']}/_sim/model", data=json.dumps({"reply_tokens": REPLY_TOKENS}).encode(), method="POST"
        )
        urllib.request.urlopen(request, timeout=10).close()
        token = sign_in(outputs, 0)
        conversation = None
        before = model_cost(api, token)
        for turn in range(1, turns + 1):
            body: dict[str, Any] = {"message": f"Question {turn}: how many days of leave do I have left this year?", "model_id": MODEL}
            body.update({"conversation_id": conversation} if conversation else {"system_prompt": SYSTEM})
            status, answer = call(f"{api}/chat", token, "POST", body)
            assert status == 200, answer
            conversation = json.loads(answer)["conversation_id"]
            after = model_cost(api, token)
            costs.append(after - before)
            before = after
    return costs


def lines(uncached: list[int], cached: list[int]) -> list[str]:
    rows = [
        f"Claude Haiku 4.5, {SYSTEM_TOKENS:,}-token system prompt, {REPLY_TOKENS}-token replies, window of 10 turns; model cost per turn",
        f"{'turn':>5} {'uncached µ$':>12} {'cached µ$':>10} {'ratio':>6}",
    ]
    for turn in SHOWN:
        if turn <= len(cached):
            plain, saved = uncached[turn - 1], cached[turn - 1]
            rows.append(f"{turn:>5} {plain:>12,} {saved:>10,} {saved / plain:>6.2f}")
    later = [c / u for c, u in zip(cached[9:], uncached[9:], strict=True)]
    if later:
        verdict = "met" if max(later) <= TARGET else "NOT met"
        rows.append(f"turns 10-{len(cached)}: worst ratio {max(later):.2f} (target ≤ {TARGET}: {verdict})")
    rows.append(f"all {len(cached)} turns: {sum(uncached):,} µ$ uncached, {sum(cached):,} µ$ cached ({sum(cached) / sum(uncached):.2f})")
    return rows


def main() -> None:
    turns = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    uncached = run(turns, caching=False)
    cached = run(turns, caching=True)
    print("\n".join(lines(uncached, cached)))


if __name__ == "__main__":
    main()
