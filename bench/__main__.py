"""`make bench`: every benchmark in one run, each figure beside its baseline, written to docs/performance.md.

Usage: python -m bench [cold_samples] [warm_requests] [throughput_requests] [stream_requests]
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

from bench import chat_table, cold_start, prompt_cache, sizes, stream_cold, stream_ttft, throughput, warm
from bench.stack import local_stack, stack_process

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
TABLE_TURNS, TABLE_MESSAGES = 30, 10_000
CACHE_TURNS = 50


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8") if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), platform.processor())
    load = os.getloadavg()
    return (
        f"{model}, {os.cpu_count()} cores; Python {platform.python_version()} ({platform.machine()}); "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; load average before the run "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
    )


def main() -> None:
    args = [int(a) for a in sys.argv[1:]]
    cold_samples, warm_requests, load_requests, stream_requests = (args + [10, 200, 400, 30][len(args) :])[:4]
    about = machine()
    sections: dict[str, list[str]] = {}
    print("growth ...", file=sys.stderr, flush=True)  # first: the local stack below rewrites os.environ
    growth = subprocess.run([sys.executable, "-m", "bench.chat_growth", "200"], capture_output=True, text=True, check=False, cwd=ROOT)
    if growth.returncode:
        raise RuntimeError(f"bench.chat_growth failed:\n{growth.stderr[-4000:]}")
    sections["growth"] = ["  " + line for line in growth.stdout.splitlines() if not line.startswith("{")]
    print("sizes ...", file=sys.stderr, flush=True)
    sections["sizes"] = sizes.lines(sizes.measure())
    print("cold start ...", file=sys.stderr, flush=True)
    with local_stack() as outputs:
        sections["cold"] = cold_start.lines(cold_start.measure(cold_samples, outputs), cold_samples)
        print("warm ...", file=sys.stderr, flush=True)
        sections["warm"] = warm.lines(warm.measure(warm_requests), warm_requests)
        print("streaming cold start ...", file=sys.stderr, flush=True)
        sections["stream_cold"] = stream_cold.lines(stream_cold.measure(cold_samples), cold_samples)
    print("warm, before and with metering ...", file=sys.stderr, flush=True)  # a local stack per version, in its own process
    sections["warm"] += warm.compare_lines(warm.compare(warm_requests), warm_requests)
    print("throughput ...", file=sys.stderr, flush=True)  # the stack in its own process, as `make dev` runs it
    with stack_process() as outputs:
        sections["throughput"] = throughput.lines(throughput.measure(load_requests, outputs), load_requests)
    print("time to first token ...", file=sys.stderr, flush=True)  # a stack process per guardrail stream mode
    sections["stream_ttft"] = stream_ttft.lines(stream_ttft.measure(stream_requests), stream_requests)
    print("chat turn and table size ...", file=sys.stderr, flush=True)  # a stack process: 0, then 10,000 stored messages
    sections["chat_table"] = chat_table.lines(chat_table.measure(TABLE_TURNS, TABLE_MESSAGES), TABLE_TURNS)
    print("prompt caching ...", file=sys.stderr, flush=True)  # a stack process without cache points, then one with them
    sections["prompt_cache"] = prompt_cache.lines(prompt_cache.run(CACHE_TURNS, caching=False), prompt_cache.run(CACHE_TURNS, caching=True))
    after = os.getloadavg()
    about += f"; after {after[0]:.2f}"
    for lines in sections.values():
        print("\n".join(lines))
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    DOC.write_text(render(text, about, sections), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def render(existing: str, about: str, sections: dict[str, list[str]]) -> str:
    """Replace the generated block of docs/performance.md (the prose around it is kept)."""
    titles = {
        "cold": "1. Cold start",
        "warm": "2. Warm overhead",
        "growth": "3. Growth of one conversation",
        "sizes": "4. Sizes",
        "throughput": "5. Local throughput",
        "stream_ttft": "6. Streaming: time to first token",
        "stream_cold": "7. Streaming: cold start",
        "chat_table": "8. Local chat turn and table size",
        "prompt_cache": "9. Prompt caching: model cost per turn",
    }
    block = [START, f"Measured by `make bench` on {about}.", ""]
    for key in titles:
        if key in sections:
            block += [f"### {titles[key]}", "", "```", *sections[key], "```", ""]
    block.append(END)
    generated = "\n".join(block)
    if START in existing and END in existing:
        head, rest = existing.split(START, 1)
        return head + generated + rest.split(END, 1)[1]
    return existing + ("\n" if existing else "") + generated + "\n"


if __name__ == "__main__":
    main()
