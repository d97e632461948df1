"""A JSONL dataset checked before any money is spent: line-by-line problems, counts and tokens against the base
model's documented limits, the train/validation split and the estimated training cost.

Tokens: AWS says "use approximately 6 characters per token" for planning
(https://docs.aws.amazon.com/bedrock/latest/userguide/model-customization-prepare.html). That ratio is for English
text; Korean and other CJK text takes about a token per character or more, so each Hangul/CJK character counts
as one token here and the rest as 6 characters a token: an estimate on the safe (high) side for Korean.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from customize import formats
from customize.customization_catalog import BaseModelInfo, DatasetRules, Method

MAX_LISTED = 200  # problems listed in one answer (the total is always given)


def estimate_tokens(text: str) -> int:
    wide = sum(1 for ch in text if ord(ch) >= 0x1100)
    return wide + math.ceil((len(text) - wide) / 6)


@dataclass
class Checked:
    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0
    tokens: int = 0
    max_record_tokens: int = 0

    def add(self, line: int, field_name: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append({"line": line, "field": field_name, "message": message})


def _record_problems(record: dict[str, Any], model: BaseModelInfo, method: Method) -> list[formats.Problem]:
    if method == "CONTINUED_PRE_TRAINING":
        return formats.pre_training(record)
    rules = model.dataset
    if method == "DISTILLATION":  # prompts in bedrock-conversation-2024 whatever the student's fine-tuning format
        prompts = "multi" if model.family == "nova" else "single"
        return formats.conversation(record, reserved=rules.reserved_keywords, images=False, max_system=None, prompts=prompts)
    if rules.format == "bedrock-conversation-2024":
        # Llama: at most one system block [second-hand: AWS's Llama dataset validator]
        return formats.conversation(
            record, reserved=rules.reserved_keywords, images=rules.images, max_system=1 if model.family == "meta" else None
        )
    if rules.format == "claude-3-haiku":
        return formats.claude(record)
    return formats.prompt_completion(record)


def check(content: str, model: BaseModelInfo, method: Method) -> Checked:
    """Every line of `content` (JSONL, UTF-8 text) checked; numbering starts at 1, as editors show it."""
    result = Checked()
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file's final newline
    if not lines:
        result.add(1, "", "the dataset is empty: one JSON object per line (데이터가 비어 있음)")
        return result
    limit = model.dataset.max_record_tokens
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            result.add(number, "", "blank line: JSONL has one JSON object on every line (빈 줄)")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            result.add(number, "", f"not valid JSON: {err.msg} at column {err.colno} (JSON 형식 오류)")
            continue
        if not isinstance(record, dict):
            result.add(number, "", "each line must be a JSON object, not a " + type(record).__name__)
            continue
        problems = _record_problems(record, model, method)
        for where, message in problems:
            result.add(number, where, message)
        tokens = sum(estimate_tokens(t) for t in formats.texts(record))
        if limit is not None and tokens > limit:
            result.add(number, "", f"about {tokens:,} tokens: over the {limit:,}-token limit per record for {model.name}")
        if not problems:
            result.records.append(record)
            result.tokens += tokens
            result.max_record_tokens = max(result.max_record_tokens, tokens)
    return result


def split(records: list[dict[str, Any]], fraction: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The last `fraction` of the records (at least one when asked) becomes the validation set; order is kept,
    so the same file and fraction always split the same way."""
    if fraction <= 0:
        return records, []
    count = max(1, round(len(records) * fraction))
    return records[: len(records) - count], records[len(records) - count :]


def count_problems(
    model: BaseModelInfo, train: int, validation: int, fraction: float, rules: DatasetRules | None = None
) -> list[dict[str, Any]]:
    """The record counts against the documented limits (`rules`: the model's by default, or distillation's; line 0:
    the whole file)."""
    rules = rules or model.dataset
    found = []
    if fraction > 0 and not rules.validation:
        found.append(f"{model.name} takes no validation set here: set validation_split to 0 ({rules.source})")
    total = train + validation
    if total < rules.min_records:
        found.append(f"{total} valid records: {model.name} needs at least {rules.min_records} (최소 {rules.min_records}개)")
    if total > rules.max_records:
        found.append(f"{total} valid records: {model.name} takes at most {rules.max_records:,}")
    if rules.max_validation_records is not None and validation > rules.max_validation_records and rules.validation:
        found.append(f"{validation} validation records: at most {rules.max_validation_records:,} for {model.name}")
    return [{"line": 0, "field": "records", "message": message} for message in found]


def to_jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


DISTILLATION_NOTE = (
    "distillation also bills the teacher's inference for the synthetic responses Bedrock generates (at the teacher's "
    "on-demand price, not estimated here), and the training tokens include those responses, which this estimate cannot count"
)


def estimated_cost(model: BaseModelInfo, tokens: int, epochs: int, method: Method = "FINE_TUNING") -> dict[str, Any]:
    """Training cost: tokens trained (the training set's tokens × epochs) at the catalog's price per 1,000."""
    price = model.prices.training_per_1k_tokens
    trained = tokens * epochs
    extra = {"distillation": DISTILLATION_NOTE} if method == "DISTILLATION" else {}
    return {
        **extra,
        "tokens_trained": trained,
        "epochs": epochs,
        "price_per_1k_tokens": price,
        "usd": None if price is None else round(trained / 1000 * price, 6),
        "storage_per_month_usd": model.prices.storage_per_month,
        "source": model.prices.source,
        "note": "an estimate from the catalog's price and this product's token estimate; AWS bills the tokens it counts"
        if price is not None
        else "no training price in the catalog for this model: not estimated",
    }
