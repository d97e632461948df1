"""RAG passages the guardrail withheld, as the clients show them: the stream's `withheld` event into the Reply, the
page's note "검토 결과 제외된 문서 n건 / n passages withheld" in each language, and the CLI's bilingual line."""

from __future__ import annotations

import io

from ui import streamed, wording
from ui.cli.stream import stream_answer
from ui.client import ServerEvent

PLANTED = {"document": "travel-policy-ko.md", "uri": "s3://b/documents/travel-policy-ko.md", "reason": "PROMPT_ATTACK"}
OTHER = {"document": "notes.md", "uri": "s3://b/documents/notes.md", "reason": "DENIED_TOPICS"}


def test_given_a_withheld_event_then_the_reply_holds_the_withheld_and_flagged_passages():
    reply = streamed.Reply()
    reply.apply(ServerEvent("start", {"stream_id": "s", "conversation_id": None, "model_id": "m"}))
    reply.apply(ServerEvent("withheld", {"withheld": [PLANTED, OTHER], "flagged": []}))
    reply.apply(ServerEvent("delta", {"text": "답"}))
    assert (reply.withheld, reply.flagged, reply.text) == ([PLANTED, OTHER], [], "답")


def test_given_withheld_passages_then_the_page_says_how_many_in_korean_and_english_and_names_them():
    ((ko_head, ko_docs),) = wording.withheld_notes([PLANTED, OTHER], [], "ko")
    ((en_head, en_docs),) = wording.withheld_notes([PLANTED, OTHER], [], "en")
    assert (ko_head, en_head) == ("검토 결과 제외된 문서 2건", "2 passages withheld")
    assert ko_docs.endswith("travel-policy-ko.md, notes.md")
    assert en_docs.endswith("travel-policy-ko.md, notes.md")
    assert wording.withheld_notes([], [], "ko") == []
    assert [head for head, _ in wording.withheld_notes([], [OTHER], "en")] == ["1 passages flagged"]


def test_given_withheld_passages_then_the_cli_line_is_bilingual():
    assert streamed.withheld_lines([PLANTED], []) == ["검토 결과 제외된 문서 1건 / 1 passages withheld: travel-policy-ko.md"]
    assert streamed.withheld_lines([], []) == []


class _Stream:
    def __init__(self, events: list[ServerEvent]) -> None:
        self._events = events

    def __iter__(self):
        return iter(self._events)

    def __enter__(self) -> _Stream:
        return self

    def __exit__(self, *_: object) -> None:
        return None


class _Client:
    """The API client's streaming side, answering one RAG stream whose planted passage was withheld."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict]] = []

    def stream(self, path: str, body: dict) -> _Stream:
        self.asked.append((path, body))
        return _Stream(
            [
                ServerEvent("start", {"stream_id": "s", "conversation_id": None, "model_id": "m"}),
                ServerEvent("withheld", {"withheld": [PLANTED], "flagged": []}),
                ServerEvent("delta", {"text": "업로드된 문서에서 이 질문에 대한 답을 찾지 못했습니다."}),
                ServerEvent("usage", {"input_tokens": 0, "output_tokens": 0, "stop_reason": "end_turn", "latency_ms": 0}),
                ServerEvent("done", {"stored": "not_stored"}),
            ]
        )


def test_given_a_withheld_passage_then_genai_rag_says_so_on_stderr_and_stdout_holds_the_answer_alone():
    out, err = io.StringIO(), io.StringIO()
    assert stream_answer(_Client(), "rag/query/stream", {"question": "q"}, out, err) == 0  # type: ignore[arg-type]
    assert out.getvalue() == "업로드된 문서에서 이 질문에 대한 답을 찾지 못했습니다.\n"
    assert "검토 결과 제외된 문서 1건 / 1 passages withheld: travel-policy-ko.md" in err.getvalue()
