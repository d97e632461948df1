"""A Korean image prompt in English: which chat model translates it, with what options, and the call itself.

Image models read English prompts; the translation is model output that becomes the image model's input, so
image.service guards it as input too."""

from __future__ import annotations

import re
from typing import Any

from common.bedrock import bedrock_errors, call_bedrock
from common.params import InferenceParams, converse_options
from common.runtime_config import ChatModelSpec, RuntimeConfig
from common.text import reply_text
from common.usage.meter import Meter
from common.usage.prices import converse_cost

HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
TRANSLATE_PROMPT = (
    "Translate the user's image-generation prompt into natural English for an image model. "
    "Keep every visual detail. Reply with the English prompt only."
)


def translator(config: RuntimeConfig, prompt: str | None) -> ChatModelSpec | None:
    """The chat model that will translate `prompt` (None: it is not Korean, or translation is off)."""
    model_id = config.image_prompt_translation_model
    if model_id is None or prompt is None or not HANGUL.search(prompt):
        return None
    return next(m for m in config.chat_models if m.id == model_id)


def translate(prompt: str | None, config: RuntimeConfig, runtime: Any, meter: Meter) -> str | None:
    """`prompt` in English when it is Korean and translation is on (`runtime`: bedrock-runtime in the deploy region)."""
    model = translator(config, prompt)
    if model is None or prompt is None:
        return prompt
    model_id = model.id
    with bedrock_errors(model_id):
        response = call_bedrock(
            runtime.converse,
            modelId=model_id,
            system=[{"text": TRANSLATE_PROMPT}],
            messages=[{"role": "user", "content": [{"text": prompt}]}],
            **_translation_options(config, model_id),
        )
    meter.add(converse_cost(model, response["usage"]))
    # Only text blocks: a model that thinks answers a reasoningContent block first, which is not the translation.
    text = reply_text(response).strip()
    return text or prompt


def _translation_options(config: RuntimeConfig, model_id: str) -> dict[str, Any]:
    """Up to 1,000 tokens, temperature 0 where the model takes it (Claude 4.7 and later take none), thinking off
    where it can be: the same per-model rules as a chat request (common/params.py)."""
    model = next(m for m in config.chat_models if m.id == model_id)
    read_seconds = config.bedrock_timeouts.read_seconds["image"]
    steady = 0.0 if model.params.temperature is not None else None
    params = InferenceParams(max_tokens=translation_tokens(config, model), temperature=steady)
    return converse_options(params, model, read_seconds)


def translation_tokens(config: RuntimeConfig, model: ChatModelSpec) -> int:
    return min(1000, model.max_tokens_ceiling(config.bedrock_timeouts.read_seconds["image"]))
