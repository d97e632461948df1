"""Registered custom models: deployments of this stack's custom models that users may pick as chat models.

The customize function writes a registration (POST /customize/deployments/{name}/register) and removes it
(DELETE ..., or when the deployment is deleted); the chat functions read it on every GET /models and on every
turn that names a model outside the configured list, so a registration shows up, and a removed one is gone
from the picker and refused by POST /chat, at once, without a redeploy.

Stored in the conversation table under one partition of its own (infra/constructs/conversations.py):
    pk = REGISTRY#custom-models   sk = <deployment ARN>
with the base model's parameter rules copied from the customization catalog when the model was registered
(the chat functions never read that catalog). The customize function's grant is limited to this partition
(dynamodb:LeadingKeys).
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from common.allowed_models import allowed_chat_model
from common.errors import ApiError, BadRequestError
from common.runtime_config import ChatModelSpec, RuntimeConfig
from common.storage import storage_failure

PARTITION = "REGISTRY#custom-models"
DEPLOYMENT_ARN = r"^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:custom-model-deployment/[a-z0-9]{12}$"


def _failure(err: ClientError) -> ApiError:
    return storage_failure(err, "the model registry")


class ModelRegistry:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def put(self, spec: ChatModelSpec, details: dict[str, str]) -> None:
        item = {
            "pk": {"S": PARTITION},
            "sk": {"S": spec.id},
            "spec": {"S": spec.model_dump_json()},
            **{k: {"S": v} for k, v in details.items()},
        }
        try:
            self._client.put_item(TableName=self._table, Item=item)
        except ClientError as err:
            raise _failure(err) from err

    def delete(self, model_id: str) -> bool:
        try:
            answer = self._client.delete_item(TableName=self._table, Key=self._key(model_id), ReturnValues="ALL_OLD")
        except ClientError as err:
            raise _failure(err) from err
        return "Attributes" in answer

    def get(self, model_id: str) -> ChatModelSpec | None:
        try:
            item = self._client.get_item(TableName=self._table, Key=self._key(model_id), ConsistentRead=True).get("Item")
        except ClientError as err:
            raise _failure(err) from err
        return None if item is None else ChatModelSpec.model_validate(json.loads(item["spec"]["S"]))

    def all(self) -> list[tuple[ChatModelSpec, dict[str, str]]]:
        """Every registration, with its details (deployment name, base model), in ARN order."""
        found: list[tuple[ChatModelSpec, dict[str, str]]] = []
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": PARTITION}},
            "ConsistentRead": True,
        }
        try:
            while True:
                page = self._client.query(**query)
                for item in page.get("Items", []):
                    details = {k: v["S"] for k, v in item.items() if k not in ("pk", "sk", "spec") and "S" in v}
                    found.append((ChatModelSpec.model_validate(json.loads(item["spec"]["S"])), details))
                if "LastEvaluatedKey" not in page:
                    return found
                query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except ClientError as err:
            raise _failure(err) from err

    @staticmethod
    def _key(model_id: str) -> dict[str, Any]:
        return {"pk": {"S": PARTITION}, "sk": {"S": model_id}}


def pick_model(config: RuntimeConfig, registry: ModelRegistry | None, model_id: str | None) -> ChatModelSpec:
    """The configured model named (or the default); otherwise a registered custom model; otherwise the 400
    `allowed_chat_model` answers, listing the allowed ids."""
    if model_id is None or registry is None or model_id in {m.id for m in config.chat_models}:
        return allowed_chat_model(config, model_id)
    registered = registry.get(model_id) if model_id.startswith("arn:") else None
    if registered is not None:
        return registered
    try:
        return allowed_chat_model(config, model_id)
    except BadRequestError as err:
        raise BadRequestError(f"{err.message} (or a registered custom model: GET /models)", details=err.details) from None


def is_allowed(config: RuntimeConfig, registry: ModelRegistry | None, model_id: str) -> bool:
    if model_id in {m.id for m in config.chat_models}:
        return True
    return registry is not None and model_id.startswith("arn:") and registry.get(model_id) is not None


def custom_model_entries(registry: ModelRegistry, read_seconds: int) -> list[dict[str, Any]]:
    """GET /models entries for the registered custom models: the spec (the base model's rules) and `custom`."""
    return [
        {
            **spec.model_dump(),
            "max_tokens_ceiling": spec.max_tokens_ceiling(read_seconds),
            "custom": {"deployment_name": d.get("deployment_name"), "base_model_id": d.get("base_model_id")},
        }
        for spec, d in registry.all()
    ]
