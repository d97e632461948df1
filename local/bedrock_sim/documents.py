"""The offline Knowledge Base's reading of documents: the text of each supported type (PDF page by page), its
terms for the TF-IDF vectors (words, and character bigrams inside Hangul runs so Korean matches without a
morphological analyzer), and fixed-size chunks in the simulator's token estimate (local/bedrock_sim/knowledge.py)."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from typing import Any

from local.bedrock_sim.model import tokens

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".csv", ".pdf")
_WORD = re.compile(r"[0-9A-Za-z]+|[\uac00-\ud7a3]+")


def terms(text: str) -> list[str]:
    found: list[str] = []
    for word in _WORD.findall(text.lower()):
        if "\uac00" <= word[0] <= "\ud7a3":
            found += [word[i : i + 2] for i in range(len(word) - 1)] or [word]
        else:
            found.append(word)
    return found


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:  # noqa: ARG002 - the tag is enough
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def extract(key: str, body: bytes) -> list[tuple[str, int | None]]:
    """[(text, page)] of a document; pages only for PDF."""
    lower = key.lower()
    if lower.endswith(".pdf"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        return [(page.extract_text() or "", number) for number, page in enumerate(reader.pages, start=1)]
    text = body.decode("utf-8-sig", errors="replace")
    if lower.endswith((".html", ".htm")):
        parser = _Text()
        parser.feed(text)
        return [("\n".join(parser.parts), None)]
    if lower.endswith(".csv"):
        rows = csv.reader(io.StringIO(text))
        return [("\n".join(", ".join(row) for row in rows), None)]
    return [(text, None)]


def chunk(text: str, max_tokens: int, overlap_percentage: int) -> list[str]:
    words = text.split()
    chunks: list[str] = []
    start = 0
    while start < len(words):
        end, size = start, 0
        while end < len(words) and (size + tokens(words[end] + " ") <= max_tokens or end == start):
            size += tokens(words[end] + " ")
            end += 1
        chunks.append(" ".join(words[start:end]))
        if end >= len(words):
            break
        start = max(start + 1, end - (end - start) * overlap_percentage // 100)
    return chunks
