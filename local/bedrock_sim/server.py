"""The offline Bedrock's HTTP server: routing and validation, faults, the guardrail and the text models (Converse)."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from infra.config import Guardrail as GuardrailPolicy
from infra.guardrail_policy import GROUNDING_TIER
from local.bedrock_sim import control_plane, conversation, customization, images, streaming
from local.bedrock_sim.account import AccountScenario
from local.bedrock_sim.controls import control
from local.bedrock_sim.guardrail import GuardrailEngine, Outcome
from local.bedrock_sim.invoke import invoke_model
from local.bedrock_sim.kb_operations import KnowledgeBaseOperations
from local.bedrock_sim.knowledge import KnowledgeStore
from local.bedrock_sim.protocol import Protocol, SimError, json_answer, signed_region
from local.bedrock_sim.qualifiers import apply_blocks
from local.http import Answer, LoopbackServer

# bedrock, lambda and service-quotas: the control-plane reads of the preflight doctor (control_plane.py).
SERVICES = ("bedrock-runtime", "bedrock-agent-runtime", "bedrock-agent", "bedrock", "lambda", "service-quotas")
OPERATIONS = (
    "Converse",
    "ConverseStream",
    "InvokeModel",
    "ApplyGuardrail",
    "Retrieve",
    "RetrieveAndGenerate",
    "StartIngestionJob",
    "GetIngestionJob",
    "ListIngestionJobs",
    *control_plane.OPERATIONS,
    *customization.OPERATIONS,
)


@dataclass
class Fault:
    code: str
    operation: str | None
    remaining: int
    after_chunks: int | None = None  # ConverseStream only: an exception event after this many text chunks


@dataclass
class Recorded:
    service: str
    operation: str
    params: dict[str, Any]
    at: float = field(default_factory=time.time)


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
        self.protocol = Protocol(SERVICES, prefer=OPERATIONS)
        self.requests: list[Recorded] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        knowledge_bases = KnowledgeBaseOperations(self)
        self.customization = customization.Customization(self)  # jobs, custom models, deployments (set its `s3` for data)
        self._operations: dict[str, Callable[[dict[str, Any]], Answer]] = {
            "Converse": self.converse,
            "ConverseStream": self.converse_stream,
            "InvokeModel": invoke_model,
            "ApplyGuardrail": self.apply_guardrail,
            "Retrieve": knowledge_bases.retrieve,
            "RetrieveAndGenerate": knowledge_bases.retrieve_and_generate,
            "StartIngestionJob": knowledge_bases.start_ingestion_job,
            "GetIngestionJob": knowledge_bases.get_ingestion_job,
            "ListIngestionJobs": knowledge_bases.list_ingestion_jobs,
            **control_plane.ControlPlane(self).operations(),
            **self.customization.operations(),
        }
        self.knowledge: KnowledgeStore | None = None
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

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._faults.clear()
            self.account = AccountScenario()
            self.first_token_ms = self.token_ms = 0.0
            self.reply_tokens, self.reply_suffix, self.streams_cut = None, "", 0
        self.customization.reset()

    def inject(self, code: str, *, operation: str | None = None, times: int = 1, after_chunks: int | None = None) -> None:
        """Answer the next `times` calls (of `operation`, or any) with the error `code`; with `after_chunks`, the next
        ConverseStream answers send that many text chunks, then the exception event `code` (e.g. modelStreamErrorException)."""
        if after_chunks is not None and code not in streaming.EXCEPTIONS:
            raise ValueError(f"{code} is not a ConverseStream exception event; use one of {', '.join(streaming.EXCEPTIONS)}")
        with self._lock:
            self._faults.append(Fault(code, "ConverseStream" if after_chunks is not None else operation, times, after_chunks))

    def stream_fault(self) -> Fault | None:
        """The mid-stream fault the next ConverseStream answer carries, if any (used once per answer)."""
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.after_chunks is not None:
                    fault.remaining -= 1
                    return fault
        return None

    def recorded(self, operation: str) -> list[dict[str, Any]]:
        with self._lock:
            return [r.params for r in self.requests if r.operation == operation]

    # --- dispatch ---------------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Answer:
        service = "bedrock-runtime"
        path, _, query = raw_path.partition("?")
        control_plane.REGION.set(signed_region(headers))
        try:
            route, labels = self.protocol.route(method, path, headers)
            service = route.service
            params = self.protocol.parse(route.operation, labels, headers, body, query)
            self.protocol.validate(route.operation.input_shape, params, "request")
            with self._lock:
                self.requests.append(Recorded(route.service, route.operation.name, params))
            self._maybe_fail(route.operation.name)
            if self.latency_ms:
                time.sleep(self.latency_ms / 1000)
            operation = self._operations.get(route.operation.name)
            if operation is None:
                raise SimError("ValidationException", f"{route.operation.name} is not simulated offline")
            status, headers, payload = operation(params)
            output = route.operation.output_shape
            if (
                isinstance(payload, bytes)
                and "json" in headers.get("Content-Type", "")
                and output is not None
                and "payload" not in output.serialization
            ):
                # Our own answers must match the service model too: a drifted fake is a bug here, not in the client.
                self.protocol.validate(output, json.loads(payload), "simulator response", control_plane.tolerated)
            return status, headers, payload
        except SimError as err:
            status = err.status if err.status != 400 else self.protocol.error_status(service, err.code)
            document = {"message": err.message, **({"__type": err.code} if self.protocol.is_json(service) else {})}
            payload = json.dumps(document).encode()
            return status, {"Content-Type": "application/json", "x-amzn-ErrorType": err.code}, payload

    def _maybe_fail(self, operation: str) -> None:
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.after_chunks is None and fault.operation in (None, operation):
                    fault.remaining -= 1
                    raise SimError(fault.code, f"Injected {fault.code} (offline simulator)")

    _json = staticmethod(json_answer)

    # --- guardrail --------------------------------------------------------------------------

    def _check_guardrail(self, identifier: str, version: str) -> None:
        if identifier not in (self.guardrail_id, f"arn:aws:bedrock:local:000000000000:guardrail/{self.guardrail_id}"):
            raise SimError("ResourceNotFoundException", f"The guardrail {identifier} was not found.")
        if version not in (self.guardrail_version, "DRAFT"):
            raise SimError("ResourceNotFoundException", f"Version {version} of guardrail {identifier} was not found.")

    def apply_guardrail(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        self._check_guardrail(params["guardrailIdentifier"], params["guardrailVersion"])
        texts, sources, query = apply_blocks(params["content"])
        outcomes = [self.guardrail.check(text, params["source"], sources=sources, query=query) for text in texts]
        pictures = [block["image"]["source"]["bytes"] for block in params["content"] if "image" in block]
        outcomes += [self._check_image(picture) for picture in pictures]
        blocked = next((o for o in outcomes if o.blocked), None)
        intervened = any(o.intervened for o in outcomes)
        outputs = [{"text": blocked.text}] if blocked else ([{"text": o.text} for o in outcomes] if intervened else [])
        if self.combined_outputs and intervened and not blocked and len(outputs) > 1:
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
        return self._json(document)

    def _check_image(self, picture: Any) -> Outcome:
        data = base64.b64decode(picture) if isinstance(picture, str) else bytes(picture)
        setting = self.guardrail.policy.content_filters.VIOLENCE
        if not setting.images or setting.output == "NONE" or not images.violent(data):
            return Outcome(False, False, "", {})
        verdict = {"type": "VIOLENCE", "confidence": "HIGH", "filterStrength": setting.output, "action": "BLOCKED", "detected": True}
        return Outcome(True, True, self.guardrail.policy.blocked_output_message, {"contentPolicy": {"filters": [verdict]}})

    # --- text models ------------------------------------------------------------------------

    def converse(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        return self._json(conversation.converse_result(self, conversation.draft(self, params)))

    def converse_stream(self, params: dict[str, Any]) -> tuple[int, dict[str, str], Iterator[bytes]]:
        mode = (params.get("guardrailConfig") or {}).get("streamProcessingMode", "sync")  # AWS's default: sync
        return streaming.converse_stream(self, conversation.draft(self, params), mode)


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
