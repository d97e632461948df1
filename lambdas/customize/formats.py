"""One JSONL record checked against its format: a list of (field, message) problems, empty when it is fine.

Formats (https://docs.aws.amazon.com/bedrock/latest/userguide/model-customization-prepare.html):
* bedrock-conversation-2024: {"schemaVersion", "system"?: [{"text"}], "messages": [{"role", "content": [{"text"}]}]};
  roles alternate user/assistant, first user, last assistant (Nova: "schemaVersion can be any string value";
  https://docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html). Nova reserved
  keywords ("User:", "Bot:", "Assistant:", "System:", "<image>", "<video>", "[EOS]") fail the job when a prompt
  contains them (same page; the AWS sample validator adds "Thought:" and upper-case forms).
* claude-3-haiku: {"system"?: str, "messages": [{"role", "content": str}]}, at least two messages, alternating,
  first user, last assistant, no other keys (Anthropic's Bedrock fine-tuning guide [second-hand] for the last rules).
* prompt-completion: {"prompt": str, "completion": str}.
* continued-pre-training: {"input": str} only.
* distillation prompts (https://docs.aws.amazon.com/bedrock/latest/userguide/distillation-prepare-datasets.html):
  bedrock-conversation-2024 where "the user role (the input prompt) is required" and the assistant turn is optional;
  "Anthropic and Meta Llama models support only single-turn conversation prompts"; Nova takes multi-turn records.
Messages are for people: English, with the Korean word for the problem first where it helps.
"""

from __future__ import annotations

from typing import Any

Problem = tuple[str, str]
RESERVED = ("User:", "Bot:", "Assistant:", "System:", "Thought:", "<image>", "<video>", "[EOS]")


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _reserved(text: str) -> str | None:
    upper = text.upper()
    return next((word for word in RESERVED if word.upper() in upper), None)


def _roles(roles: list[str], where: str = "messages", *, answer_optional: bool = False) -> list[Problem]:
    problems: list[Problem] = []
    if roles and roles[0] != "user":
        problems.append((f"{where}.0.role", "the first message must be from the user (첫 메시지는 user)"))
    if roles and roles[-1] != "assistant" and not answer_optional:
        problems.append((f"{where}.{len(roles) - 1}.role", "the last message must be the assistant's answer (마지막은 assistant)"))
    for i in range(1, len(roles)):
        if roles[i] == roles[i - 1]:
            problems.append((f"{where}.{i}.role", "user and assistant messages must alternate (번갈아 나와야 함)"))
            break
    return problems


def conversation(
    record: dict[str, Any], *, reserved: bool, images: bool, max_system: int | None, prompts: str | None = None
) -> list[Problem]:
    """`prompts`: None for fine-tuning; "single" or "multi" for distillation prompts (the answer is optional;
    "single": one user prompt at most, as Anthropic and Meta Llama students take)."""
    problems: list[Problem] = []
    extra = sorted(set(record) - {"schemaVersion", "system", "messages"})
    if extra:
        problems.append((extra[0], f"unknown field(s) {', '.join(extra)}: allowed schemaVersion, system, messages"))
    if not isinstance(record.get("schemaVersion"), str):
        problems.append(("schemaVersion", 'required string, e.g. "bedrock-conversation-2024"'))
    system = record.get("system", [])
    if not isinstance(system, list) or not all(isinstance(b, dict) and _text(b.get("text")) and set(b) == {"text"} for b in system):
        problems.append(("system", 'must be a list of {"text": non-blank string} blocks'))
    elif max_system is not None and len(system) > max_system:
        problems.append(("system", f"at most {max_system} system block(s) for this model"))
    elif reserved:
        for i, block in enumerate(system):
            word = _reserved(block["text"])
            if word:
                problems.append((f"system.{i}.text", f"contains the reserved keyword {word!r}: the training job would fail"))
    messages = record.get("messages")
    least = 1 if prompts else 2
    if not isinstance(messages, list) or len(messages) < least:
        wanted = "at least one user prompt (질문 필요)" if prompts else "at least two messages (user, then assistant)"
        problems.append(("messages", f"required: a list of {wanted}"))
        return problems
    roles: list[str] = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant") or set(message) != {"role", "content"}:
            problems.append((f"messages.{i}", 'each message is {"role": "user"|"assistant", "content": [...]} and nothing else'))
            return problems
        roles.append(message["role"])
        content = message["content"]
        if not isinstance(content, list) or not content:
            problems.append((f"messages.{i}.content", "must be a non-empty list of content blocks"))
            continue
        for j, block in enumerate(content):
            where = f"messages.{i}.content.{j}"
            if isinstance(block, dict) and "image" in block and images:
                continue
            if not isinstance(block, dict) or set(block) != {"text"} or not _text(block["text"]):
                kind = " or image" if images else ""
                problems.append((where, f'must be {{"text": non-blank string}}{kind} (빈 텍스트 불가)'))
            elif reserved and message["role"] == "user" and _reserved(block["text"]):
                problems.append(
                    (f"{where}.text", f"contains the reserved keyword {_reserved(block['text'])!r}: the training job would fail")
                )
    if prompts == "single" and roles.count("user") > 1:
        message = "one user prompt per record for this student: single-turn only (한 레코드에 질문 하나)"
        problems.append(("messages", message))
    return problems + _roles(roles, answer_optional=prompts is not None)


def claude(record: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    extra = sorted(set(record) - {"system", "messages"})
    if extra:
        problems.append((extra[0], f"unknown field(s) {', '.join(extra)}: Claude 3 Haiku records have only system and messages"))
    if "system" in record and not isinstance(record["system"], str):
        problems.append(("system", "must be a string for Claude 3 Haiku"))
    messages = record.get("messages")
    if not isinstance(messages, list) or len(messages) < 2:
        return [*problems, ("messages", "required: at least two messages (user, then assistant)")]
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant") or set(message) != {"role", "content"}:
            return [*problems, (f"messages.{i}", 'each message is {"role", "content": string} and nothing else')]
        if not _text(message["content"]):
            problems.append((f"messages.{i}.content", "must be a non-blank string for Claude 3 Haiku"))
    return problems + _roles([m["role"] for m in messages])


def prompt_completion(record: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = [(key, "required non-blank string") for key in ("prompt", "completion") if not _text(record.get(key))]
    extra = sorted(set(record) - {"prompt", "completion"})
    if extra:
        problems.append((extra[0], f'unknown field(s) {", ".join(extra)}: records are {{"prompt", "completion"}}'))
    return problems


def pre_training(record: dict[str, Any]) -> list[Problem]:
    if set(record) != {"input"} or not _text(record.get("input")):
        return [("input", 'each record is {"input": non-blank string} and nothing else')]
    return []


def texts(record: dict[str, Any]) -> list[str]:
    """Every string the model reads or writes in a record (for the token estimate)."""
    found: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, str) and key not in ("schemaVersion", "role"):
            found.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)

    walk(record)
    return found
