"""The offline Bedrock's dispatch: which service module answers which operation (the one table, `SERVICES`),
and the way every request goes through it: route by the wire protocol, parse, validate against botocore's
service model, record, fail if a fault was injected, answer, and check the answer against the model too.

One module per service it emulates: runtime.py (`bedrock-runtime`), agent_runtime.py (`bedrock-agent-runtime`),
agent.py (`bedrock-agent`), control_plane.py and customization.py (`bedrock`), account_reads.py (`lambda`,
`service-quotas`: the preflight doctor's account reads). The test controls (/_sim/...) are controls.py.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from local.bedrock_sim import control_plane
from local.bedrock_sim.account_reads import AccountReads
from local.bedrock_sim.agent import AgentOperations
from local.bedrock_sim.agent_runtime import AgentRuntimeOperations
from local.bedrock_sim.control_plane import ControlPlane
from local.bedrock_sim.protocol import SimError, signed_region
from local.bedrock_sim.runtime import RuntimeOperations
from local.bedrock_sim.state import REGION
from local.http import Answer

if TYPE_CHECKING:
    from local.bedrock_sim.server import BedrockSimulator

Handler = Callable[[dict[str, Any]], Answer]

# (service, the object answering it, built from the simulator, the operations it answers): each operation is the
# object's method of the same name in snake_case (Converse → converse).
TABLE: tuple[tuple[str, Callable[[BedrockSimulator], object], tuple[str, ...]], ...] = (
    ("bedrock-runtime", RuntimeOperations, ("Converse", "ConverseStream", "InvokeModel", "ApplyGuardrail")),
    ("bedrock-agent-runtime", AgentRuntimeOperations, ("Retrieve", "RetrieveAndGenerate")),
    ("bedrock-agent", AgentOperations, ("StartIngestionJob", "GetIngestionJob", "ListIngestionJobs", "ListKnowledgeBases")),
    (
        "bedrock",
        ControlPlane,
        (
            "ListFoundationModels",
            "GetFoundationModel",
            "ListInferenceProfiles",
            "GetInferenceProfile",
            "GetFoundationModelAvailability",
            "GetUseCaseForModelAccess",
        ),
    ),
    (
        "bedrock",
        attrgetter("customization"),  # jobs, custom models, deployments: state of its own (customization.py)
        (
            "CreateModelCustomizationJob",
            "GetModelCustomizationJob",
            "ListModelCustomizationJobs",
            "StopModelCustomizationJob",
            "GetCustomModel",
            "ListCustomModels",
            "DeleteCustomModel",
            "CreateCustomModelDeployment",
            "GetCustomModelDeployment",
            "ListCustomModelDeployments",
            "DeleteCustomModelDeployment",
        ),
    ),
    ("lambda", AccountReads, ("GetAccountSettings",)),
    ("service-quotas", AccountReads, ("ListServiceQuotas",)),
)
SERVICES = tuple(dict.fromkeys(service for service, _, _ in TABLE))
OPERATIONS = tuple(name for _, _, names in TABLE for name in names)


def handlers(simulator: BedrockSimulator) -> dict[tuple[str, str], Handler]:
    """The table bound to one simulator: (service, operation) → the method that answers it."""
    bound: dict[tuple[str, str], Handler] = {}
    for service, build, names in TABLE:
        answering = build(simulator)
        for name in names:
            bound[service, name] = getattr(answering, re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower())
    return bound


def handle(simulator: BedrockSimulator, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Answer:
    """One Bedrock (or doctor-read) request, answered as the service would, errors included."""
    protocol = simulator.protocol
    service = "bedrock-runtime"
    path, _, query = raw_path.partition("?")
    REGION.set(signed_region(headers))
    try:
        route, labels = protocol.route(method, path, headers)
        service = route.service
        params = protocol.parse(route.operation, labels, headers, body, query)
        protocol.validate(route.operation.input_shape, params, "request")
        simulator.log.record(route.service, route.operation.name, params)
        simulator.log.maybe_fail(route.operation.name)
        if simulator.latency_ms:
            time.sleep(simulator.latency_ms / 1000)
        operation = simulator.handlers.get((route.service, route.operation.name))
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
            protocol.validate(output, json.loads(payload), "simulator response", control_plane.tolerated)
        return status, headers, payload
    except SimError as err:
        status = err.status if err.status != 400 else protocol.error_status(service, err.code)
        document = {"message": err.message, **({"__type": err.code} if protocol.is_json(service) else {})}
        payload = json.dumps(document).encode()
        return status, {"Content-Type": "application/json", "x-amzn-ErrorType": err.code}, payload
