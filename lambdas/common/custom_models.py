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

A custom model serves only until its base model's end of life ("If you customized a model, you can continue to use it
until the EOL date of the base model version that you used for customization"; after it "Any requests made to this
version will fail": https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html, the revision before the
2026-09 split; customize/lifecycle.py). So registration copies the base's end-of-life date too (`base_end_of_life`),
and from that date (the functions' Clock, common/lifecycle.py's rule) the registration is left out of GET /models, a
request naming it is a 400 `model_end_of_life`, and a conversation that used it falls back to the default model.
A registration written before the date was stored, or of a base with no end of life announced when it was
registered, has none: it stays usable as before (registering the deployment again stores the catalog's date).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from botocore.exceptions import ClientError

from common import lifecycle
from common.allowed_models import allowed_chat_model
from common.errors import ApiError, BadRequestError, ModelRetiredError
from common.runtime_config import ChatModelSpec, RuntimeConfig
from common.storage import storage_failure

PARTITION = "REGISTRY#custom-models"
DEPLOYMENT_ARN = r"^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:custom-model-deployment/[a-z0-9]{12}$"
END_OF_LIFE = "base_end_of_life"  # the registration detail: the base model's end-of-life date (ISO), when announced
SOURCE = "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html"
Registration = tuple[ChatModelSpec, dict[str, str]]


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
        found = self.entry(model_id)
        return None if found is None else found[0]

    def entry(self, model_id: str) -> Registration | None:
        """The registration of `model_id` with its details, or None."""
        try:
            item = self._client.get_item(TableName=self._table, Key=self._key(model_id), ConsistentRead=True).get("Item")
        except ClientError as err:
            raise _failure(err) from err
        return None if item is None else _parsed(item)

    def all(self) -> list[Registration]:
        """Every registration, with its details (deployment name, base model, its end of life), in ARN order."""
        found: list[Registration] = []
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": PARTITION}},
            "ConsistentRead": True,
        }
        try:
            while True:
                page = self._client.query(**query)
                found.extend(_parsed(item) for item in page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    return found
                query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except ClientError as err:
            raise _failure(err) from err

    @staticmethod
    def _key(model_id: str) -> dict[str, Any]:
        return {"pk": {"S": PARTITION}, "sk": {"S": model_id}}


def _parsed(item: dict[str, Any]) -> Registration:
    details = {k: v["S"] for k, v in item.items() if k not in ("pk", "sk", "spec") and "S" in v}
    return ChatModelSpec.model_validate(json.loads(item["spec"]["S"])), details


def retired_on(details: dict[str, str], today: date) -> str | None:
    """The base model's end-of-life date once `today` has reached it; None before it, and None when the registration
    has no date (written before dates were stored, or none announced): such a registration is usable as before."""
    end_of_life = details.get(END_OF_LIFE)
    return end_of_life if end_of_life and lifecycle.status(None, end_of_life, today) == "END_OF_LIFE" else None


def _refuse_retired(spec: ChatModelSpec, details: dict[str, str], today: date) -> None:
    end_of_life = retired_on(details, today)
    if end_of_life is None:
        return
    base = details.get("base_model_id") or "?"
    message = (
        f"The custom model {spec.name} ({spec.id}) was made from {base}, which reached its Bedrock end of life on "
        f"{end_of_life}: a custom model can be used only until its base model's end of life, so it can no longer be "
        f"chatted with. Pick another model (GET /models). / 맞춤 모델 {spec.name}({spec.id})의 기본 모델 {base}은(는) "
        f"{end_of_life}에 Bedrock 지원이 종료(EOL)되어 더 이상 채팅에 쓸 수 없습니다. 다른 모델을 고르세요(GET /models)."
    )
    detail = {"field": "model_id", "message": "the custom model's base model is past its end of life", "model_id": spec.id}
    detail |= {"base_model_id": base, "end_of_life": end_of_life, "source": SOURCE}
    raise ModelRetiredError(message, details=[detail])


def pick_model(config: RuntimeConfig, registry: ModelRegistry | None, model_id: str | None, today: date) -> ChatModelSpec:
    """The configured model named (or the default); otherwise a registered custom model (a 400 `model_end_of_life`
    once its base model is past its end of life on `today`); otherwise the 400 `allowed_chat_model` answers, listing
    the allowed ids."""
    if model_id is None or registry is None or model_id in {m.id for m in config.chat_models}:
        return allowed_chat_model(config, model_id)
    registered = registry.entry(model_id) if model_id.startswith("arn:") else None
    if registered is not None:
        _refuse_retired(*registered, today)
        return registered[0]
    try:
        return allowed_chat_model(config, model_id)
    except BadRequestError as err:
        raise BadRequestError(f"{err.message} (or a registered custom model: GET /models)", details=err.details) from None


def is_allowed(config: RuntimeConfig, registry: ModelRegistry | None, model_id: str, today: date) -> bool:
    """A configured model, or a registered custom model whose base model is not past its end of life on `today`."""
    if model_id in {m.id for m in config.chat_models}:
        return True
    registered = registry.entry(model_id) if registry is not None and model_id.startswith("arn:") else None
    return registered is not None and retired_on(registered[1], today) is None


def custom_model_entries(registry: ModelRegistry, read_seconds: int, today: date) -> list[dict[str, Any]]:
    """GET /models entries for the registered custom models still usable on `today`: the spec (the base model's
    rules) and `custom` (its deployment, its base model and the base's end of life, if announced)."""
    return [
        {
            **spec.model_dump(),
            "max_tokens_ceiling": spec.max_tokens_ceiling(read_seconds),
            "custom": {
                "deployment_name": d.get("deployment_name"),
                "base_model_id": d.get("base_model_id"),
                "base_end_of_life": d.get(END_OF_LIFE),
            },
        }
        for spec, d in registry.all()
        if retired_on(d, today) is None
    ]
