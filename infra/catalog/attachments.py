"""Which chat models read attached files through Converse: image blocks (vision) and document blocks.

Kept beside the model records (like usage_prices.py) and keyed by foundation-model id, so the model
files stay as they are. `content_support` is what the chat function (runtime config) and the offline
Bedrock (local/bedrock_sim/content_blocks.py) both read: a file a model cannot take is refused before
Bedrock is called, and the offline Bedrock refuses it the way Bedrock does.

Sources, checked 2026-11:
- The Converse support table lists "Document chat" and "Vision" per model: Anthropic Claude 3 and every
  later Claude model listed (3.5 Sonnet, 3.7 Sonnet, Sonnet 4, Opus 4, …) Yes/Yes, Claude 3.5 Haiku
  "Document chat" Yes and Vision No; Amazon Nova Lite, Pro and Premier Yes/Yes, Nova Micro No/No
  [official, https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-supported-models-features.html].
  The same table's "Amazon S3 links for multimedia" column is Yes for Nova only: Claude takes file bytes
  alone, so this product always sends bytes (read by the chat function), never an s3Location.
- Claude 4.5 and later (Haiku 4.5, Sonnet 4.5/4.6, Opus 4.6/4.7, the 5.5 models) are newer than the rows
  of the stored table: vision and PDF input are on Anthropic's model pages and in user reports of Converse
  calls with images and documents to these ids [second-hand: e.g. boto/boto3#4581 (Sonnet 4 works, 3.5
  Haiku refuses images), anomalyco/opencode#49443 (claude-sonnet-4-6 and nova-2-lite answer 200 to an
  image block)].
- Nova 2 Lite: "Inputs include text, images, video, and documents" [second-hand summary of
  https://docs.aws.amazon.com/nova/latest/nova2-userguide/using-multimodal-models.html].
- Document citations (`citations: {enabled: true}` on a DocumentBlock, the answer's `citationsContent` blocks): the
  API reference names no models (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CitationsConfig.html,
  API_runtime_CitationsContentBlock.html). `citations` is True for the Claude models only [second-hand: Anthropic's
  citations page, "All active models support citations, except Haiku 3"
  (https://platform.claude.com/docs/en/build-with-claude/citations, a page about Anthropic's own API); live Converse
  answers with citationsContent, buffered and streamed, on Claude Haiku 4.5 (agentjido/req_llm#1005); Bedrock once
  answered "This model doesn't support citations." for Sonnet 4 and fixed it (boto/boto3#4608); AWS announced "Citations
  API and PDF support for Claude models in Amazon Bedrock" in 2025-06 (https://aws.amazon.com/about-aws/whats-new/2025/06/
  citations-api-pdf-claude-models-amazon-bedrock/, not read here: named by aws-samples/well-architected-iac-analyzer#45)].
  No source shows Nova citing documents, so Nova is False. Anthropic's PDF page says full visual PDF understanding on
  Converse needs citations enabled [second-hand: anthropics/claude-code#18725 quotes it]. Bedrock cites txt and pdf
  documents only ("Only txt and pdf formats are supported when citations are enabled", boto/boto3#4726):
  lambdas/chat/doc_citations.py asks for citations only then.
A model not listed (a registered custom model, a model added later) takes no files until it is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

SUPPORT_TABLE = "https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-supported-models-features.html"


@dataclass(frozen=True)
class ContentSupport:
    images: bool
    documents: bool
    source: str
    citations: bool = False  # Converse document citations on txt and pdf documents (module docstring)


_CLAUDE_LATER = ContentSupport(True, True, f"[second-hand] Claude 3+ rows of {SUPPORT_TABLE}; see module docstring", citations=True)
_NOVA = ContentSupport(True, True, f"[official] Nova Lite/Pro rows of {SUPPORT_TABLE}")

CONTENT_SUPPORT: dict[str, ContentSupport] = {
    "anthropic.claude-haiku-5-5": _CLAUDE_LATER,
    "anthropic.claude-opus-5-5": _CLAUDE_LATER,
    "anthropic.claude-opus-4-7": _CLAUDE_LATER,
    "anthropic.claude-opus-4-6-v1": _CLAUDE_LATER,
    "anthropic.claude-sonnet-4-6": _CLAUDE_LATER,
    "anthropic.claude-sonnet-4-5-20250929-v1:0": _CLAUDE_LATER,
    "anthropic.claude-haiku-4-5-20251001-v1:0": _CLAUDE_LATER,
    "amazon.nova-lite-v1:0": _NOVA,
    "amazon.nova-pro-v1:0": _NOVA,
    "amazon.nova-2-lite-v1:0": ContentSupport(True, True, "[second-hand] Nova 2 multimodal guide summary; see module docstring"),
}
NONE = ContentSupport(False, False, "not listed in infra/catalog/attachments.py")


def content_support(foundation_model_id: str) -> ContentSupport:
    return CONTENT_SUPPORT.get(foundation_model_id, NONE)
