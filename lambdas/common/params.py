"""The API's inference parameters, and their mapping to each model family's Converse request.

Anthropic: top_k in additionalModelRequestFields["top_k"]; Amazon Nova:
additionalModelRequestFields["inferenceConfig"]["topK"]. Thinking and effort: common/reasoning.py
(Anthropic `thinking` / `output_config`, Nova `reasoningConfig`); while a Claude model thinks it takes
no sampling parameter ("temperature may only be set to 1 when thinking is enabled or in adaptive
mode"), so they are refused then. A parameter a model cannot take is a 400 that says why; nothing a
user set is silently dropped.

`max_tokens` is capped below the model's own limit by what it can write before the function stops
waiting for it (ChatModelSpec.max_tokens_ceiling: the read timeout derived from API Gateway's 29 s
times a conservative output speed); the default is min(2048, that ceiling). A streamed answer has no
29 s ceiling (API Gateway streams for up to 15 minutes): its ceiling is the model's own limit.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from common import reasoning
from common.errors import ValidationFailedError
from common.reasoning import problem
from common.runtime_config import ChatModelSpec

DEFAULT_MAX_TOKENS = 2048

StopSequence = Annotated[str, Field(min_length=1, max_length=100)]


class InferenceParams(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    temperature: Annotated[float, Field(ge=0, le=1)] | None = None
    top_p: Annotated[float, Field(ge=0, le=1)] | None = None
    top_k: Annotated[int, Field(ge=1, le=500)] | None = None
    max_tokens: Annotated[int, Field(ge=1)] | None = None
    stop_sequences: Annotated[list[StopSequence], Field(max_length=4)] | None = None
    effort: Literal["low", "medium", "high", "xhigh", "max"] | None = Field(
        default=None, description="How much the model thinks and writes; each model's levels: GET /models reasoning.efforts"
    )
    thinking: bool | None = Field(
        default=None, description="Adaptive thinking (extended thinking on Nova 2) on or off; left out: off where the model allows it"
    )


def converse_options(params: InferenceParams | None, model: ChatModelSpec, read_seconds: int | None) -> dict[str, Any]:
    """`inferenceConfig` and `additionalModelRequestFields` for a Converse call to `model` waited on for `read_seconds`
    (None: a stream, read for as long as the model writes)."""
    params = params or InferenceParams()
    thinking = reasoning.plan(params.effort, params.thinking, model)
    problems = [*_sampling_problems(params, model, thinking_claude=thinking.thinking and model.family == "anthropic"), *thinking.problems]
    ceiling = model.max_output_tokens if read_seconds is None else model.max_tokens_ceiling(read_seconds)
    if params.max_tokens is not None and params.max_tokens > ceiling:
        problems.append(problem("max_tokens", _ceiling_reason(model, ceiling, read_seconds or 0)))
    if params.stop_sequences and len(params.stop_sequences) > model.max_stop_sequences:
        problems.append(problem("stop_sequences", f"at most {model.max_stop_sequences} for {model.name}"))
    if problems:
        raise ValidationFailedError("invalid inference parameters", details=problems)

    inference: dict[str, Any] = {"maxTokens": params.max_tokens or min(DEFAULT_MAX_TOKENS, ceiling)}
    if params.temperature is not None:
        inference["temperature"] = params.temperature
    if params.top_p is not None:
        inference["topP"] = params.top_p
    if params.stop_sequences:
        inference["stopSequences"] = list(params.stop_sequences)
    options: dict[str, Any] = {"inferenceConfig": inference}
    extra = dict(thinking.fields)
    if params.top_k is not None:
        if model.family == "anthropic":
            extra["top_k"] = params.top_k
        else:
            extra["inferenceConfig"] = {"topK": params.top_k}
    if extra:
        options["additionalModelRequestFields"] = extra
    return options


def _sampling_problems(params: InferenceParams, model: ChatModelSpec, *, thinking_claude: bool) -> list[dict[str, str]]:
    problems = []
    if params.temperature is not None and params.top_p is not None and not model.temperature_with_top_p and not thinking_claude:
        message = f"{model.name} accepts temperature or top_p, not both: send only one"
        problems += [problem("temperature", message), problem("top_p", message)]
    for name in ("temperature", "top_p", "top_k"):
        value = getattr(params, name)
        allowed = getattr(model.params, name)
        if value is None:
            continue
        if allowed is None:
            problems.append(problem(name, f"{model.name} does not take {name}"))
        elif thinking_claude:
            problems.append(problem(name, f"{model.name} takes no {name} while it thinks: leave {name} out or send thinking false"))
        elif not allowed[0] <= value <= allowed[1]:
            problems.append(problem(name, f"must be between {allowed[0]} and {allowed[1]} for {model.name}"))
    return problems


def _ceiling_reason(model: ChatModelSpec, ceiling: int, read_seconds: int) -> str:
    if ceiling == model.max_output_tokens:
        return f"must be at most {ceiling} for {model.name} (the model's limit)"
    return (
        f"must be at most {ceiling} for {model.name}: this API answers within 29 s, so it waits {read_seconds} s for the model, "
        f"and {model.name} is assumed to write at least {model.output_tokens_per_second:g} tokens a second "
        f"(the model itself allows {model.max_output_tokens})"
    )
