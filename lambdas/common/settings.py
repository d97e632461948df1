"""Environment variables, parsed once into a validated model (names set by infra/constants.py)."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    table_name: str | None = Field(None, alias="TABLE_NAME")
    documents_bucket: str | None = Field(None, alias="DOCUMENTS_BUCKET")
    images_bucket: str | None = Field(None, alias="IMAGES_BUCKET")
    knowledge_base_id: str | None = Field(None, alias="KNOWLEDGE_BASE_ID")
    data_source_id: str | None = Field(None, alias="DATA_SOURCE_ID")
    guardrail_id: str | None = Field(None, alias="GUARDRAIL_ID")
    guardrail_version: str | None = Field(None, alias="GUARDRAIL_VERSION")
    admin_group: str = Field("admin", alias="ADMIN_GROUP")
    region: str = Field("us-west-2", alias="AWS_REGION")

    def required(self, name: str) -> str:
        """A setting this function cannot run without; missing means a broken deployment."""
        value = getattr(self, name)
        if not value:
            raise RuntimeError(f"environment variable for {name} is not set; the stack sets it on deploy")
        return str(value)


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.model_validate(dict(os.environ))
