"""Knowledge-base answers with citations: a LangChain runnable of AmazonKnowledgeBasesRetriever and
ChatBedrockConverse, with the shared parameter mapper and guardrail outcome.

The question is user input: it goes as guard content qualified `guard_content`, so every input
policy (content, prompt attack, topics, words, PII/regex) reads it; text qualified only `query` or
`grounding_source` feeds the contextual grounding check alone (guardrails-use-converse-api,
guardrails-contextual-grounding-check). Grounding runs only where the deployed tier reads the question
(common.grounding): then the passages go as `grounding_source` and the question is also `query`;
otherwise the passages go as plain text, which the input policies skip because guard content is present.
Passages below the minimum relevance score (rag/relevance.py) are dropped first; the rest go through the guardrail
(rag/passage_checks.py: a passage carrying instructions is withheld); with none left, no model is called.
The model cites passages as [n]; citations are the passages the answer names.
The answer itself (Converse for POST /rag/query, ConverseStream for POST /rag/query/stream) is rag/answer_stream.py:
one sequence of events that `answer` collects into the JSON answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import unquote, urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from common.allowed_models import allowed_chat_model
from common.auth import Caller
from common.bedrock import SafeClient, bedrock_errors, control_client
from common.conversations import ConversationStore
from common.errors import NotFoundError, ValidationFailedError
from common.grounding import checks_grounding
from common.guardrail import NOT_APPLIED
from common.ids import CONVERSATION_ID
from common.params import InferenceParams, converse_options
from common.runtime_config import ChatModelSpec, RuntimeConfig
from common.text import NOT_BLANK
from common.usage.meter import UNMETERED, Meter, Metering
from common.usage.prices import embedding_cost
from rag.filters import filter_problems
from rag.lean_imports import defer_unused_inits
from rag.metering import before_retrieval, passages_cost
from rag.passage_checks import NOTHING_SCREENED, Screened, screen
from rag.relevance import relevant

URL_SECONDS = 300
EXCERPT_CHARS = 400
SYSTEM_PROMPT = (
    "You answer questions for a team using only the numbered passages you are given. "
    "Cite every passage you use as [n]. If the passages do not contain the answer, say plainly that the "
    "documents do not answer it, and do not guess. Answer in the language of the question."
)
NO_PASSAGES = {
    "ko": "업로드된 문서에서 이 질문에 대한 답을 찾지 못했습니다.",
    "en": "The uploaded documents do not contain an answer to this question.",
}
_CITATION = re.compile(r"\[(\d{1,2})\]")
defer_unused_inits()  # before LangChain is first imported (rag/lean_imports.py)


class RagQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    question: Annotated[str, Field(min_length=1), NOT_BLANK]
    model_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    params: InferenceParams | None = None
    number_of_results: Annotated[int, Field(ge=1, le=20)] = 5
    filter: dict[str, Any] | None = None
    min_score: Annotated[float, Field(ge=0, le=1)] | None = None  # default: knowledge_base.min_score
    conversation_id: Annotated[str, Field(pattern=CONVERSATION_ID)] | None = None

    @field_validator("filter")
    @classmethod
    def _bedrock_filter(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            problems = filter_problems(value)
            if problems:
                raise PydanticCustomError("retrieval_filter", "{problems}", {"problems": problems})
        return value


def language(text: str) -> str:
    return "ko" if re.search("[\uac00-\ud7a3]", text) else "en"


@dataclass(frozen=True)
class RagDeps:
    config: RuntimeConfig
    bedrock: Any
    agent_runtime: Any
    s3: Any
    knowledge_base_id: str
    guardrail_id: str
    guardrail_version: str
    documents_bucket: str
    metering: Metering | None = None  # None: not metered


def _retriever(deps: RagDeps, request: RagQuery) -> Any:
    from langchain_aws.retrievers.bedrock import AmazonKnowledgeBasesRetriever

    search: dict[str, Any] = {"numberOfResults": request.number_of_results}
    if request.filter:
        search["filter"] = request.filter
    return AmazonKnowledgeBasesRetriever(
        knowledge_base_id=deps.knowledge_base_id,
        client=SafeClient(deps.agent_runtime),  # LangChain calls Retrieve itself: under the paid-call rule
        retrieval_config={"vectorSearchConfiguration": search},
        min_score_confidence=None,
    )


def llm(deps: RagDeps, model_id: str, options: dict[str, Any], stream_mode: str | None = None) -> Any:
    """ChatBedrockConverse for `model_id`; `stream_mode` (ConverseStream only: Converse has no such field) is the
    guardrail's streamProcessingMode."""
    from langchain_aws.chat_models.bedrock_converse import ChatBedrockConverse

    inference = options["inferenceConfig"]
    guardrails = {"guardrailIdentifier": deps.guardrail_id, "guardrailVersion": deps.guardrail_version, "trace": "enabled"}
    if stream_mode is not None:
        guardrails["streamProcessingMode"] = stream_mode
    return ChatBedrockConverse(
        model=model_id,
        client=SafeClient(deps.bedrock),  # LangChain calls Converse itself: under the paid-call rule
        bedrock_client=control_client(),
        max_tokens=inference.get("maxTokens"),
        temperature=inference.get("temperature"),
        top_p=inference.get("topP"),
        stop=inference.get("stopSequences"),
        additional_model_request_fields=options.get("additionalModelRequestFields"),
        guardrails=guardrails,
        system=[SYSTEM_PROMPT],
    )


def _guard(text: str, qualifiers: list[str]) -> dict[str, Any]:
    return {"type": "non_standard", "value": {"guardContent": {"text": {"text": text, "qualifiers": qualifiers}}}}


def _messages(question: str, passages: list[Any], history: list[dict[str, str]], grounded: bool) -> list[Any]:
    """`grounded`: ask for the grounding check (passages as its source, the question as its query too)."""
    from langchain_core.messages import AIMessage, HumanMessage

    numbered = "\n\n".join(f"[{i}] {doc.page_content}" for i, doc in enumerate(passages, start=1))
    messages: list[Any] = [HumanMessage(m["content"]) if m["role"] == "user" else AIMessage(m["content"]) for m in history]
    content: list[str | dict[Any, Any]]
    if grounded:
        content = [_guard(numbered, ["grounding_source"]), _guard(question, ["query", "guard_content"])]
    else:
        content = [{"type": "text", "text": numbered}, _guard(question, ["guard_content"])]
    messages.append(HumanMessage(content=content))
    return messages


def warm() -> None:
    """Import LangChain now (it is otherwise imported by the first query): for SnapStart snapshots."""
    import langchain_aws.chat_models.bedrock_converse
    import langchain_aws.retrievers.bedrock  # noqa: F401
    import langchain_core.runnables  # noqa: F401


def history(store: Callable[[], ConversationStore], caller: Caller, request: RagQuery, config: RuntimeConfig) -> list[dict[str, str]]:
    """The conversation's window when the question names one (404 when it is not the caller's). `store` is called
    only then: a question without a conversation creates no DynamoDB client."""
    if not request.conversation_id:
        return []
    memory = config.memory
    window = store().load_window(caller.sub, request.conversation_id, memory.window_turns, memory.max_context_chars, len(request.question))
    if window is None:
        raise NotFoundError("conversation not found")
    return window.messages


@dataclass(frozen=True)
class Prepared:
    model: ChatModelSpec
    options: dict[str, Any]
    passages: list[Any]
    messages: list[Any] | None  # None: no passage is relevant enough, no model call
    meter: Meter = UNMETERED  # the answer's reservation; Retrieve's query embedding already added
    screened: Screened = NOTHING_SCREENED  # what the guardrail withheld or flagged among the retrieved passages


def prepare(request: RagQuery, deps: RagDeps, history: list[dict[str, str]], *, streaming: bool, caller: Caller | None = None) -> Prepared:
    """Checks, the reservation (rag/metering.py), retrieval and the model's messages: everything before the model call
    (a stream starts after it). The caller abandons the meter if anything after this fails."""
    config = deps.config
    if len(request.question) > config.limits.max_message_chars:
        raise ValidationFailedError(
            "the request is not valid: see details",
            details=[{"field": "question", "message": f"at most {config.limits.max_message_chars} characters"}],
        )
    model = allowed_chat_model(config, request.model_id, include_rag=True)
    # A stream is read for as long as the model writes: its ceiling is the model's own (common/params.py).
    options = converse_options(request.params, model, None if streaming else config.bedrock_timeouts.read_seconds["rag"])
    min_score = config.retrieval.min_score if request.min_score is None else request.min_score
    estimate = before_retrieval(model, options, request.question, history, SYSTEM_PROMPT, config.prices)
    meter = deps.metering.start(caller, estimate) if deps.metering and caller else UNMETERED  # 429 before Retrieve
    with meter.charging():
        with bedrock_errors(model.id):
            passages = relevant(_retriever(deps, request).invoke(request.question), min_score)
        meter.add(embedding_cost(config.prices, request.question))
        screened = screen(passages, deps, meter)
        passages = screened.kept
        if not passages:
            return Prepared(model, options, [], None, meter, screened)
        grounded = checks_grounding(config.guardrail.grounding, request.question)
        meter.extend(passages_cost(model, [p.page_content for p in passages], grounded=grounded, prices=config.prices))
    return Prepared(model, options, passages, _messages(request.question, passages, history, grounded), meter, screened)


def answer(request: RagQuery, deps: RagDeps, history: list[dict[str, str]], caller: Caller | None = None) -> dict[str, Any]:
    """POST /rag/query: the answer's events (rag/answer_stream.py, shared with the stream) collected into one answer."""
    from rag.answer_stream import answer_events

    text: list[str] = []
    citations: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for event in answer_events(request, deps, history, caller=caller):
        if event.kind == "delta":
            text.append(event.data["text"])
        elif event.kind == "citation":
            citations.append(event.data)
        else:
            seen[event.kind] = event.data
    usage = seen["usage"]
    screened = seen.get("withheld") or {}
    return {
        "answer": "".join(text),
        "citations": citations,
        "model_id": seen["start"]["model_id"],
        "usage": {"input_tokens": usage["input_tokens"], "output_tokens": usage["output_tokens"]},
        "guardrail": seen.get("guardrail", NOT_APPLIED.to_dict()),
        "withheld": screened.get("withheld", []),  # passages the guardrail kept from the model (rag/passage_checks.py)
        "flagged": screened.get("flagged", []),  # passages it intervened on that were sent anyway (read_checks FLAG)
    }


def citations(text: str, passages: list[Any], deps: RagDeps) -> list[dict[str, Any]]:
    """The passages `text` names as [n], in the order it first names them."""
    found = Citations(passages, deps)
    return found.named_in(text)


class Citations:
    """Citations as an answer names them, piece by piece: a stream sends each one as soon as it is named."""

    def __init__(self, passages: list[Any], deps: RagDeps) -> None:
        self._passages, self._deps = passages, deps
        self._seen: set[int] = set()
        self._tail = ""  # the end of the text so far: a "[1" waiting for its "2]"

    def named_in(self, piece: str) -> list[dict[str, Any]]:
        window = self._tail + piece
        self._tail = window[-3:]
        cited = []
        for match in _CITATION.finditer(window):
            number = int(match.group(1))
            if 1 <= number <= len(self._passages) and number not in self._seen:
                self._seen.add(number)
                cited.append(self._citation(number))
        return cited

    def _citation(self, number: int) -> dict[str, Any]:
        doc = self._passages[number - 1]
        uri = str((doc.metadata.get("location") or {}).get("s3Location", {}).get("uri", ""))
        source_metadata = doc.metadata.get("source_metadata") or {}
        source: dict[str, Any] = {"uri": uri, "name": unquote(uri.rsplit("/", 1)[-1])}
        page = source_metadata.get("x-amz-bedrock-kb-document-page-number")
        if page is not None:
            source["page"] = int(page)
        citation: dict[str, Any] = {
            "number": number,
            "excerpt": doc.page_content[:EXCERPT_CHARS],
            "source": source,
            "score": float(doc.metadata.get("score", 0.0)),
        }
        url = _presigned(uri, self._deps)
        if url:
            citation["url"] = url
        return citation


def _presigned(uri: str, deps: RagDeps) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or parsed.netloc != deps.documents_bucket:
        return None
    url: str = deps.s3.generate_presigned_url(
        "get_object", Params={"Bucket": parsed.netloc, "Key": parsed.path.lstrip("/")}, ExpiresIn=URL_SECONDS
    )
    return url
