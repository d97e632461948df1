"""A usage row's counters (key design: infra/constructs/usage.py), read back as plain numbers.

Money is integer micro-USD in storage and in every `*_micro_usd` field; `*_usd` fields are the same amount
divided by 10^6 for people to read. Per-model counters are attributes `model#<model_id>#<counter>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MICRO = 1_000_000
MODEL_PREFIX = "model#"
# estimated_micro_usd: the part of cost_micro_usd no service reported (images, Retrieve's query embedding, a stream
# that ended before its final event), priced from counts and characters (lambdas/common/usage/prices.py).
TOTALS = (
    "cost_micro_usd",
    "estimated_micro_usd",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_saved_micro_usd",  # prompt caching's saving: the cached tokens at the input rate minus what they cost
    "images",
    "guardrail_text_units",
    "requests",
)
PER_MODEL = ("cost_micro_usd", "input_tokens", "output_tokens", "images")


def usd(micro_usd: int) -> float:
    return round(micro_usd / MICRO, 6)


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


@dataclass
class Counters:
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOTALS, 0))
    models: dict[str, dict[str, int]] = field(default_factory=dict)
    committed_micro_usd: int = 0  # what enforcement compares: settled cost + reservations not yet settled
    committed_tokens: int = 0

    @classmethod
    def from_item(cls, item: dict[str, Any] | None) -> Counters:
        counters = cls()
        if not item:
            return counters
        for name in TOTALS:
            counters.values[name] = _int(item.get(name))
        for name, value in item.items():
            if name.startswith(MODEL_PREFIX) and name.count("#") >= 2:
                model_id, counter = name[len(MODEL_PREFIX) :].rsplit("#", 1)
                if counter in PER_MODEL:
                    counters.models.setdefault(model_id, dict.fromkeys(PER_MODEL, 0))[counter] = _int(value)
        # A row without the committed counters (never reserved against) counts what it settled.
        committed_usd, committed_tokens = item.get("committed_micro_usd"), item.get("committed_tokens")
        counters.committed_micro_usd = counters.cost_micro_usd if committed_usd is None else _int(committed_usd)
        counters.committed_tokens = counters.total_tokens if committed_tokens is None else _int(committed_tokens)
        return counters

    @property
    def cost_micro_usd(self) -> int:
        return self.values["cost_micro_usd"]

    @property
    def total_tokens(self) -> int:
        """Every token the models read or wrote: input, output, cache reads and cache writes."""
        v = self.values
        return v["input_tokens"] + v["output_tokens"] + v["cache_read_tokens"] + v["cache_write_tokens"]

    def add(self, other: Counters) -> None:
        for name in TOTALS:
            self.values[name] += other.values[name]
        for model_id, numbers in other.models.items():
            mine = self.models.setdefault(model_id, dict.fromkeys(PER_MODEL, 0))
            for name in PER_MODEL:
                mine[name] += numbers[name]
        self.committed_micro_usd += other.committed_micro_usd
        self.committed_tokens += other.committed_tokens

    def view(self) -> dict[str, Any]:
        """The API's shape: totals, cost in both units, and per model (costliest first)."""
        models = [
            {
                "model_id": model_id,
                "cost_micro_usd": n["cost_micro_usd"],
                "cost_usd": usd(n["cost_micro_usd"]),
                "input_tokens": n["input_tokens"],
                "output_tokens": n["output_tokens"],
                "images": n["images"],
            }
            for model_id, n in sorted(self.models.items(), key=lambda kv: (-kv[1]["cost_micro_usd"], kv[0]))
        ]
        return {**self.values, "cost_usd": usd(self.cost_micro_usd), "total_tokens": self.total_tokens, "models": models}
