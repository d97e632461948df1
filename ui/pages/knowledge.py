"""Knowledge base: questions answered from the documents, with numbered citations that link to them. Answers
stream (POST /rag/query/stream): the question shows at once, then the words and each citation as they arrive."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import live, session, views, wording
from ui.client import ApiError
from ui.i18n import current, t
from ui.reading import Reading

st.title(t("rag.title"), anchor=False)
st.caption(t("rag.intro"))
catalog = session.models()
names = {"": t("rag.default_model")} | {m["id"]: m["name"] for m in catalog["chat_models"]}
state = st.session_state
state.setdefault("rag_history", [])
state.setdefault("rag_stream", None)  # while an answer streams: {"question", "reading"} (it outlives reruns)
busy = state["rag_stream"] is not None


def ask_stop() -> None:
    """The Stop button's callback: it runs first in the rerun the click starts, which ends the drawing run."""
    state["rag_stop"] = True


if state.pop("rag_clear", False):  # the last question was answered: an empty box for the next (set before it is drawn)
    state["rag_question"] = ""
left, right = st.columns([3, 1])
model_id = right.selectbox(t("rag.model"), list(names), format_func=names.__getitem__, key="rag_model")
results = right.slider(t("rag.passages"), 1, 20, 5, key="rag_results", help=t("rag.passages_help"))
with left.form("ask"):  # not cleared on submit: a refused question stays in the box
    question = st.text_area(t("rag.question"), placeholder=t("rag.placeholder"), key="rag_question")
    asked = st.form_submit_button(t("rag.ask"), type="primary", disabled=busy, icon=":material/search:")

newest = st.container()  # the answer being streamed goes above the earlier ones
for entry in state["rag_history"]:
    with st.container(border=True):
        st.markdown(f"**{t('rag.q')}** {entry['question']}")
        if (entry.get("guardrail") or {}).get("action") == "BLOCKED":  # the guardrail's message, in both languages
            st.markdown(wording.one_language(entry["answer"], current()))
        else:
            st.markdown(views.linked_answer(entry["answer"], entry.get("citations", [])))
        live.show_withheld(entry.get("withheld", []), entry.get("flagged", []))
        live.show_note(wording.guardrail_note(entry.get("guardrail"), current()))
        if entry.get("interrupted"):
            st.caption(f":material/stop_circle: {t('stream.interrupted')}")
        if entry.get("notice"):
            st.info(wording.one_language(entry["notice"], current()))
        live.show_citations(entry.get("citations", []))
        if entry.get("usage"):
            st.caption(wording.usage_line(entry["usage"], current()))


def follow(pending: dict[str, Any]) -> None:
    """The answer being streamed, with its citations as they come and a Stop button, until the stream ends; then
    it joins the session's questions (RAG answers are not stored by the API)."""
    reading: Reading = pending["reading"]
    with newest, st.container(border=True):
        st.markdown(f"**{t('rag.q')}** {pending['question']}")
        answer = live.LiveAnswer(citations=True)
        stop_slot = st.empty()
    stop_slot.button(
        t("stream.stop"), key="rag_stop_button", icon=":material/stop_circle:", on_click=ask_stop, disabled=reading.reply.stopped
    )
    if state.pop("rag_stop", False):
        try:
            reading.stop()
        except ApiError as err:
            session.show_error(err)
    answer.follow(reading)
    stop_slot.empty()
    if not reading.claim():
        st.rerun()  # an earlier run (ended by a click) recorded it first
    state["rag_stream"] = None
    reply = reading.reply
    if reading.failure:
        with newest:
            live.show_failure(reading.failure)
        return
    if reply.error or not reply.done:
        return  # the error is shown under the answer
    state["rag_history"].insert(
        0,
        {
            "question": pending["question"],
            "answer": reply.text,
            "citations": reply.citations,
            "withheld": reply.withheld,
            "flagged": reply.flagged,
            "guardrail": reply.guardrail,
            "interrupted": reply.interrupted,
            "notice": (reply.done.get("notice") or {}).get("message"),
            "usage": reply.usage,
        },
    )
    state["rag_clear"] = True
    st.rerun()


if asked and not question.strip():
    left.warning(t("rag.empty"))
if asked and question.strip() and not busy:
    body = {"question": question.strip(), "number_of_results": results} | ({"model_id": model_id} if model_id else {})
    state["rag_stream"] = {"question": question.strip(), "reading": Reading(session.client(), "rag/query/stream", body)}
if state["rag_stream"]:
    follow(state["rag_stream"])
