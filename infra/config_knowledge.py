"""The `knowledge_base` section of the configuration: the documents prefix, how documents are chunked, and the
lowest retrieval score an answer cites (infra/constructs/knowledge_base.py builds the Knowledge Base from it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from infra.config_base import STRICT


class _Model(BaseModel):
    model_config = STRICT


class FixedSizeChunking(_Model):
    max_tokens: Annotated[int, Field(ge=20, le=8192)] = 300
    overlap_percentage: Annotated[int, Field(ge=1, le=99)] = 20


class HierarchicalChunking(_Model):
    parent_max_tokens: Annotated[int, Field(ge=1, le=8192)] = 1500
    child_max_tokens: Annotated[int, Field(ge=1, le=8192)] = 300
    overlap_tokens: Annotated[int, Field(ge=1)] = 60

    @model_validator(mode="after")
    def _child_smaller(self) -> HierarchicalChunking:
        if self.child_max_tokens >= self.parent_max_tokens:
            raise ValueError("child_max_tokens must be smaller than parent_max_tokens")
        return self


class SemanticChunking(_Model):
    max_tokens: Annotated[int, Field(ge=20, le=8192)] = 300
    buffer_size: Annotated[int, Field(ge=0, le=1)] = 0
    breakpoint_percentile_threshold: Annotated[int, Field(ge=50, le=99)] = 95


class Chunking(_Model):
    strategy: Literal["FIXED_SIZE", "HIERARCHICAL", "SEMANTIC"]
    fixed_size: FixedSizeChunking = FixedSizeChunking()
    hierarchical: HierarchicalChunking = HierarchicalChunking()
    semantic: SemanticChunking = SemanticChunking()


# Retrieve scores have no documented scale; 0.15 is a starting point calibrated against the offline
# store (unrelated chunks score 0.1 there, any shared key term lifts a chunk above 0.15). Tune it from
# the scores the rag function logs per query (docs/configuration.md).
DEFAULT_MIN_SCORE = 0.15


class KnowledgeBase(_Model):
    inclusion_prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+)*/$")]
    chunking: Chunking
    data_deletion_policy: Literal["DELETE", "RETAIN"]
    min_score: Annotated[float, Field(ge=0, le=1)] = DEFAULT_MIN_SCORE
