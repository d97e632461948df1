"""The most an image request can cost, reserved before its first paid call (common/usage/estimate.py).

Paid calls: ApplyGuardrail on the prompt (and negative prompt); for a Korean prompt, the translation (Converse,
no guardrail on that call) and ApplyGuardrail on the translation; InvokeModel for the pictures; ApplyGuardrail on
each picture (one image unit each). Pictures are metered at the catalog's price per image (estimated: the image
models report no usage; every picture the model returned is counted, filtered or not, since AWS does not say
whether a filtered generation is billed: over-counting, never under).
"""

from __future__ import annotations

from common.runtime_config import ChatModelSpec, ImageModelSpec, RuntimeConfig
from common.usage.estimate import Estimate, converse_max, guardrail_max, images_max, input_bound, output_chars
from image.models import ImageRequest


def request_estimate(
    config: RuntimeConfig,
    model: ImageModelSpec,
    request: ImageRequest,
    translator: ChatModelSpec | None,
    translate_system: str,
    translation_tokens: int,
) -> Estimate:
    """`translator`: the chat model that translates a Korean prompt (None: no translation will happen)."""
    prices = config.prices
    texts = [t for t in (request.prompt, request.negative_prompt) if t]
    estimate = guardrail_max([len(t) for t in texts], prices)
    if translator is not None and request.prompt:
        tokens_in = input_bound([request.prompt, translate_system], 2)
        estimate += converse_max(translator, tokens_in, translation_tokens) + guardrail_max([output_chars(translation_tokens)], prices)
    return estimate + images_max(model, _pictures(request), prices)


def _pictures(request: ImageRequest) -> int:
    return 1 if request.task == "BACKGROUND_REMOVAL" else request.number_of_images
