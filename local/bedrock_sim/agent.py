"""The `bedrock-agent` service of the offline Bedrock: the ingestion jobs of its Knowledge Base
(StartIngestionJob, GetIngestionJob, ListIngestionJobs) and ListKnowledgeBases (a preflight doctor read)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from local.bedrock_sim.agent_runtime import configured_store
from local.bedrock_sim.control_plane import CREATED
from local.bedrock_sim.protocol import json_answer

if TYPE_CHECKING:
    from local.bedrock_sim.server import BedrockSimulator

Answer = tuple[int, dict[str, str], bytes]


class AgentOperations:
    def __init__(self, simulator: BedrockSimulator) -> None:
        self._simulator = simulator

    def start_ingestion_job(self, params: dict[str, Any]) -> Answer:
        job = configured_store(self._simulator).start_job(params["knowledgeBaseId"], params["dataSourceId"], params.get("description"))
        _, headers, body = json_answer({"ingestionJob": job})
        return 202, headers, body

    def get_ingestion_job(self, params: dict[str, Any]) -> Answer:
        store = configured_store(self._simulator)
        return json_answer({"ingestionJob": store.get_job(params["knowledgeBaseId"], params["dataSourceId"], params["ingestionJobId"])})

    def list_ingestion_jobs(self, params: dict[str, Any]) -> Answer:
        jobs = configured_store(self._simulator).list_jobs(params["knowledgeBaseId"], params["dataSourceId"], params.get("maxResults"))
        return json_answer({"ingestionJobSummaries": jobs})

    def list_knowledge_bases(self, params: dict[str, Any]) -> Answer:  # noqa: ARG002 - one page always
        store = self._simulator.knowledge
        summaries = (
            []
            if store is None
            else [{"knowledgeBaseId": store.knowledge_base_id, "name": "offline-knowledge-base", "status": "ACTIVE", "updatedAt": CREATED}]
        )
        return json_answer({"knowledgeBaseSummaries": summaries})
