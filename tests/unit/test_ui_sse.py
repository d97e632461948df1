"""The clients' server-sent events reader (ui/sse.py, ui/event_stream.py EventStream) and what they show of a streamed
answer (ui/streamed.py): no network, the bytes as an HTTP response could deliver them."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest

from ui import streamed, wording
from ui.event_stream import EventStream, ServerEvent, StreamBrokenError
from ui.sse import RawEvent, SseParser, read_events

ANSWER = (
    b'event: start\ndata: {"stream_id":"s1234567890abcdef","conversation_id":"c1","model_id":"m"}\n\n'
    b": ping\n\n"
    b'event: delta\ndata: {"text":"\xec\x84\x9c\xec\x9a\xb8\xec\x97\x90\xec\x84\x9c\xeb\x8a\x94"}\n\n'  # 서울에서는
    b'event: delta\ndata: {"text":" \xea\xb2\xbd\xeb\xb3\xb5\xea\xb6\x81"}\n\n'  #  경복궁
    b'event: usage\ndata: {"input_tokens":3,"output_tokens":2,"stop_reason":"end_turn","latency_ms":812}\n\n'
    b'event: done\ndata: {"stored":"complete"}\n\n'
)


class Chunks:
    """An HTTP response's body as it arrives: `read1` hands out one chunk a call, b"" at the end."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = list(chunks)
        self.reads = 0
        self.closed = False

    def read1(self, size: int = -1) -> bytes:
        assert size > 0  # never "whatever is left": that would wait for the whole body
        self.reads += 1
        return self.chunks.pop(0) if self.chunks else b""

    def close(self) -> None:
        self.closed = True


def split_every(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_given_an_answer_split_anywhere_then_the_same_events_come_even_through_a_korean_character():
    whole = list(read_events(Chunks([ANSWER])))
    assert [e.kind for e in whole] == ["start", "delta", "delta", "usage", "done"]
    for size in (1, 2, 3, 7, 64):  # 1 and 2 split the three-byte Hangul syllables
        assert list(read_events(Chunks(split_every(ANSWER, size)))) == whole
    assert json.loads(whole[1].data) == {"text": "서울에서는"}


def test_given_events_then_each_is_handed_out_as_soon_as_its_blank_line_arrives():
    parser = SseParser()
    assert parser.feed(b'event: delta\ndata: {"text":"a"}\n') == []
    assert parser.feed(b"\n") == [RawEvent("delta", '{"text":"a"}')]
    assert parser.feed(b"event: done\r\ndata: {}\r") == []  # a CR last: its LF may follow
    assert parser.feed(b"\n\r\n") == [RawEvent("done", "{}")]


def test_given_comments_crlf_and_multi_line_data_then_they_are_read_as_the_sse_standard_says():
    parser = SseParser()
    events = parser.feed(b": ping\r\n\r\n:another\rdata:first\rdata: second\r\rid: 7\nretry: 10\nunknown: x\ndata\n\n")
    assert events == [RawEvent("message", "first\nsecond"), RawEvent("message", "")]
    assert parser.comments == 2
    assert parser.feed(b"event: lonely\n\n") == []  # no data: not dispatched


def test_given_a_stream_cut_mid_event_then_the_half_event_is_dropped():
    parser = SseParser()
    assert parser.feed(b'event: delta\ndata: {"text":"a"}\n\nevent: delta\ndata: {"te') == [RawEvent("delta", '{"text":"a"}')]
    assert parser.close() == []


def test_given_a_whole_answer_then_the_event_stream_ends_at_done_and_counts_the_pings():
    response = Chunks(split_every(ANSWER, 5))
    with EventStream(response) as stream:
        events = list(stream)
    assert [e.kind for e in events] == ["start", "delta", "delta", "usage", "done"]
    assert (stream.finished, stream.pings, response.closed) == (True, 1, True)


@pytest.mark.parametrize(
    "body",
    [ANSWER[: ANSWER.index(b"event: usage")], b"", ANSWER.replace(b'{"stored":"complete"}', b"{broken")],
    ids=["no done", "empty", "not json"],
)
def test_given_a_stream_without_done_or_error_then_it_is_a_transport_failure_in_both_languages(body):
    with pytest.raises(StreamBrokenError) as raised, EventStream(Chunks([body])) as stream:
        list(stream)
    error = raised.value.body["error"]
    assert error["code"] == "stream_broken"
    assert "스트림이 끊겼습니다" in error["message"]
    assert "broke off before the answer was complete" in error["message"]
    shown = wording.error_text(raised.value.body, None, "ko")  # what the page shows of it
    assert shown.startswith("답변이 끝나기 전에 연결이 끊겼습니다. 연결을 확인하고 다시 시도하세요.")


def test_given_an_error_event_then_the_stream_ends_there_and_the_reply_holds_the_api_error():
    body = (
        b'event: start\ndata: {"stream_id":"s","conversation_id":"c","model_id":"m"}\n\nevent: delta\ndata: {"text":"Hi"}\n\n'
        b'event: error\ndata: {"error":{"code":"upstream_unavailable","message":"Bedrock failed; retry"},"request_id":"r-1"}\n\n'
        b'event: delta\ndata: {"text":"never read"}\n\n'
    )
    reply = streamed.Reply()
    for event in EventStream(Chunks([body])):
        reply.apply(event)
    assert (reply.text, reply.done) == ("Hi", None)
    text = wording.error_text(reply.error, None, "en")
    assert text.startswith("The model or the storage is not available right now: try again.")
    assert "Bedrock failed; retry" in text
    assert "`upstream_unavailable` · request id `r-1`" in text


def test_given_a_guardrail_block_then_the_reply_shows_only_its_message_and_no_citations():
    reply = streamed.Reply()
    reply.apply(ServerEvent("delta", {"text": "A raw answer [1]"}))
    reply.apply(ServerEvent("citation", {"number": 1, "source": {"name": "a.md"}}))
    reply.apply(ServerEvent("guardrail", {"intervened": True, "action": "BLOCKED", "policies": ["word"], "message": "차단되었습니다"}))
    reply.apply(ServerEvent("done", {"stored": "blocked"}))
    assert (reply.text, reply.citations, reply.blocked, reply.interrupted) == ("차단되었습니다", [], True, False)
    reply.apply(ServerEvent("done", {"stored": "interrupted"}))
    assert reply.interrupted


def test_given_a_long_answer_then_finished_paragraphs_outside_code_settle_and_short_ones_do_not():
    short = "first paragraph\n\nsecond"
    assert streamed.settled_split(short, 0) == 0
    long = "a" * 3000 + "\n\n" + "b" * 1500 + "\n\n" + "c" * 10
    assert streamed.settled_split(long, 0) == long.rindex("\n\n") + 2
    fenced = "```\n" + "a" * 3000 + "\n\n" + "b" * 1500
    assert streamed.settled_split(fenced, 0) == 0  # inside a code block: wait for it to close
    assert streamed.usage_line({"input_tokens": 21, "output_tokens": 18, "stop_reason": "end_turn", "latency_ms": 812}) == (
        "21 → 18 tokens · end_turn · 0.8 s"
    )
