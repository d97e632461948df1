"""The offline text model's answer to a Converse or ConverseStream request, before its output guardrail.

`draft` checks the request as Bedrock does (model, inference settings, roles, blank text, the guardrail),
runs the input guardrail and writes the reply; `converse_result` applies the output guardrail to the whole
reply (Converse). ConverseStream applies it chunk by chunk instead (local/bedrock_sim/streaming.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from local.bedrock_sim import citations, content_blocks
from local.bedrock_sim.guardrail import GuardrailEngine, Outcome
from local.bedrock_sim.model import (
    check_blank_text,
    check_inference,
    check_roles,
    generate,
    grounded_reply,
    passages_in,
    served_chat_model,
    text_of,
    tokens,
)
from local.bedrock_sim.prompt_cache import CacheUsage, cache_of, prompt_points
from local.bedrock_sim.qualifiers import guarded_texts, qualified
from local.bedrock_sim.thinking import reasoning_text

if TYPE_CHECKING:
    from local.bedrock_sim.server import BedrockSimulator


@dataclass
class Draft:
    """What the model wrote (or, the input blocked, the blocked-input message), with what the guardrail needs."""

    text: str
    stop_reason: str
    input_tokens: int
    thought_tokens: int
    guard: dict[str, Any] | None
    trace: dict[str, Any] = field(default_factory=dict)
    input_blocked: bool = False
    reasoning: dict[str, Any] | None = None
    sources: list[str] = field(default_factory=list)  # what the grounding check reads
    query: str = ""
    started: float = field(default_factory=time.perf_counter)
    cache: CacheUsage | None = None  # the prompt's tokens and what the cache served and stored (prompt_cache.py)
    cited: list[dict[str, Any]] = field(default_factory=list)  # citationsContent blocks after the text (citations.py)

    @property
    def full_text(self) -> str:
        """The whole answer: the text, then the cited parts' words."""
        return self.text + citations.text_of(self.cited)


def draft(sim: BedrockSimulator, params: dict[str, Any]) -> Draft:
    model_id = params["modelId"]
    custom = sim.customization.deployed_chat_model(model_id)  # a custom model deployment's ARN: the base model's rules
    info = custom[0] if custom else served_chat_model(model_id)
    label = f"offline custom model {custom[1]}" if custom else f"offline model {model_id}"
    config = params.get("inferenceConfig", {})
    thinks = check_inference(info, config, params.get("additionalModelRequestFields"))
    messages = params["messages"]
    check_roles(messages)
    check_blank_text(messages, params.get("system", []))
    points, prompt_tokens, rules = prompt_points(info.model_id, params)  # cache points checked before anything runs
    content_blocks.check(info.model_id, messages)  # image and document blocks (local/bedrock_sim/content_blocks.py)
    citations.check(info.model_id, messages)  # document citations (local/bedrock_sim/citations.py)
    guard = params.get("guardrailConfig")
    flat = [{"role": m["role"], "text": text_of(m["content"])} for m in messages]
    answer = Draft("", "end_turn", prompt_tokens, 0, guard)  # files included (prompt_cache.py, file_tokens.py)
    answer.sources, answer.query = qualified(messages, "grounding_source"), "\n".join(qualified(messages, "query"))
    if guard:
        sim._check_guardrail(guard["guardrailIdentifier"], guard["guardrailVersion"])
        guarded = guarded_texts(messages)
        outcome = sim.guardrail.check("\n".join(t for _, t in guarded), "INPUT")
        violence = sim.guardrail.policy.content_filters.VIOLENCE
        if not outcome.blocked and any(content_blocks.image_blocked(p, violence) for p in content_blocks.guarded_images(messages)):
            verdict = {"type": "VIOLENCE", "confidence": "HIGH", "filterStrength": violence.input, "action": "BLOCKED", "detected": True}
            outcome = Outcome(True, True, sim.guardrail.policy.blocked_input_message, {"contentPolicy": {"filters": [verdict]}})
        answer.trace["inputAssessment"] = {sim.guardrail_id: outcome.assessment}
        if outcome.blocked:
            answer.text, answer.stop_reason, answer.input_blocked = outcome.text, "guardrail_intervened", True
            return answer
        if outcome.intervened:
            flat = _with_masked_input(flat, guarded, sim.guardrail)
    answer.cache = cache_of(sim).account(info.model_id, points, prompt_tokens, rules)  # inference runs: the cache is used
    system = "\n".join(block.get("text", "") for block in params.get("system", []))
    answer.reasoning = reasoning_text(info, flat[-1]["text"]) if thinks else None
    answer.thought_tokens = tokens(answer.reasoning["reasoningText"]["text"]) if answer.reasoning else 0
    if answer.thought_tokens and "maxTokens" in config:  # thinking counts against maxTokens
        config = {**config, "maxTokens": max(1, config["maxTokens"] - answer.thought_tokens)}
    passages, question = passages_in(messages[-1])  # what the model reads, marked for grounding or not
    if passages and question:
        reply = grounded_reply(
            model_id, passages, question, invent=sim.ungrounded_replies, length=sim.reply_tokens, max_tokens=config.get("maxTokens")
        )
    else:
        suffix = content_blocks.read_note(messages) + sim.reply_suffix  # the files the model "read", by name
        reply = generate(model_id, system, flat, config, suffix=suffix, length=sim.reply_tokens, label=label)
    answer.text, answer.stop_reason = reply.text, reply.stop_reason
    if reply.stop_reason == "end_turn" and not (passages and question):  # an answer cut short cites nothing
        answer.cited = citations.cite(messages, flat[-1]["text"])
        if answer.cited and guard and sim.guardrail.check(answer.full_text, "OUTPUT").intervened:
            answer.cited = []  # the output guardrail would act on the cited answer: it goes uncited (docs/local-bedrock.md)
    return answer


def converse_result(sim: BedrockSimulator, answer: Draft) -> dict[str, Any]:
    """Converse: the output guardrail on the whole reply, then Bedrock's response document."""
    text, stop_reason, output_tokens = answer.text, answer.stop_reason, 0
    if not answer.input_blocked:
        output_tokens = tokens(answer.full_text) + answer.thought_tokens
        if answer.guard:
            checked: Outcome = sim.guardrail.check(answer.full_text, "OUTPUT", sources=answer.sources, query=answer.query)
            answer.trace["outputAssessments"] = {sim.guardrail_id: [checked.assessment]}
            if checked.intervened:
                text, stop_reason = checked.text, "guardrail_intervened"
    result = result_document(answer, text, stop_reason, output_tokens)
    if stop_reason != "guardrail_intervened":
        result["output"]["message"]["content"] += answer.cited
    if answer.reasoning and stop_reason != "guardrail_intervened":
        result["output"]["message"]["content"].insert(0, {"reasoningContent": answer.reasoning})
    return result


def result_document(answer: Draft, text: str, stop_reason: str, output_tokens: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop_reason,
        "usage": (answer.cache or CacheUsage(answer.input_tokens)).usage(output_tokens),
        "metrics": {"latencyMs": int((time.perf_counter() - answer.started) * 1000)},
    }
    if answer.guard and answer.guard.get("trace", "disabled") != "disabled":
        result["trace"] = {"guardrail": answer.trace}
    return result


def _with_masked_input(flat: list[dict[str, str]], guarded: list[tuple[int, str]], engine: GuardrailEngine) -> list[dict[str, str]]:
    masked = [dict(m) for m in flat]
    for index, text in guarded:
        masked[index]["text"] = masked[index]["text"].replace(text, engine.check(text, "INPUT").text)
    return masked
