"""Offline on-demand deployments of custom models (CreateCustomModelDeployment and friends), and the chat model a
deployment ARN stands for in Converse. Rules: local/bedrock_sim/customization.py's module note."""

from __future__ import annotations

import json
import secrets
import threading
from datetime import date
from typing import TYPE_CHECKING, Any

from infra.catalog import ChatModelInfo, Range, customizable
from local.bedrock_sim import customization_data
from local.bedrock_sim.protocol import SimError, json_answer
from local.bedrock_sim.state import REGION

ON_DEMAND_SINCE = date(2025, 7, 16)  # "You must customize the model on or after 7/16/2025" (deploy-custom-model-on-demand.html)


class DeploymentOperations:
    """Mixed into local.bedrock_sim.customization.Customization (its models and clock)."""

    deployments: dict[str, Any]
    models: dict[str, dict[str, Any]]
    deploy_seconds: float
    _lock: threading.RLock
    _sim: Any  # the simulator: its account scenario's date (`account.on()`)

    if TYPE_CHECKING:  # provided by Customization

        def _model(self, identifier: str) -> dict[str, Any]: ...
        def _arn(self, region: str, kind: str, tail: str) -> str: ...

    def create_custom_model_deployment(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        from local.bedrock_sim.customization import Deployment, _now

        region = REGION.get()
        model = self._model(params["modelArn"])
        if model["modelStatus"] != "Active":
            raise SimError("ValidationException", "The custom model must be in the Active state.")
        base = customizable.base_model(model["baseModelArn"].rsplit("/", 1)[-1])
        if base is None or not base["on_demand"] or region not in base["on_demand"]["regions"]:
            raise SimError(
                "ValidationException", f"On-demand deployment is not supported for the base model of {model['modelName']} in {region}."
            )
        if date.fromisoformat(model["creationTime"][:10]) < ON_DEMAND_SINCE:
            raise SimError("ValidationException", "Only models customized on or after 2025-07-16 can be deployed for on-demand inference.")
        with self._lock:
            if any(d.name == params["modelDeploymentName"] for d in self.deployments.values()):
                raise SimError("ConflictException", f"A deployment named {params['modelDeploymentName']} already exists.")
            arn = self._arn(region, "custom-model-deployment", secrets.token_hex(6))
            self.deployments[arn] = Deployment(
                arn, params["modelDeploymentName"], model["modelArn"], _now(), params.get("tags", []), params.get("description", "")
            )
        return 202, {"Content-Type": "application/json"}, json.dumps({"customModelDeploymentArn": arn}).encode()

    def _deployment(self, identifier: str) -> Any:
        with self._lock:
            found = self.deployments.get(identifier) or next((d for d in self.deployments.values() if d.name == identifier), None)
        if found is None:
            raise SimError("ResourceNotFoundException", f"The custom model deployment {identifier} was not found.")
        return found

    def _deployment_status(self, deployment: Any) -> str:
        from local.bedrock_sim.customization import _now

        return "Active" if _now() >= deployment.created + self.deploy_seconds else "Creating"

    def get_custom_model_deployment(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        from local.bedrock_sim.customization import _iso

        d = self._deployment(params["customModelDeploymentIdentifier"])
        document = {
            "customModelDeploymentArn": d.arn,
            "modelDeploymentName": d.name,
            "modelArn": d.model_arn,
            "createdAt": _iso(d.created),
            "status": self._deployment_status(d),
            "lastUpdatedAt": _iso(d.created),
        }
        return json_answer({**document, **({"description": d.description} if d.description else {})})

    def list_custom_model_deployments(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        from local.bedrock_sim.customization import _iso

        with self._lock:
            found = [d for d in self.deployments.values() if params.get("nameContains", "") in d.name]
        summaries = [
            {
                "customModelDeploymentArn": d.arn,
                "customModelDeploymentName": d.name,
                "modelArn": d.model_arn,
                "createdAt": _iso(d.created),
                "status": self._deployment_status(d),
                "lastUpdatedAt": _iso(d.created),
            }
            for d in found
            if params.get("statusEquals") in (None, self._deployment_status(d))
        ]
        return json_answer({"modelDeploymentSummaries": summaries[: int(params.get("maxResults", 100))]})

    def delete_custom_model_deployment(self, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        d = self._deployment(params["customModelDeploymentIdentifier"])
        with self._lock:
            del self.deployments[d.arn]
        return json_answer({})

    def deployed_chat_model(self, model_id: str) -> tuple[ChatModelInfo, str] | None:
        """The model a Converse modelId names when it is a deployment ARN: the base model's rules and the custom
        model's name; None when it is not a deployment ARN. A deleted or unknown deployment is refused."""
        if ":custom-model-deployment/" not in model_id:
            return None
        with self._lock:
            deployment = self.deployments.get(model_id)
        if deployment is None:
            raise SimError("ResourceNotFoundException", "Model not found.")  # [second-hand] wording for an unknown model id
        if self._deployment_status(deployment) != "Active":
            raise SimError("ValidationException", "The custom model deployment is not active yet.")
        model = self.models.get(deployment.model_arn)
        if model is None:
            raise SimError("ResourceNotFoundException", "Model not found.")
        base = customizable.base_model(model["baseModelArn"].rsplit("/", 1)[-1]) or {}
        if base and customizable.retired(base, self._sim.account.on()):
            # Usable "until the EOL date of the base model version that you used for customization", then "requests
            # made to this version will fail" (model-lifecycle.html); the runtime's answer to a deployment then is not
            # documented: the end-of-life answer of a retired model (docs/local-bedrock.md).
            raise SimError("ResourceNotFoundException", customization_data.END_OF_LIFE)
        rules = base.get("inference", {})

        def span(key: str) -> Range | None:
            return Range(*rules[key]) if rules.get(key) else None

        info = ChatModelInfo(
            model_id=model_id,
            name=model["modelName"],
            family=base.get("family", "nova"),
            max_output_tokens=rules.get("max_output_tokens", 2048),
            temperature=span("temperature"),
            top_p=span("top_p"),
            top_k=span("top_k"),
            temperature_with_top_p=rules.get("temperature_with_top_p", True),
            max_stop_sequences=rules.get("max_stop_sequences", 4),
            price_input_per_million=0.0,
            price_output_per_million=0.0,
            in_region=(model_id.split(":")[3],),
            profiles={},
            global_profile=False,
            output_tokens_per_second=rules.get("output_tokens_per_second", 60),
        )
        return info, model["modelName"]
