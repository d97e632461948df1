"""The `bedrock-agent-runtime` service of the offline Bedrock: Retrieve and RetrieveAndGenerate, over the
simulator's `knowledge` store (local/bedrock_sim/knowledge.py). Its ingestion jobs are `bedrock-agent` (agent.py)."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from local.bedrock_sim.knowledge import KnowledgeStore
from local.bedrock_sim.model import grounded_reply
from local.bedrock_sim.protocol import SimError, json_answer

if TYPE_CHECKING:
    from local.bedrock_sim.server import BedrockSimulator

Answer = tuple[int, dict[str, str], bytes]


def configured_store(simulator: BedrockSimulator) -> KnowledgeStore:
    """The simulator's Knowledge Base, or Bedrock's not-found error when none is configured."""
    store = simulator.knowledge
    if store is None:
        raise SimError("ResourceNotFoundException", "No knowledge base is configured in the offline simulator.")
    return store


class AgentRuntimeOperations:
    def __init__(self, simulator: BedrockSimulator) -> None:
        self._simulator = simulator

    def _store(self) -> KnowledgeStore:
        return configured_store(self._simulator)

    def retrieve(self, params: dict[str, Any]) -> Answer:
        search = (params.get("retrievalConfiguration") or {}).get("vectorSearchConfiguration") or {}
        results = self._store().retrieve(
            params["knowledgeBaseId"], params["retrievalQuery"]["text"], int(search.get("numberOfResults", 5)), search.get("filter")
        )
        return json_answer({"retrievalResults": results})

    def retrieve_and_generate(self, params: dict[str, Any]) -> Answer:
        """Bedrock's managed RAG: retrieve, answer from the best passage, cite it with its span."""
        settings = params.get("retrieveAndGenerateConfiguration", {})
        if settings.get("type") != "KNOWLEDGE_BASE":
            raise SimError("ValidationException", "Only KNOWLEDGE_BASE retrieve-and-generate is simulated offline.")
        kb = settings["knowledgeBaseConfiguration"]
        model_id = kb["modelArn"].rsplit("/", 1)[-1]
        search = (kb.get("retrievalConfiguration") or {}).get("vectorSearchConfiguration") or {}
        question = params["input"]["text"]
        results = self._store().retrieve(kb["knowledgeBaseId"], question, int(search.get("numberOfResults", 5)), search.get("filter"))
        session = params.get("sessionId") or str(uuid.uuid4())
        if not results:
            text = "Sorry, I am unable to assist you with this request."
            return json_answer({"sessionId": session, "output": {"text": text}, "citations": []})
        sources = [f"[{i}] {r['content']['text']}" for i, r in enumerate(results, start=1)]
        reply = grounded_reply(model_id, ["\n\n".join(sources)], question, invent=self._simulator.ungrounded_replies)
        text = re.sub(r"^\[offline model [^\]]*\]\s*|\s*\[\d+\]$", "", reply.text)
        cited = re.findall(r"\[(\d+)\]$", reply.text)
        references = [results[int(n) - 1] for n in cited] or results[:1]
        citation = {
            "generatedResponsePart": {"textResponsePart": {"text": text, "span": {"start": 0, "end": max(0, len(text) - 1)}}},
            "retrievedReferences": [{"content": r["content"], "location": r["location"], "metadata": r["metadata"]} for r in references],
        }
        return json_answer({"sessionId": session, "output": {"text": text}, "citations": [citation]})
