"""The Bedrock control-plane reads of the preflight doctor (infra/doctor), built from the catalog.

`bedrock`: ListFoundationModels, GetFoundationModel, ListInferenceProfiles, GetInferenceProfile,
GetFoundationModelAvailability, GetUseCaseForModelAccess (ListKnowledgeBases is in agent.py; the `lambda` and
`service-quotas` reads in account_reads.py).
Answers describe the region the request was signed for (SigV4 credential scope) as the catalog
sees it, shaped by the account scenario (local/bedrock_sim/account.py):

- a model is listed in a region where it runs in-region (`inferenceTypesSupported` ["ON_DEMAND"]) or
  that may call one of its inference profiles (["INFERENCE_PROFILE"]: what real answers carry for
  profile-only models, although botocore's enum names only ON_DEMAND and PROVISIONED; second-hand,
  recorded responses in public code); embedding models in every region (the catalog has no regions
  for them); a model past its end-of-life date (catalog dates, on `scenario.today`) is not listed
  (Bedrock has no END_OF_LIFE status: `FoundationModelLifecycle.status` is ACTIVE or LEGACY);
- an inference profile per catalog prefix whose sources include the region, `models` naming one
  foundation-model ARN per destination region (a `global.` profile names the source region only:
  what AWS lists for it is not documented);
- availability is AVAILABLE / AUTHORIZED everywhere the model is listed unless the scenario says
  otherwise; the field semantics are not documented by AWS (docs/doctor.md).
"""

from __future__ import annotations

import base64
import json
import re
from typing import TYPE_CHECKING, Any

from infra.catalog import CHAT_MODELS, EMBEDDING_MODELS, GLOBAL_SOURCES, IMAGE_MODELS, Lifecycle
from local.bedrock_sim.constraints import Violation
from local.bedrock_sim.customization_data import customizable_summaries
from local.bedrock_sim.protocol import SimError, json_answer
from local.bedrock_sim.state import REGION

if TYPE_CHECKING:
    from local.bedrock_sim.server import BedrockSimulator

Answer = tuple[int, dict[str, str], bytes]
PROVIDERS = {
    "anthropic": "Anthropic",
    "nova": "Amazon",
    "meta": "Meta",
    "amazon-image": "Amazon",
    "titan-embed": "Amazon",
    "stability": "Stability AI",
    "cohere-embed": "Cohere",
}
CREATED = "2025-01-01T00:00:00Z"


def tolerated(violation: Violation) -> bool:
    """What real answers carry beyond the service model, so the simulator may too (see the module note):
    `INFERENCE_PROFILE` in inferenceTypesSupported, more than 5 destination ARNs in a profile's `models`
    (the EU profiles route to 6 regions; recorded `get-inference-profile` output lists one ARN each),
    and model names longer than 20 characters (e.g. "Stable Diffusion 3.5 Large")."""
    if re.search(r"inferenceTypesSupported\.\d+\.member$", violation.path):
        return violation.value == "INFERENCE_PROFILE"
    if re.search(r"(^|\.)models$", violation.path) or re.search(r"(^|\.)modelName$", violation.path):
        return violation.constraint.startswith("Member must have length less than or equal to")
    return False


def model_lifecycle(lifecycle: Lifecycle, scenario_fields: dict[str, str] | None, today: Any) -> dict[str, str]:
    status = "LEGACY" if lifecycle.status(today) == "LEGACY" else "ACTIVE"
    found: dict[str, str] = {"status": status}
    if lifecycle.legacy_since:
        found["legacyTime"] = f"{lifecycle.legacy_since}T00:00:00Z"
    if lifecycle.end_of_life:
        found["endOfLifeTime"] = f"{lifecycle.end_of_life}T00:00:00Z"
    return {**found, **(scenario_fields or {})}


class ControlPlane:
    def __init__(self, simulator: BedrockSimulator) -> None:
        self._simulator = simulator

    # --- the catalog as one region sees it ----------------------------------------------------

    def _models(self, region: str) -> dict[str, dict[str, Any]]:
        scenario = self._simulator.account
        today = scenario.on()
        listed: dict[str, dict[str, Any]] = {}

        def add(model_id: str, name: str, family: str, lifecycle: Lifecycle, types: list[str], io: tuple[list[str], list[str]]) -> None:
            if lifecycle.status(today) == "END_OF_LIFE" or model_id in scenario.unlisted:
                return
            listed[model_id] = {
                "modelArn": f"arn:aws:bedrock:{region}::foundation-model/{model_id}",
                "modelId": model_id,
                "modelName": name,
                "providerName": PROVIDERS[family],
                "inputModalities": io[0],
                "outputModalities": io[1],
                "responseStreamingSupported": io[1] == ["TEXT"],
                "customizationsSupported": [],
                "inferenceTypesSupported": types,
                "modelLifecycle": model_lifecycle(lifecycle, scenario.lifecycle.get(model_id), today),
            }

        for chat in CHAT_MODELS.values():
            through_profile = any(region in sources for sources in chat.profiles.values())
            through_profile |= chat.global_profile and region in GLOBAL_SOURCES
            if region in chat.in_region or through_profile:
                types = ["ON_DEMAND"] if region in chat.in_region else ["INFERENCE_PROFILE"]
                add(chat.model_id, chat.name, chat.family, chat.lifecycle, types, (["TEXT", "IMAGE"], ["TEXT"]))
        for image in IMAGE_MODELS.values():
            if region in image.in_region:
                add(image.model_id, image.name, image.family, image.lifecycle, ["ON_DEMAND"], (["TEXT", "IMAGE"], ["IMAGE"]))
        for embedding in EMBEDDING_MODELS.values():
            add(embedding.model_id, embedding.name, embedding.family, Lifecycle(), ["ON_DEMAND"], (["TEXT"], ["EMBEDDING"]))
        return listed

    def _profiles(self, region: str) -> dict[str, dict[str, Any]]:
        listed = self._models(region)
        profiles: dict[str, dict[str, Any]] = {}
        for chat in CHAT_MODELS.values():
            if chat.model_id not in listed:
                continue
            routes = {prefix: sources[region] for prefix, sources in chat.profiles.items() if region in sources}
            if chat.global_profile and region in GLOBAL_SOURCES:
                routes["global"] = (region,)
            for prefix, catalog_destinations in routes.items():
                profile_id = f"{prefix}.{chat.model_id}"
                destinations = tuple(self._simulator.account.destinations.get(profile_id, catalog_destinations))
                profiles[profile_id] = {
                    "inferenceProfileName": f"{prefix.upper()} {chat.name}".replace(".", "-"),
                    "description": f"Routes requests to {chat.name} in {len(destinations)} regions",
                    "createdAt": CREATED,
                    "updatedAt": CREATED,
                    "inferenceProfileArn": f"arn:aws:bedrock:{region}:{self._simulator.account.account_id}:inference-profile/{profile_id}",
                    "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/{chat.model_id}"} for r in destinations],
                    "inferenceProfileId": profile_id,
                    "status": "ACTIVE",
                    "type": "SYSTEM_DEFINED",
                }
        return profiles

    # --- bedrock ------------------------------------------------------------------------------

    def list_foundation_models(self, params: dict[str, Any]) -> Answer:
        models = list(self._models(REGION.get()).values())
        if "byProvider" in params:
            models = [m for m in models if m["providerName"].lower() == params["byProvider"].lower()]
        if "byOutputModality" in params:
            models = [m for m in models if params["byOutputModality"] in m["outputModalities"]]
        if "byInferenceType" in params:
            models = [m for m in models if params["byInferenceType"] in m["inferenceTypesSupported"]]
        if "byCustomizationType" in params:  # the customization catalog's base models instead (their ids carry a context suffix)
            models = customizable_summaries(REGION.get(), params["byCustomizationType"], self._simulator.account.on())
        return json_answer({"modelSummaries": models})

    def get_foundation_model(self, params: dict[str, Any]) -> Answer:
        identifier = params["modelIdentifier"].rsplit("/", 1)[-1]
        model = self._models(REGION.get()).get(identifier)
        if model is None:
            raise SimError("ResourceNotFoundException", f"The model {identifier} is not found in this region (offline catalog).")
        return json_answer({"modelDetails": model})

    def list_inference_profiles(self, params: dict[str, Any]) -> Answer:
        profiles = [] if params.get("typeEquals") == "APPLICATION" else list(self._profiles(REGION.get()).values())
        token = params.get("nextToken") or "0"
        if not token.isdigit():
            raise SimError("ValidationException", "Invalid pagination token.")
        start, size = int(token), int(params.get("maxResults", 1000))
        page: dict[str, Any] = {"inferenceProfileSummaries": profiles[start : start + size]}
        if start + size < len(profiles):
            page["nextToken"] = str(start + size)
        return json_answer(page)

    def get_inference_profile(self, params: dict[str, Any]) -> Answer:
        identifier = params["inferenceProfileIdentifier"].rsplit("/", 1)[-1]
        profile = self._profiles(REGION.get()).get(identifier)
        if profile is None:  # Bedrock's own wording for an unknown profile is not documented
            raise SimError("ResourceNotFoundException", f"The inference profile {identifier} is not in this region (offline catalog).")
        return json_answer(profile)

    def get_foundation_model_availability(self, params: dict[str, Any]) -> Answer:
        model_id = params["modelId"].split("/", 1)[0]
        known = model_id in CHAT_MODELS or model_id in IMAGE_MODELS or model_id in EMBEDDING_MODELS
        if not known:
            raise SimError("ResourceNotFoundException", f"The model {model_id} is not found (offline catalog).")
        offered = model_id in self._models(REGION.get())
        answer: dict[str, Any] = {
            "modelId": params["modelId"],
            "agreementAvailability": {"status": "AVAILABLE"},
            "authorizationStatus": "AUTHORIZED",
            "entitlementAvailability": "AVAILABLE",
            "regionAvailability": "AVAILABLE" if offered else "NOT_AVAILABLE",
        }
        return json_answer({**answer, **self._simulator.account.availability.get(model_id, {})})

    def get_use_case_for_model_access(self, params: dict[str, Any]) -> Answer:  # noqa: ARG002 - no input
        if not self._simulator.account.use_case_submitted:
            raise SimError("ResourceNotFoundException", "No use case details have been submitted for this account (offline account).")
        form = {
            "companyName": "Offline Example",
            "companyWebsite": "https://example.com",
            "intendedUsers": "0",
            "industryOption": "Technology",
            "otherIndustryOption": "",
            "useCases": "Internal assistant",
        }
        return json_answer({"formData": base64.b64encode(json.dumps(form).encode()).decode()})
