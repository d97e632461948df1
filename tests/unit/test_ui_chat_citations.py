"""Chat citations (cited passages of attached documents) as `genai chat` prints them: the answer on stdout, then one line
per citation naming the file and where in it, as `genai rag` prints its sources."""

from __future__ import annotations

import io
from contextlib import nullcontext

from ui.cli.stream import stream_answer
from ui.client import ServerEvent

CITED_TXT = {
    "number": 1,
    "excerpt": "Lunch is at noon.",
    "source": {"name": "plan.txt", "key": "attachments/u/x/plan.txt", "page": None},
    "location": {"type": "char", "start": 83, "end": 100},
}
CITED_PDF = {
    "number": 2,
    "excerpt": "The budget for Q3 is 40 million won.",
    "source": {"name": "예산.pdf", "key": "attachments/u/y/예산.pdf", "page": 1},
    "location": {"type": "page", "start": 1, "end": 2},
}


class _Client:
    """The API client's streaming side, answering one chat turn whose reply cites two attached documents."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict]] = []

    def stream(self, path: str, body: dict):
        self.asked.append((path, body))
        events = [
            ServerEvent("start", {"stream_id": "s", "conversation_id": "c" * 24, "model_id": "m"}),
            ServerEvent("delta", {"text": "Lunch is at noon; the budget is 40 million won."}),
            ServerEvent("citation", CITED_TXT),
            ServerEvent("citation", CITED_PDF),
            ServerEvent("usage", {"input_tokens": 9, "output_tokens": 9, "stop_reason": "end_turn", "latency_ms": 5}),
            ServerEvent("done", {"stored": "complete"}),
        ]
        return nullcontext(events)


def test_given_a_chat_stream_with_citations_then_genai_chat_prints_the_answer_then_each_cited_file_and_where():
    out, err, client = io.StringIO(), io.StringIO(), _Client()
    assert stream_answer(client, "chat/stream", {"message": "q"}, out, err) == 0  # type: ignore[arg-type]
    assert client.asked == [("chat/stream", {"message": "q"})]
    assert out.getvalue().splitlines() == [
        "Lunch is at noon; the budget is 40 million won.",
        "[1] plan.txt, characters 84–100",
        "[2] 예산.pdf, p. 1",
    ]
