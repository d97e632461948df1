"""What the pages show, computed from the API's answers: no Streamlit here, so it is tested plainly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ADMIN_GROUP = "admin"  # infra/constants.py ADMIN_GROUP: the group allowed to manage documents
DEFAULT_MAX_TOKENS = 2048  # the API's default: min(2048, the model's max_tokens_ceiling)
ASPECT_RATIOS = ("1:1", "16:9", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21")


@dataclass(frozen=True)
class Slider:
    name: str
    label: str
    low: float | int
    high: float | int
    default: float | int
    step: float | int


def sliders(model: dict[str, Any], *, streaming: bool = False) -> list[Slider]:
    """One slider per inference parameter the model takes, over its own allowed range (GET /models); Claude 4.7
    and later take no sampling parameter (range null), so only max_tokens is left. Max tokens goes up to what the
    route accepts: the model's own maximum on a streaming route, `max_tokens_ceiling` (its 29 s) otherwise."""
    ranges = model["params"]
    ceiling = model["max_output_tokens"] if streaming else model.get("max_tokens_ceiling", model["max_output_tokens"])
    max_out = int(ceiling)
    found = []
    if ranges.get("temperature"):
        t_low, t_high = ranges["temperature"]
        found.append(Slider("temperature", "Temperature", float(t_low), float(t_high), min(float(t_high), 0.7), 0.05))
    if ranges.get("top_p"):
        p_low, p_high = ranges["top_p"]
        found.append(Slider("top_p", "Top P", float(p_low), float(p_high), float(p_high), 0.01))
    if ranges.get("top_k"):
        k_low, k_high = ranges["top_k"]
        found.append(Slider("top_k", "Top K", int(k_low), int(k_high), int(k_high), 1))
    return [*found, Slider("max_tokens", "Max tokens", 1, max_out, min(DEFAULT_MAX_TOKENS, max_out), 1)]


MODEL_DEFAULT = "model default"
NO_THINKING = "off"


def thinking_switch(model: dict[str, Any]) -> str | None:
    """ "toggle" when a request may turn the model's thinking on or off, "always" when it cannot be turned off,
    None when this API offers no thinking for the model (Nova 2 thinks when given an effort: no toggle)."""
    reasoning = model.get("reasoning")
    if not reasoning or model.get("family") != "anthropic":
        return None
    return "always" if reasoning["thinking"] == "always" else "toggle"


def effort_options(model: dict[str, Any], thinking: bool) -> list[str]:
    """The effort levels to offer, first the choice to send none: the model's default, or no thinking on Nova 2."""
    reasoning = model.get("reasoning")
    if not reasoning:
        return []
    if model.get("family") == "nova":
        return [NO_THINKING, *reasoning["efforts"]]
    levels = reasoning["efforts"] if thinking or reasoning["thinking"] == "always" else reasoning["efforts_without_thinking"]
    return [MODEL_DEFAULT, *levels]


def stop_sequences(text: str, limit: int) -> list[str]:
    """One stop sequence a line, blank lines dropped; at most the model's limit."""
    found = [line for line in (raw.strip("\r") for raw in text.split("\n")) if line.strip()]
    if len(found) > limit:
        raise ValueError(f"at most {limit} stop sequences")
    return found


def inference_params(
    values: dict[str, Any],
    model: dict[str, Any],
    *,
    tune: str = "temperature",
    stops: list[str] | None = None,
    effort: str | None = None,
    thinking: bool = False,
) -> dict[str, Any]:
    """The `params` object for POST /chat and /rag/query. Models that refuse temperature and top_p
    together (`temperature_with_top_p` false) get only the one chosen in `tune`; while a Claude model
    thinks it takes no sampling parameter, so none is sent; `thinking` is sent only where it can be switched."""
    names: tuple[str, ...] = ("max_tokens",) if thinking else ("temperature", "top_p", "top_k", "max_tokens")
    params: dict[str, Any] = {name: values[name] for name in names if name in values}
    if not model.get("temperature_with_top_p", True):
        params.pop("top_p" if tune == "temperature" else "temperature", None)
    if stops:
        params["stop_sequences"] = stops
    if thinking and thinking_switch(model) == "toggle":
        params["thinking"] = True
    if effort and effort not in (MODEL_DEFAULT, NO_THINKING):
        params["effort"] = effort
    return params


_MARK = re.compile(r"\[(\d{1,2})\]")


def linked_answer(answer: str, citations: list[dict[str, Any]]) -> str:
    """The answer as Markdown, each [n] a link to its document when the API gave one."""
    urls = {int(c["number"]): c.get("url") for c in citations}

    def link(match: re.Match[str]) -> str:
        number = int(match.group(1))
        url = urls.get(number)
        return f"[\\[{number}\\]]({url})" if url else match.group(0)

    return _MARK.sub(link, answer)


def citation_label(citation: dict[str, Any]) -> str:
    source, where = citation.get("source") or {}, citation.get("location") or {}
    if source.get("page"):
        place = f", p. {source['page']}"
    elif where.get("type") == "char":  # a chat citation of a text file (docs/api.md#citations), counted from 1
        place = f", characters {where['start'] + 1}–{where['end']}"
    else:
        place = ""
    return f"[{citation['number']}] {source.get('name') or source.get('uri') or 'source'}{place}"


def image_options(model: dict[str, Any]) -> dict[str, Any]:
    """How to size a picture for this model: Stability takes an aspect ratio and one image a request."""
    if model.get("family") == "stability":
        return {"sizing": "aspect_ratio", "ratios": ASPECT_RATIOS, "per_request": 1}
    return {"sizing": "width_height", "per_request": 5}


def claims_groups(claims: dict[str, Any]) -> list[str]:
    groups = claims.get("cognito:groups") or []
    return [str(g) for g in groups] if isinstance(groups, list) else str(groups).split()
