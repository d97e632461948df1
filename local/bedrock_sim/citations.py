"""Converse document citations, offline: what Bedrock refuses about `citations: {enabled: true}` on a DocumentBlock, and
the offline model's cited answer (citationsContent blocks quoting the attached documents), buffered and streamed.

Refused with a ValidationException (docs/local-bedrock.md lists each rule with its source):
- by a model that does not cite documents (infra/catalog/attachments.py `citations`). The AWS docs do not give Bedrock's
  message for this case; the simulator answers the one boto/boto3#4608 reports, "This model doesn't support citations.";
- on a document that is neither txt nor pdf: "Unsupported document format. Only txt and pdf formats are supported when
  citations are enabled" [second-hand: boto/boto3#4726];
- on some documents of a request but not all: Anthropic's citations page says a request cannot mix them
  (https://platform.claude.com/docs/en/build-with-claude/citations); Bedrock's behaviour and message are not
  documented, so the words are the simulator's own (MIXED).

The cited answer: for each document with citations enabled, in request order, the sentence sharing the most words with
the question (else its first sentence) is quoted. A txt document's citation is `documentChar` (character offsets into
the document, end exclusive), a pdf's `documentPage` (start: the page, 1 for the first; end: the page after it, as the
live sample of agentjido/req_llm#1005 reads start 1, end 2 for a one-page PDF); `title` is the block's name and
`sourceContent` the quoted sentence. A PDF with no extractable text is not cited. Each cited part of the answer is one
`citationsContent` block after the reply's text block; ConverseStream sends each in a block of its own: one
contentBlockDelta with the whole `citation`, then its text, as the live sample shows (local/bedrock_sim/streaming.py).
"""

from __future__ import annotations

import re
from typing import Any

from infra.catalog.attachments import content_support
from local.bedrock_sim.content_blocks import raw
from local.bedrock_sim.protocol import SimError

CITABLE = ("txt", "pdf")
NOT_SUPPORTED = "This model doesn't support citations."
UNSUPPORTED_FORMAT = "Unsupported document format. Only txt and pdf formats are supported when citations are enabled"
MIXED = "Citations must be enabled on all of the documents in a request or on none of them."
_SENTENCE = re.compile(r"[^\s.!?。][^.!?。\n]*[.!?。]?")


def _documents(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [block["document"] for message in messages for block in message["content"] if "document" in block]


def _enabled(document: dict[str, Any]) -> bool:
    return bool((document.get("citations") or {}).get("enabled"))


def check(foundation_model_id: str, messages: list[dict[str, Any]]) -> None:
    documents = _documents(messages)
    cited = [d for d in documents if _enabled(d)]
    if not cited:
        return
    if not content_support(foundation_model_id).citations:
        raise SimError("ValidationException", NOT_SUPPORTED)
    if any(d.get("format") not in CITABLE for d in cited):
        raise SimError("ValidationException", UNSUPPORTED_FORMAT)
    if len(cited) != len(documents):
        raise SimError("ValidationException", MIXED)


def cite(messages: list[dict[str, Any]], question: str) -> list[dict[str, Any]]:
    """The answer's citationsContent blocks: one per document with citations enabled that has a sentence to quote."""
    blocks = []
    for index, document in enumerate(_documents(messages)):
        found = _quote(document, question) if _enabled(document) else None
        if found is None:
            continue
        quote, location = found
        citation = {"title": document["name"], "sourceContent": [{"text": quote}], "location": _located(document, index, location)}
        content = f' «{document["name"]}» says: "{quote}"'
        blocks.append({"citationsContent": {"content": [{"text": content}], "citations": [citation]}})
    return blocks


def text_of(blocks: list[dict[str, Any]]) -> str:
    """The answer's words in `blocks` (what the output guardrail reads and the tokens count)."""
    return "".join(part["text"] for block in blocks for part in block["citationsContent"]["content"])


def _located(document: dict[str, Any], index: int, location: tuple[int, int]) -> dict[str, Any]:
    start, end = location
    if document["format"] == "pdf":
        return {"documentPage": {"documentIndex": index, "start": start, "end": start + 1}}
    return {"documentChar": {"documentIndex": index, "start": start, "end": end}}


def _quote(document: dict[str, Any], question: str) -> tuple[str, tuple[int, int]] | None:
    """The sentence to quote and where it is: (start, end) characters of a txt document, (page, page) of a pdf."""
    from local.bedrock_sim.documents import extract, terms

    data = raw(document["source"].get("bytes"))
    if data is None:
        return None  # an s3Location: not read offline (docs/local-bedrock.md)
    if document["format"] == "pdf":
        try:
            pages = extract("document.pdf", data)
        except Exception:  # a PDF pypdf cannot read has no text to cite
            return None
    else:
        pages = [(data.decode("utf-8", errors="replace"), None)]
    wanted, best = set(terms(question)), None
    for text, page in pages:
        for match in _SENTENCE.finditer(text):
            sentence = match.group(0).rstrip()
            score = len(wanted & set(terms(sentence)))
            if sentence and (best is None or score > best[0]):
                where = (page, page) if page is not None else (match.start(), match.start() + len(sentence))
                best = (score, sentence, where)
    return (best[1], best[2]) if best else None
