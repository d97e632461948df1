"""Where the local stack's Bedrock calls go (`make dev BEDROCK=local|aws`): the offline simulator, or real Bedrock
with the caller's own credentials and a deployed stack's guardrail (docs/local-stack.md)."""

from __future__ import annotations

import os
from typing import Any

AWS_BEDROCK_IDS = ("BEDROCK_GUARDRAIL_ID", "BEDROCK_GUARDRAIL_VERSION")  # required with BEDROCK=aws
AWS_BEDROCK_OPTIONAL = ("BEDROCK_KNOWLEDGE_BASE_ID", "BEDROCK_DATA_SOURCE_ID")  # a deployed KB for RAG


class StartError(RuntimeError):
    """The local stack cannot start as asked (the message says what to set)."""


def bedrock_settings(mode: str, sim: Any, names: dict[str, str]) -> dict[str, str]:
    """Where the handlers' Bedrock calls go: the offline simulator, or real Bedrock with the caller's credentials."""
    if mode == "local" and sim is not None:
        endpoint = sim.endpoint_url
        return {
            "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": endpoint,
            "AWS_ENDPOINT_URL_BEDROCK_AGENT": endpoint,
            "AWS_ENDPOINT_URL_BEDROCK": endpoint,
            "AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME": endpoint,
            "KNOWLEDGE_BASE_ID": names["kb"],
            "DATA_SOURCE_ID": names["ds"],
            "GUARDRAIL_ID": sim.guardrail_id,
            "GUARDRAIL_VERSION": sim.guardrail_version,
        }
    if mode != "aws":
        raise StartError(f"BEDROCK={mode!r}: use local (the offline simulator) or aws (real Bedrock)")
    missing = [name for name in AWS_BEDROCK_IDS if not os.environ.get(name)]
    if missing:
        raise StartError(
            f"BEDROCK=aws needs {', '.join(missing)} (the GuardrailId and GuardrailVersion outputs of a deployed stack); "
            f"optionally {', '.join(AWS_BEDROCK_OPTIONAL)} for RAG on its knowledge base"
        )
    return {
        "GUARDRAIL_ID": os.environ["BEDROCK_GUARDRAIL_ID"],
        "GUARDRAIL_VERSION": os.environ["BEDROCK_GUARDRAIL_VERSION"],
        "KNOWLEDGE_BASE_ID": os.environ.get("BEDROCK_KNOWLEDGE_BASE_ID", "not-configured"),
        "DATA_SOURCE_ID": os.environ.get("BEDROCK_DATA_SOURCE_ID", "not-configured"),
    }
