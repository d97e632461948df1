"""The offline Bedrock's HTTP server: its settings, its lifecycle and the test-facing methods.

Requests go to the dispatch (local/bedrock_sim/dispatch.py: the table of service modules), /_sim/... to the
test controls (controls.py); the request log and injected faults are state.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from infra.config import Guardrail as GuardrailPolicy
from infra.guardrail_policy import GROUNDING_TIER
from local.bedrock_sim import customization, dispatch, streaming
from local.bedrock_sim.account import AccountScenario
from local.bedrock_sim.controls import control
from local.bedrock_sim.guardrail import GuardrailEngine
from local.bedrock_sim.knowledge import KnowledgeStore
from local.bedrock_sim.protocol import Protocol, SimError
from local.bedrock_sim.state import Fault, RequestLog
from local.http import Answer, LoopbackServer


class BedrockSimulator:
    """Start with `start()`; point boto3 at `endpoint_url`. Thread-safe; one instance per process is plenty."""

    def __init__(
        self,
        policy: GuardrailPolicy,
        *,
        guardrail_id: str = "localguardrail",
        guardrail_version: str = "1",
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: int = 0,
        grounding_tier: str = GROUNDING_TIER,
    ) -> None:
        self.guardrail = GuardrailEngine(policy, grounding_tier=grounding_tier)
        self.guardrail_id = guardrail_id
        self.guardrail_version = guardrail_version
        self.latency_ms = latency_ms
        self.ungrounded_replies = False  # tests: make the offline model answer without its passages
        self.combined_outputs = False  # tests: ApplyGuardrail answers several masked texts as one output
        # The offline model (docs/local-bedrock.md#streaming): its time to first token and per-token pace in streams,
        # the length of its replies (None: as long as they are) and text it adds to each (for output guardrail tests).
        self.first_token_ms = 0.0
        self.token_ms = 0.0
        self.reply_tokens: int | None = None
        self.reply_suffix = ""
        self.streams_cut = 0  # ConverseStream answers whose client closed the connection before their end
        self.account = AccountScenario()  # the offline account the doctor reads (tests: /_sim/account)
        self.protocol = Protocol(dispatch.SERVICES, prefer=dispatch.OPERATIONS)
        self.log = RequestLog()
        self.requests, self._faults, self._lock = self.log.requests, self.log.faults, self.log.lock
        self.customization = customization.Customization(self)  # jobs, custom models, deployments (set its `s3` for data)
        self.knowledge: KnowledgeStore | None = None
        self.handlers = dispatch.handlers(self)
        self._server = LoopbackServer(self._respond, host=host, port=port, name="bedrock-sim")

    # --- lifecycle and test controls -------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        return self._server.address

    def start(self) -> BedrockSimulator:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def _respond(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Answer:
        path = raw_path.split("?")[0]
        simulated = path.startswith("/_sim/")
        status, out, payload = control(self, method, path, body) if simulated else self.handle(method, raw_path, headers, body)
        return status, {**out, "x-amzn-RequestId": str(uuid.uuid4())}, payload

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Answer:
        return dispatch.handle(self, method, raw_path, headers, body)

    def reset(self) -> None:
        with self._lock:
            self.log.clear()
            self.account = AccountScenario()
            self.first_token_ms = self.token_ms = 0.0
            self.reply_tokens, self.reply_suffix, self.streams_cut = None, "", 0
        self.customization.reset()

    def inject(self, code: str, *, operation: str | None = None, times: int = 1, after_chunks: int | None = None) -> None:
        """Answer the next `times` calls (of `operation`, or any) with the error `code`; with `after_chunks`, the next
        ConverseStream answers send that many text chunks, then the exception event `code` (e.g. modelStreamErrorException)."""
        if after_chunks is not None and code not in streaming.EXCEPTIONS:
            raise ValueError(f"{code} is not a ConverseStream exception event; use one of {', '.join(streaming.EXCEPTIONS)}")
        self.log.inject(Fault(code, "ConverseStream" if after_chunks is not None else operation, times, after_chunks))

    def stream_fault(self) -> Fault | None:
        """The mid-stream fault the next ConverseStream answer carries, if any (used once per answer)."""
        return self.log.stream_fault()

    def recorded(self, operation: str) -> list[dict[str, Any]]:
        return self.log.recorded(operation)

    # --- the simulator's one guardrail ------------------------------------------------------

    def _check_guardrail(self, identifier: str, version: str) -> None:
        if identifier not in (self.guardrail_id, f"arn:aws:bedrock:local:000000000000:guardrail/{self.guardrail_id}"):
            raise SimError("ResourceNotFoundException", f"The guardrail {identifier} was not found.")
        if version not in (self.guardrail_version, "DRAFT"):
            raise SimError("ResourceNotFoundException", f"Version {version} of guardrail {identifier} was not found.")
