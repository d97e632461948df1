"""Text the product sends to Bedrock is never blank: Converse refuses a blank text block.

Converse answers ValidationException "The text field in the ContentBlock object at
messages.X.content.Y is blank" for empty and whitespace-only text, and Claude refuses
whitespace-only text too. The AWS docs do not state it; see docs/local-bedrock.md for the sources.
So a blank question is a 400 here, and a blank model reply is stored as a note that never goes
back to the model (common/conversations.py).
"""

from __future__ import annotations

from typing import Any

from pydantic import AfterValidator

BLANK_REPLY_NOTE = "[빈 응답: 모델이 아무 글도 돌려주지 않았습니다 / Empty reply: the model returned no text]"


def is_blank(text: str) -> bool:
    return not text.strip()


def _not_blank(value: str) -> str:
    if is_blank(value):
        raise ValueError("must contain text, not only spaces or line breaks")
    return value


# Last in a field's Annotated[str, Field(...), NOT_BLANK] (nesting it inside another Annotated loses str's checks).
NOT_BLANK = AfterValidator(_not_blank)


def text_blocks(content: Any) -> str:
    """A model reply's text: its text blocks joined (a plain string as is). A model that thinks answers a
    reasoningContent block first (LangChain: `reasoning_content`): it has no `text`, so it is never shown or stored.
    With document citations, the cited part of the answer comes in `citationsContent` blocks between the text blocks,
    its words in `content[].text` (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CitationsContentBlock.html):
    they are part of the answer, in place."""
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in map(_cited_as_text, content) if isinstance(block, dict))


def _cited_as_text(block: Any) -> Any:
    cited = block.get("citationsContent") if isinstance(block, dict) else None
    if cited is None:
        return block
    return {"text": "".join(part.get("text", "") for part in cited.get("content") or [] if isinstance(part, dict))}


def reply_text(response: dict[str, Any]) -> str:
    """The text of a Converse response (`output.message.content`'s text blocks)."""
    return text_blocks(((response.get("output") or {}).get("message") or {}).get("content") or [])
