"""Converse document citations in chat: which document blocks ask for them, and the passages the answer cites as the
chat response's `citations[]`, shaped like POST /rag/query's so the UI and the CLI show them the same way.

When (docs/api.md#citations): the deployment asks for them on this route (config `attachments.citations`, below), the
model takes them (`files.citations`, infra/catalog/attachments.py) and every document block of the request — this turn's
and those the window resends — is txt or pdf. Then each of them carries
`citations: {enabled: true}` (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CitationsConfig.html),
else none does:
- Bedrock refuses citations on another format: "Unsupported document format. Only txt and pdf formats are supported
  when citations are enabled" [second-hand: boto/boto3#4726];
- Anthropic's citations page says a request cannot mix documents with citations enabled and documents without
  (https://platform.claude.com/docs/en/build-with-claude/citations, about Anthropic's own API; what Bedrock does with a
  mix is not documented), so a turn that also sends a csv, docx, … document gets none; resent documents are cited like
  this turn's (the answer may quote them).

Config `attachments.citations` (docs/configuration.md#attachments): "on" (POST /chat and POST /chat/stream), "buffered-only"
(POST /chat only: Converse) or "off". Every chat turn carries a guardrailConfig, and ConverseStream with citations and a
guardrailConfig together was reported failing with an EventStreamError (https://github.com/boto/boto3/issues/4597, 2025-08,
closed; whether AWS fixed it is not known here): an operator who sees it turns citations off on the stream without a code
change. The offline Bedrock takes the combination (docs/local-bedrock.md).

What comes back: Converse answers `citationsContent` blocks between the text blocks (content[].text: the answer's words,
joined in place by common/text.py; citations[]: title, sourceContent[].text, location documentChar | documentPage |
documentChunk, each {documentIndex, start, end}: API_runtime_CitationsContentBlock.html, API_runtime_CitationLocation.html).
ConverseStream sends each citation as the `citation` member of a contentBlockDelta (CitationsDelta), before the words it
backs [second-hand: the live streams of agentjido/req_llm#1005]. `documentIndex` is "the index of the document within the
array of documents provided in the request" (botocore's model): the request's document blocks in order (a citation whose
index is out of range is matched by its title, the block's name). Each cited passage becomes one item, once (the same
document, location and quote again is not repeated), numbered in order of first citation, at most MAX_CITATIONS:

    {number, excerpt: the document's quoted text (first 400 characters), source: {name, key, page?},
     location: {type: char | page | chunk, start, end}}

`source.page` is a PDF passage's first page (documentPage.start, 1 for the first page as the live sample shows);
`location` is Bedrock's as sent (char: offsets into the text document).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from common.runtime_config import AttachmentSettings, ChatModelSpec
from common.stream_reader import Event, StreamedAnswer

CITABLE_FORMATS = ("txt", "pdf")
EXCERPT_CHARS = 400  # as POST /rag/query's excerpt
MAX_CITATIONS = 100  # the stored assistant message stays far below DynamoDB's 400 KB item limit
_KINDS = {"documentChar": "char", "documentPage": "page", "documentChunk": "chunk"}


def citations_on(settings: AttachmentSettings, *, streaming: bool) -> bool:
    """Whether the deployment asks for document citations on this route (config `attachments.citations`)."""
    return settings.citations == "on" or (settings.citations == "buffered-only" and not streaming)


def request_citations(
    messages: list[dict[str, Any]], model: ChatModelSpec, documents: Sequence[dict[str, str]], *, enabled: bool
) -> DocumentCitations:
    """Ask for citations on every document block of `messages` when `enabled` (citations_on), the model takes them and
    all are txt or pdf (module docstring); `documents` are the blocks' files in order (chat/file_blocks.py). Returns the
    turn's reader."""
    blocks = [block["document"] for message in messages for block in message["content"] if "document" in block]
    if not enabled or not model.files.citations or not blocks or len(blocks) != len(documents):
        return DocumentCitations()
    if any(block["format"] not in CITABLE_FORMATS for block in blocks):
        return DocumentCitations()
    for block in blocks:
        block["citations"] = {"enabled": True}
    return DocumentCitations(documents)


class DocumentCitations:
    """One turn's citations: the documents it asked to cite (documentIndex order) and the passages the answer cited."""

    def __init__(self, documents: Sequence[dict[str, str]] = ()) -> None:
        self._documents = tuple(documents)
        self._found: list[dict[str, Any]] = []
        self._seen: set[tuple[Any, ...]] = set()
        self._relayed = 0  # how many of a stream's citation deltas were read

    def events(self, response: dict[str, Any]) -> Iterator[Event]:
        """Converse: a `citation` event for each passage the answer's citationsContent blocks cite."""
        for block in ((response.get("output") or {}).get("message") or {}).get("content") or []:
            for raw in (block.get("citationsContent") or {}).get("citations") or []:
                yield from self._event(raw)

    def relayed(self, texts: Iterable[str], answer: StreamedAnswer) -> Iterator[Event]:
        """ConverseStream: each text as a `delta` event, and right after it a `citation` event for each citation delta
        that came since (common/stream_reader.py keeps them in `answer.citations`); any left at the end, then."""
        for text in texts:
            yield Event("delta", {"text": text})
            yield from self._streamed(answer)
        yield from self._streamed(answer)

    def stored(self) -> tuple[dict[str, Any], ...]:
        """The passages cited so far, as the assistant message keeps them (common/conversations.py)."""
        return tuple(self._found)

    def _streamed(self, answer: StreamedAnswer) -> Iterator[Event]:
        while self._relayed < len(answer.citations):
            self._relayed += 1
            yield from self._event(answer.citations[self._relayed - 1])

    def _event(self, raw: dict[str, Any]) -> Iterator[Event]:
        citation = self._citation(raw) if self._documents else None
        if citation is not None:
            self._found.append(citation)
            yield Event("citation", citation)

    def _citation(self, raw: dict[str, Any]) -> dict[str, Any] | None:
        nowhere: tuple[str, dict[str, Any]] = ("", {})
        kind, where = next(((_KINDS[k], v) for k, v in (raw.get("location") or {}).items() if k in _KINDS and v), nowhere)
        document = self._document(where.get("documentIndex"), raw.get("title"))
        quote = "".join(str(part.get("text", "")) for part in raw.get("sourceContent") or [] if isinstance(part, dict))
        start, end = where.get("start"), where.get("end")
        seen = (document["key"] if document else None, kind, start, end, quote)
        if document is None or seen in self._seen or len(self._found) >= MAX_CITATIONS:
            return None
        self._seen.add(seen)
        source: dict[str, Any] = {"name": document["name"], "key": document["key"]}
        if kind == "page" and isinstance(start, int):
            source["page"] = start
        citation: dict[str, Any] = {"number": len(self._found) + 1, "excerpt": quote[:EXCERPT_CHARS], "source": source}
        if isinstance(start, int) and isinstance(end, int):
            citation["location"] = {"type": kind, "start": start, "end": end}
        return citation

    def _document(self, index: Any, title: Any) -> dict[str, str] | None:
        if isinstance(index, int) and 0 <= index < len(self._documents):
            return self._documents[index]
        return next((d for d in self._documents if d.get("title") == title), None)
