"""Vector search for the offline Knowledge Base: TF-IDF vectors, cosine similarity, top k.

An S3 Vectors index answers QueryVectors with the k approximate nearest neighbours of the query
vector and no similarity threshold: every query over a non-empty index gets k results (fewer only
when the index, or the part a filter lets through, holds fewer vectors).
https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-query.html

Here each chunk is a sparse TF-IDF vector over the knowledge base's terms (lower-cased words; Hangul
character bigrams), L2-normalised, and similarity is their cosine, in [0, 1]. The score Bedrock
reports is a "level of relevance" with no documented scale
(https://docs.aws.amazon.com/bedrock/latest/userguide/kb-test-config.html); with a real embedding
model, text that shares nothing with the question still lands at a small positive cosine, never at
exactly zero, and related text well above it. `score()` maps the cosine into that shape: unrelated
chunks score FLOOR (0.1), a chunk identical to the question 1.0. Ties are broken by document URI and
then position in the document, so results are deterministic.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

FLOOR = 0.1  # the score of a chunk that shares no term with the question

Vector = dict[str, float]


class Indexed(Protocol):
    uri: str
    position: int
    vector: Vector


T = TypeVar("T", bound=Indexed)


# Function words carry little meaning, and an embedding model gives them little weight; left in,
# "What is the ...?" would look related to every English chunk.
STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "may",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    }
)


def features(terms: Iterable[str]) -> Counter[str]:
    """Term counts as vector features: stop words dropped, a plural "s" folded into the singular."""
    counted: Counter[str] = Counter()
    for term in terms:
        if term in STOP_WORDS:
            continue
        if len(term) > 3 and term.endswith("s") and not term.endswith(("ss", "us", "is")) and term.isascii():
            term = term[:-1]
        counted[term] += 1
    return counted


def idf(documents: Iterable[Counter[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency, ln((1 + n) / (1 + df)) + 1, of every term in the index."""
    frequency: Counter[str] = Counter()
    count = 0
    for counts in documents:
        count += 1
        frequency.update(counts.keys())
    return {term: math.log((1 + count) / (1 + df)) + 1 for term, df in frequency.items()}


def embed(counts: Counter[str], weights: dict[str, float]) -> Vector:
    """The unit vector of sublinear term frequency (1 + ln tf) times idf; terms the index lacks drop out."""
    raw = {term: (1 + math.log(tf)) * weights[term] for term, tf in counts.items() if tf > 0 and term in weights}
    norm = math.sqrt(sum(v * v for v in raw.values()))
    return {term: v / norm for term, v in raw.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(v * b.get(term, 0.0) for term, v in a.items())


def score(similarity: float) -> float:
    """Cosine in [0, 1] → relevance score in [FLOOR, 1], rounded like a service would."""
    return round(FLOOR + (1 - FLOOR) * min(1.0, max(0.0, similarity)), 6)


def nearest(query: Vector, candidates: Sequence[T], k: int) -> list[tuple[float, T]]:
    """The k candidates most similar to `query`, best first, each with its score."""
    scored = [(score(cosine(query, c.vector)), c) for c in candidates]
    scored.sort(key=lambda pair: (-pair[0], pair[1].uri, pair[1].position))
    return scored[:k]
