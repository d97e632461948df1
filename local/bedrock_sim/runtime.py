"""The `bedrock-runtime` service of the offline Bedrock: Converse, ConverseStream, InvokeModel and ApplyGuardrail.

The text model's answer is local/bedrock_sim/conversation.py (Converse) and streaming.py (ConverseStream);
native bodies are invoke.py; the guardrail itself is guardrail.py.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from local.bedrock_sim import conversation, images, streaming
from local.bedrock_sim.guardrail import Outcome
from local.bedrock_sim.invoke import invoke_model
from local.bedrock_sim.protocol import json_answer
from local.bedrock_sim.qualifiers import apply_blocks

if TYPE_CHECKING:
    from local.bedrock_sim.server import BedrockSimulator


class RuntimeOperations:
    def __init__(self, simulator: BedrockSimulator) -> None:
        self._simulator = simulator

    # --- text models ------------------------------------------------------------------------

    def converse(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        sim = self._simulator
        return json_answer(conversation.converse_result(sim, conversation.draft(sim, params)))

    def converse_stream(self, params: dict[str, Any]) -> tuple[int, dict[str, str], Iterator[bytes]]:
        mode = (params.get("guardrailConfig") or {}).get("streamProcessingMode", "sync")  # AWS's default: sync
        return streaming.converse_stream(self._simulator, conversation.draft(self._simulator, params), mode)

    def invoke_model(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        return invoke_model(params)  # native bodies (invoke.py): no guardrail, as none is configured on the call

    # --- guardrail --------------------------------------------------------------------------

    def apply_guardrail(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        sim = self._simulator
        sim._check_guardrail(params["guardrailIdentifier"], params["guardrailVersion"])
        texts, sources, query = apply_blocks(params["content"])
        outcomes = [sim.guardrail.check(text, params["source"], sources=sources, query=query) for text in texts]
        pictures = [block["image"]["source"]["bytes"] for block in params["content"] if "image" in block]
        outcomes += [self._check_image(picture) for picture in pictures]
        blocked = next((o for o in outcomes if o.blocked), None)
        intervened = any(o.intervened for o in outcomes)
        outputs = [{"text": blocked.text}] if blocked else ([{"text": o.text} for o in outcomes] if intervened else [])
        if sim.combined_outputs and intervened and not blocked and len(outputs) > 1:
            # Test control: masked outputs as one text, a count other than the blocks sent (the AWS page's own
            # example shows one; https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-independent-api.html).
            outputs = [{"text": "\n".join(o["text"] for o in outputs)}]
        document = {
            "usage": _call_usage(outcomes, len(pictures)),
            "action": "GUARDRAIL_INTERVENED" if intervened else "NONE",
            "outputs": outputs,
            "assessments": [o.assessment for o in outcomes],
            "guardrailCoverage": {"textCharacters": {"guarded": sum(map(len, texts)), "total": sum(map(len, texts))}},
        }
        if intervened:
            document["actionReason"] = "Guardrail blocked." if blocked else "Guardrail masked."
        return json_answer(document)

    def _check_image(self, picture: Any) -> Outcome:
        engine = self._simulator.guardrail
        data = base64.b64decode(picture) if isinstance(picture, str) else bytes(picture)
        setting = engine.policy.content_filters.VIOLENCE
        if not setting.images or setting.output == "NONE" or not images.violent(data):
            return Outcome(False, False, "", {})
        verdict = {"type": "VIOLENCE", "confidence": "HIGH", "filterStrength": setting.output, "action": "BLOCKED", "detected": True}
        return Outcome(True, True, engine.policy.blocked_output_message, {"contentPolicy": {"filters": [verdict]}})


def _call_usage(outcomes: list[Outcome], pictures: int) -> dict[str, int]:
    """The call's GuardrailUsage: every text's units added up (each text is its own text units), and one image unit
    per picture checked (`contentPolicyImageUnits`: "The content policy image units processed by the guardrail",
    https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_GuardrailUsage.html)."""
    usage = _zero_usage()
    for outcome in outcomes:
        for name, units in (outcome.assessment.get("invocationMetrics") or {}).get("usage", {}).items():
            usage[name] = usage.get(name, 0) + units
    if pictures:
        usage["contentPolicyImageUnits"] = pictures
    return usage


def _zero_usage() -> dict[str, int]:
    keys = (
        "topicPolicyUnits",
        "contentPolicyUnits",
        "wordPolicyUnits",
        "sensitiveInformationPolicyUnits",
        "sensitiveInformationPolicyFreeUnits",
        "contextualGroundingPolicyUnits",
    )
    return dict.fromkeys(keys, 0)
