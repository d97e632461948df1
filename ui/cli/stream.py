"""`genai chat` and `genai rag` streaming (the default): the words on stdout as they arrive, then the citations;
notes (the guardrail's, RAG passages and chat's attached documents it withheld) and the summary line on stderr, so stdout holds the answer
alone. `--json`: one JSON object per event on stdout, as it arrives. Ctrl-C asks the API to stop the answer (it is
then stored as interrupted).

Exit codes (ui/cli/exits.py): 0 the answer ended with `done`; 5 the guardrail blocked it (its message is the
answer shown); a refusal before the stream or an `error` event: the class of its status or code (1, 3, 6, 7);
4 the stream broke off; 130 stopped with Ctrl-C; 141 stdout closed by its reader (both ask the API to stop).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ui import document_notes, streamed, views
from ui.cli.exits import BROKEN_PIPE, INTERRUPTED, OK, CliError, api_line, exit_for, from_api, guardrail_block
from ui.client import ApiError, Client
from ui.streamed import Reply

MASKED = "가드레일이 민감한 정보를 가렸습니다 / The guardrail masked sensitive data in this turn."


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
        return BROKEN_PIPE
    except ApiError as failure:
        if printed:
            out.write("\n")
        return _failed(from_api(failure), err, as_json)
    if not as_json:
        _finish(reply, printed, out, err, documents=path.startswith("chat"))
    if reply.error:
        code = str(reply.error.get("error", {}).get("code", ""))
        return _failed(CliError(exit_for(0, code), api_line(reply.error), reply.error), err, as_json, shown=not as_json)
    blocked = guardrail_block(reply.guardrail)
    if blocked:
        return _failed(blocked, err, as_json, shown=not as_json)
    return OK


def _failed(failure: CliError, err: TextIO, as_json: bool, *, shown: bool = False) -> int:
    """The failure's line (or JSON with --json) on stderr, unless _finish has already said it; its exit code."""
    if as_json:
        print(json.dumps(failure.as_json(), ensure_ascii=False), file=err, flush=True)
    elif not shown:
        print(failure.line, file=err, flush=True)
    return failure.code


def _finish(reply: Reply, printed: str, out: TextIO, err: TextIO, *, documents: bool) -> None:
    if printed:
        out.write("\n")
    for citation in reply.citations:
        url = citation.get("url")
        out.write(f"{views.citation_label(citation)}{'  ' + url if url else ''}\n")
    out.flush()
    # chat: attached documents the guardrail withheld, flagged or could not check; RAG: passages it kept back
    lines = document_notes.cli_lines(reply.screened) if documents else streamed.withheld_lines(reply.withheld, reply.flagged)
    for line in lines:
        print(line, file=err)
    blocked = guardrail_block(reply.guardrail)
    if blocked:  # its message is the answer on stdout: here one line that says what happened, never a policy id
        print("가드레일이 차단했습니다 / Blocked by the guardrail.", file=err)
    elif reply.guardrail and reply.guardrail.get("intervened"):
        print(MASKED, file=err)
    if reply.error:
        print(api_line(reply.error), file=err)
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
    return INTERRUPTED
