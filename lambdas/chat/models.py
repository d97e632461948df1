"""The chat API's request and response bodies (the published OpenAPI schema comes from these)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from common.ids import CONVERSATION_ID
from common.params import InferenceParams
from common.text import NOT_BLANK
from common.titles import TITLE_MAX_CHARS, clean_title, title_problem

ConversationId = Annotated[str, Field(pattern=CONVERSATION_ID, description="Opaque id returned by POST /chat")]


AttachmentKey = Annotated[
    str,
    Field(
        min_length=1,
        max_length=512,
        pattern=r"^attachments/[^/]+/[A-Za-z0-9_-]{8,64}/[^/]+$",
        description="The key POST /chat/attachments returned (under the caller's own prefix)",
    ),
]


class AttachmentRef(BaseModel):
    """A file uploaded with POST /chat/attachments, attached to this turn."""

    model_config = ConfigDict(extra="forbid", strict=True)

    key: AttachmentKey
    name: Annotated[str, Field(min_length=1, max_length=255, description="Shown to people; default: the key's file name")] | None = None
    type: Annotated[str, Field(min_length=1, max_length=200, description="Content type; must match the file's extension")] | None = None


class AttachmentUploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str, Field(min_length=1, max_length=255, description="The file's name, with its extension")]
    content_type: Annotated[str, Field(min_length=1, max_length=200)]
    size: Annotated[int, Field(ge=1, description="Bytes; at most 3,750,000 for an image, 4,500,000 for a document")]


class PresignedPost(BaseModel):
    url: str
    fields: dict[str, str]


class AttachmentUpload(BaseModel):
    key: str = Field(description="Send it in the turn's `attachments`")
    name: str
    kind: Literal["image", "document"]
    format: str
    max_bytes: int
    upload: PresignedPost = Field(description="POST the file as multipart/form-data: these fields, then `file`")
    expires_in: int


class StoredAttachment(BaseModel):
    key: str
    name: str
    type: str
    size: int
    read_check: Literal["passed", "withheld", "flagged", "unchecked"] | None = Field(
        None,
        description="A document's guardrail check when it was attached (chat/document_checks.py); a withheld one is never sent "
        "to the model. Absent: an image, or checks were off",
    )


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    message: Annotated[str, Field(min_length=1, description="The user's message (Korean welcome); not blank"), NOT_BLANK]
    conversation_id: ConversationId | None = None
    model_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    system_prompt: str | None = None
    params: InferenceParams | None = None
    attachments: Annotated[list[AttachmentRef], Field(max_length=25, description="Files for this turn (config attachments)")] | None = None


class Message(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class Usage(BaseModel):
    input_tokens: int
    output_tokens: int


class Guardrail(BaseModel):
    intervened: bool
    action: Literal["NONE", "ANONYMIZED", "BLOCKED"]
    policies: list[str]
    message: str | None


class Notice(BaseModel):
    """Something the caller should know about how the turn was served (shown to people as is)."""

    code: Literal["model_fallback"] = Field(description="model_fallback: the conversation's model is no longer allowed")
    message: str = Field(description="For people, in Korean and English")
    previous_model_id: str = Field(description="The model the conversation had; model_id is the one that answered")


class CitedFile(BaseModel):
    name: str = Field(description="The attached file's name")
    key: str = Field(description="The attachment's key (POST /chat/attachments)")
    page: int | None = Field(None, description="PDF: the page the passage starts on (1 = the first page)")


class CitationLocation(BaseModel):
    type: Literal["char", "page", "chunk"] = Field(description="char: a text document's characters; page: a PDF's pages")
    start: int
    end: int = Field(description="As Bedrock reports it (docs/api.md#citations)")


class ChatCitation(BaseModel):
    """A passage of an attached document the answer cites (Converse document citations; chat/doc_citations.py)."""

    number: int = Field(description="1, 2, … in the order the answer first cites them; each passage once")
    excerpt: str = Field(description="The document's text the answer cites (its first 400 characters)")
    source: CitedFile
    location: CitationLocation | None = None


class CheckedDocument(BaseModel):
    """An attached document the guardrail's read check withheld, flagged or could not check (chat/document_checks.py)."""

    document: str = Field(description="The file's name")
    key: str
    reason: str = Field(description="PROMPT_ATTACK, DENIED_TOPICS, CONTENT_FILTERS, WORDS, SENSITIVE_INFORMATION; UNREADABLE, NO_TEXT")
    reasons: list[str]
    message: str = Field(description="For people, in Korean and English")


class ChatResponse(BaseModel):
    conversation_id: str
    message: Message
    model_id: str
    stop_reason: str
    usage: Usage
    guardrail: Guardrail
    notice: Notice | None = Field(None, description="Present when the turn was served differently than asked, e.g. on another model")
    citations: list[ChatCitation] = Field(
        [], description="Passages of attached txt/pdf documents the answer cites (models with files.citations)"
    )

    withheld: list[CheckedDocument] = Field([], description="Attached documents the guardrail kept from the model")
    flagged: list[CheckedDocument] = Field([], description="Documents it intervened on, sent anyway (guardrail.read_checks.action FLAG)")
    unchecked: list[CheckedDocument] = Field([], description="Documents sent without a check: no text to read, or unreadable")


class ConversationSummary(BaseModel):
    conversation_id: str
    title: str
    model_id: str
    created_at: str
    updated_at: str
    turns: int


def _valid_title(value: str) -> str:
    problem = title_problem(value)
    if problem:
        raise ValueError(problem)
    return clean_title(value)


class RenameRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    title: Annotated[
        str,
        Field(
            min_length=1,
            max_length=TITLE_MAX_CHARS,
            description="The new title: not blank, no control characters or line breaks; stored trimmed, masked if the guardrail masks it",
        ),
        AfterValidator(_valid_title),
    ]


class ConversationList(BaseModel):
    conversations: list[ConversationSummary]
    next_token: str | None


class Renamed(BaseModel):
    conversation: ConversationSummary = Field(description="The conversation as stored: unchanged when the guardrail blocked the title")
    guardrail: Guardrail = Field(description="The guardrail's verdict on the typed title (ANONYMIZED: stored masked; BLOCKED: not stored)")


class StoredMessage(BaseModel):
    role: Literal["user", "assistant"]
    content: str
    created_at: str
    blocked: bool = False
    interrupted: bool = Field(False, description="A streamed answer stopped part-way: the content is what was produced")
    attachments: list[StoredAttachment] = Field([], description="Files attached to this (user) message")
    citations: list[ChatCitation] = Field([], description="Passages of attached documents this (assistant) message cites")


class ConversationDetail(BaseModel):
    conversation: ConversationSummary
    messages: list[StoredMessage]
    next_token: str | None


class StreamStop(BaseModel):
    stream_id: str = Field(description="The stream the caller asked to stop (the `stream_id` of its start event)")
    stopping: bool = Field(description="Always true: the stream stops at its next delta (within about a second)")
