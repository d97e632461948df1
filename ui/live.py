"""A streamed answer on a page as it arrives: the thinking indicator until the first words, the words, the
citations (RAG's passages, chat's cited documents) and the guardrail's notes. The pages own the conversation; this
module only draws one answer."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from ui import document_notes, session, streamed, views, wording
from ui.client import ApiError
from ui.i18n import current, t
from ui.reading import Reading
from ui.streamed import Reply

FRAME_SECONDS = 0.05  # at most 20 redraws a second, however small the deltas
BLOCKED_MARKER = "[blocked by the guardrail]"  # what the API stores for a blocked input (docs/api.md#guardrail)


def show_citations(citations: list[dict[str, Any]]) -> None:
    for citation in citations:
        with st.expander(wording.citation_label(citation, current()), icon=":material/description:"):
            st.text(citation.get("excerpt", ""))  # as written: passages are not Markdown
            if citation.get("url"):
                st.link_button(t("rag.open"), citation["url"], icon=":material/open_in_new:")
            if citation.get("score") is not None:  # RAG's retrieval score (a chat citation has none)
                st.caption(t("rag.score", score=citation["score"]))


def shown_content(message: dict[str, Any]) -> str:
    """A stored message as shown: the text as stored, the API's markers and blocked messages in the chosen language."""
    content = str(message.get("content") or "")
    if message.get("role") == "user":
        return t("chat.blocked_marker") if message.get("blocked") and content == BLOCKED_MARKER else content
    if message.get("blocked") or content.startswith("["):  # the guardrail's message, or a marker "[… / …]"
        return wording.one_language(content, current())
    return content


def show_withheld(withheld: list[dict[str, Any]], flagged: list[dict[str, Any]]) -> None:
    """RAG: "검토 결과 제외된 문서 n건 / n passages withheld", naming the documents."""
    for headline, documents in wording.withheld_notes(withheld, flagged, current()):
        st.warning(f"{headline}: {documents}", icon=":material/shield:")


def show_documents(data: dict[str, Any] | None) -> None:
    """Chat: each attached document the guardrail withheld or flagged (a warning naming it and what was found), or
    could not check (a softer note), under the user's turn."""
    for kind, text in document_notes.notes(data, current()):
        if kind == "unchecked":
            st.caption(f":material/info: {text}")
        else:
            st.warning(text, icon=":material/shield:")


def show_note(note: tuple[str, str] | None) -> None:
    if note:
        (st.error if note[0] == "error" else st.warning)(note[1])


def show_failure(err: ApiError) -> None:
    """An API error in the chosen language (a 401 signs the user out, as elsewhere)."""
    session.show_error(err)


class LiveAnswer:
    """Placeholders made in the current container (a chat bubble, a bordered box), filled by `follow`."""

    def __init__(self, *, citations: bool = False, documents: Any = None) -> None:
        """`documents`: chat's placeholder under the user's turn for its attached documents' read checks (RAG: None,
        its withheld passages are noted with the answer)."""
        self._frozen_slot = st.empty()  # paragraphs of a long answer that no longer change
        self._frozen: Any = None
        self._tail = st.empty()  # the text still being written
        self._notes = st.empty()
        self._cites = st.empty() if citations else None
        self._linked = citations
        self._documents = documents
        self._settled = 0
        self._drawn: tuple[Any, ...] = ()
        self._cited = -1

    def follow(self, reading: Reading) -> None:
        """Draw the answer each time something arrives, until the stream has ended."""
        seen, last = -1, 0.0
        while True:
            current = reading.wait(seen, 0.5)
            if current == seen:
                continue
            pause = FRAME_SECONDS - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
            seen = reading.wait(current, 0)  # with what came during the pause
            finished = reading.finished
            self.draw(reading.reply, finished)
            last = time.monotonic()
            if finished:
                return

    def draw(self, reply: Reply, finished: bool) -> None:
        text = reply.text
        if reply.blocked and self._settled:  # the guardrail's message replaces everything shown
            self._frozen_slot.empty()
            self._frozen, self._settled = None, 0
        if not text:
            if finished:
                self._tail.empty()
            else:
                self._tail.markdown(f":gray[:material/hourglass_top: {t('stream.thinking')}]")
        else:
            cut = streamed.settled_split(text, self._settled)
            if cut > self._settled:
                if self._frozen is None:
                    self._frozen = self._frozen_slot.container()
                self._frozen.markdown(self._text(text[self._settled : cut], reply))
                self._settled = cut
            self._tail.markdown(self._text(text[self._settled :], reply))
        self._draw_notes(reply, finished)
        if self._cites is not None and len(reply.citations) != self._cited:
            self._cited = len(reply.citations)
            with self._cites.container():
                show_citations(reply.citations)

    def _text(self, text: str, reply: Reply) -> str:
        if reply.blocked:  # the guardrail's message, configured in both languages
            return wording.one_language(text, current())
        return views.linked_answer(text, reply.citations) if self._linked else text

    def _draw_notes(self, reply: Reply, finished: bool) -> None:
        screened = len(reply.withheld) + len(reply.flagged) + len(reply.unchecked)
        state = (finished, reply.stopped, bool(reply.guardrail), bool(reply.error), bool(reply.done), screened)
        if state == self._drawn:
            return
        self._drawn = state
        if self._documents is not None and screened:
            with self._documents.container():
                show_documents(reply.screened)
        with self._notes.container():
            if self._documents is None:
                show_withheld(reply.withheld, reply.flagged)
            show_note(wording.guardrail_note(reply.guardrail, current()))
            if reply.stopped and not finished:
                st.caption(f":material/stop_circle: {t('stream.stopping')}")
            if reply.error:
                st.error(wording.error_text(reply.error, None, current()))
