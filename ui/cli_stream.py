"""`genai chat` and `genai rag` streaming (the default): the words on stdout as they arrive, then the citations;
notes and the summary line on stderr, so stdout holds the answer alone. `--json`: one JSON object per event on
stdout, as it arrives. Ctrl-C asks the API to stop the answer (it is then stored as interrupted).

Exit codes: 0 the answer ended with `done`; 1 the API refused the request, sent an `error` event, or the stream
broke off; 130 stopped with Ctrl-C; 141 stdout closed by its reader (both ask the API to stop the answer).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ui import streamed, views
from ui.client import ApiError, Client
from ui.streamed import Reply

INTERRUPTED_EXIT = 130  # 128 + SIGINT, as a shell reports Ctrl-C
BROKEN_PIPE_EXIT = 141  # 128 + SIGPIPE


def stream_answer(client: Client, path: str, body: dict[str, Any], out: TextIO, err: TextIO, *, as_json: bool = False) -> int:
    reply = Reply()
    printed = ""  # what stdout shows of the answer
    try:
        with client.stream(path, body) as events:
            for event in events:
                reply.apply(event)
                if as_json:
                    out.write(json.dumps({"event": event.kind, "data": event.data}, ensure_ascii=False) + "\n")
                    out.flush()
                elif event.kind == "delta":
                    out.write(event.data["text"])
                    out.flush()
                    printed += event.data["text"]
                elif event.kind == "guardrail" and reply.blocked and printed != reply.text:
                    if printed:
                        out.write("\n")
                        print("[가드레일이 위 답변을 거두었습니다 / the guardrail withdrew the answer above]", file=err)
                    out.write(reply.text)
                    out.flush()
                    printed = reply.text
    except KeyboardInterrupt:
        return _stopped(client, reply, out, err)
    except BrokenPipeError:  # the reader went away (`genai chat … | head`): stop paying for the rest
        _stop(client, reply, err)
        return BROKEN_PIPE_EXIT
    except ApiError as failure:
        if printed:
            out.write("\n")
        text = json.dumps(failure.body, ensure_ascii=False) if as_json else streamed.error_text(failure.body, failure.status or None)
        print(text, file=err)
        return 1
    if not as_json:
        _finish(reply, printed, out, err)
    return 1 if reply.error else 0


def _finish(reply: Reply, printed: str, out: TextIO, err: TextIO) -> None:
    if printed:
        out.write("\n")
    for citation in reply.citations:
        url = citation.get("url")
        out.write(f"{views.citation_label(citation)}{'  ' + url if url else ''}\n")
    out.flush()
    note = views.guardrail_note(reply.guardrail)
    if note:
        print(note[1], file=err)
    if reply.error:
        print(streamed.error_text(reply.error), file=err)
        return
    print(_summary(reply), file=err)


def _summary(reply: Reply) -> str:
    done = reply.done or {}
    parts = [f"conversation {reply.conversation_id}"] if reply.conversation_id else []
    parts += [line for line in (streamed.usage_line(reply.usage),) if line]
    parts.append(f"stored {done.get('stored')}")
    notice = done.get("notice")
    if isinstance(notice, dict):
        parts.append(f"notice {notice.get('code')}: {notice.get('message')}")
    return " · ".join(parts)


def _stop(client: Client, reply: Reply, err: TextIO) -> None:
    if reply.stream_id:
        try:
            client.stop(reply.stream_id)
        except (ApiError, OSError) as failure:
            print(f"중지 요청 실패 / could not ask the API to stop: {failure}", file=err)


def _stopped(client: Client, reply: Reply, out: TextIO, err: TextIO) -> int:
    out.write("\n")
    out.flush()
    _stop(client, reply, err)
    print(streamed.INTERRUPTED, file=err)
    if reply.conversation_id:
        print(f"conversation {reply.conversation_id}", file=err)
    return INTERRUPTED_EXIT
