"""The chat API's request and response bodies (the published OpenAPI schema comes from these)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from common.ids import CONVERSATION_ID
from common.params import InferenceParams
from common.text import NOT_BLANK
from common.titles import TITLE_MAX_CHARS, clean_title, title_problem

ConversationId = Annotated[str, Field(pattern=CONVERSATION_ID, description="Opaque id returned by POST /chat")]


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    message: Annotated[str, Field(min_length=1, description="The user's message (Korean welcome); not blank"), NOT_BLANK]
    conversation_id: ConversationId | None = None
    model_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    system_prompt: str | None = None
    params: InferenceParams | None = None


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


class ChatResponse(BaseModel):
    conversation_id: str
    message: Message
    model_id: str
    stop_reason: str
    usage: Usage
    guardrail: Guardrail
    notice: Notice | None = Field(None, description="Present when the turn was served differently than asked, e.g. on another model")


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


class ConversationDetail(BaseModel):
    conversation: ConversationSummary
    messages: list[StoredMessage]
    next_token: str | None


class StreamStop(BaseModel):
    stream_id: str = Field(description="The stream the caller asked to stop (the `stream_id` of its start event)")
    stopping: bool = Field(description="Always true: the stream stops at its next delta (within about a second)")
