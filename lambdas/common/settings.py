"""Each function's environment variables (names set by infra/constants.py), validated once at cold start.

A handler module loads its own settings model at import. A variable the stack should have set but did
not fails the function's Init phase with one log line naming every missing variable, instead of a 502
on each request later: Lambda reports the failed Init in the function's log (INIT_REPORT) and tries Init
again on the next invocation; with SnapStart (`features.snapstart`) Init runs when a version is
published, so the deployment itself fails
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from common.observability import logger

Required = Annotated[str, Field(min_length=1)]


class _Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True, str_strip_whitespace=True)


class GuardrailSettings(_Settings):
    guardrail_id: Required = Field(alias="GUARDRAIL_ID")
    guardrail_version: Required = Field(alias="GUARDRAIL_VERSION")


class PaidSettings(GuardrailSettings):
    """A function that makes paid Bedrock calls: they are metered in the usage table (lambdas/common/usage/)."""

    usage_table: Required = Field(alias="USAGE_TABLE")


class ChatSettings(PaidSettings):
    table_name: Required = Field(alias="TABLE_NAME")
    attachments_bucket: Required = Field(alias="ATTACHMENTS_BUCKET")  # files in chat, under attachments/ (the images bucket)


class RagSettings(PaidSettings):
    table_name: Required = Field(alias="TABLE_NAME")
    documents_bucket: Required = Field(alias="DOCUMENTS_BUCKET")
    knowledge_base_id: Required = Field(alias="KNOWLEDGE_BASE_ID")
    data_source_id: Required = Field(alias="DATA_SOURCE_ID")
    admin_group: Required = Field("admin", alias="ADMIN_GROUP")


class RagStreamSettings(PaidSettings):
    """POST /rag/query/stream: the knowledge base, the conversation window and stop requests, presigned citations."""

    table_name: Required = Field(alias="TABLE_NAME")
    documents_bucket: Required = Field(alias="DOCUMENTS_BUCKET")
    knowledge_base_id: Required = Field(alias="KNOWLEDGE_BASE_ID")


class ImageSettings(PaidSettings):
    images_bucket: Required = Field(alias="IMAGES_BUCKET")
    table_name: Required = Field(alias="TABLE_NAME")  # its own records only (image/gallery.py, dynamodb:LeadingKeys)


class IngestSettings(_Settings):
    knowledge_base_id: Required = Field(alias="KNOWLEDGE_BASE_ID")
    data_source_id: Required = Field(alias="DATA_SOURCE_ID")


class UsageSettings(_Settings):
    """GET /usage, /admin/usage and budgets: the usage table; the pool, to show admins who a `sub` is (optional)."""

    usage_table: Required = Field(alias="USAGE_TABLE")
    admin_group: Required = Field("admin", alias="ADMIN_GROUP")
    user_pool_id: str = Field("", alias="USER_POOL_ID")


# The settings model of each function the stack deploys (infra/stack.py names them the same).
BY_FUNCTION: dict[str, type[_Settings]] = {
    "chat": ChatSettings,
    "rag": RagSettings,
    "image": ImageSettings,
    "ingest": IngestSettings,
    "chat_stream": ChatSettings,
    "rag_stream": RagStreamSettings,
    "usage": UsageSettings,
}

S = TypeVar("S", bound=_Settings)


class SettingsError(RuntimeError):
    """The function's environment lacks what the stack sets on deploy: the function cannot start."""


def required_variables(model: type[_Settings]) -> set[str]:
    return {str(f.alias) for f in model.model_fields.values() if f.is_required()}


def load_settings(model: type[S], environ: Mapping[str, str] | None = None) -> S:
    """`model` read from the environment, or one clear log line and SettingsError (the function's Init fails)."""
    try:
        return model.model_validate(dict(os.environ if environ is None else environ))
    except ValidationError as err:
        names = sorted({str(e["loc"][0]) for e in err.errors() if e.get("loc")})
        message = (
            f"missing environment variables: {', '.join(names)} ({model.__name__}); the stack sets them on each function, "
            "so redeploy it (or set them when running a handler outside the stack)"
        )
        logger.error(message, extra={"missing_variables": names})
        raise SettingsError(message) from None


class CustomizeSettings(_Settings):
    """The customize function (issue 15): the registry (conversation table), the training bucket, the service role,
    the stack's tag (names and tags of its jobs, models and deployments)."""

    table_name: Required = Field(alias="TABLE_NAME")
    bucket: Required = Field(alias="CUSTOMIZATION_BUCKET")
    role_arn: Required = Field(alias="CUSTOMIZATION_ROLE_ARN")
    stack_tag: Required = Field(alias="CUSTOMIZATION_STACK_TAG")
    admin_group: Required = Field("admin", alias="ADMIN_GROUP")


BY_FUNCTION["customize"] = CustomizeSettings
