"""The product's relevance rule: passages below a minimum score never reach the model.

A vector store returns its nearest neighbours for any question, however unrelated: S3 Vectors'
QueryVectors has no similarity threshold (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-query.html),
and Bedrock's Retrieve passes its top `numberOfResults` on with a score, a "level of relevance" whose
scale is not documented (https://docs.aws.amazon.com/bedrock/latest/userguide/kb-test-config.html).
Without a cut-off every off-topic question would pay for a model call and risk a grounding block.
The minimum is `knowledge_base.min_score` (docs/configuration.md); a request may override it.
Every query logs the retrieved scores at INFO so an operator can tune it.
"""

from __future__ import annotations

from typing import Any

from common.observability import logger


def score_of(passage: Any) -> float:
    """The retrieval score LangChain's AmazonKnowledgeBasesRetriever puts in the document's metadata."""
    return float(passage.metadata.get("score") or 0.0)


def relevant(passages: list[Any], min_score: float) -> list[Any]:
    """The passages scoring at least `min_score`, in retrieval order; logs every score."""
    kept = [p for p in passages if score_of(p) >= min_score]
    logger.info(
        "retrieved passages",
        extra={"retrieved_scores": [round(score_of(p), 4) for p in passages], "min_score": min_score, "passages_kept": len(kept)},
    )
    return kept
