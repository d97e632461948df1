"""Chat: conversations kept by the API, a model picker, sliders over each model's allowed ranges, and its
thinking switch and effort levels where it has them. Answers stream (POST /chat/stream): the message shows at
once, a thinking indicator until the first words, then the words as the model writes them, with a Stop button."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import streamlit as st

from ui import attachments, conversation_list, document_notes, live, session, uploader_words, usage_now, usage_tables, views, wording
from ui.client import ApiError
from ui.i18n import current, t
from ui.reading import Reading

st.title(t("chat.title"), anchor=False)
catalog = session.models()
models = {m["id"]: m for m in catalog["chat_models"]}
state = st.session_state
lang = current()  # bound here: Streamlit may call a format_func outside this run
state.setdefault("chat_id", None)
state.setdefault("chat_messages", [])
state.setdefault("chat_stream", None)  # while an answer streams: {"prompt", "reading"} (it outlives reruns)
state.setdefault("chat_files_round", 0)  # a new key empties the file picker after a send
busy = state["chat_stream"] is not None


def load_messages(conversation_id: str) -> Any:
    """The conversation as the API stored it (masked text masked, blocked input as its marker), every page."""
    path = f"conversations/{conversation_id}?limit=200"
    found = session.call("GET", path)
    if found:
        messages, page = list(found["messages"]), found
        while page and page.get("next_token"):
            page = session.call("GET", f"{path}&next_token={quote(page['next_token'], safe='')}")
            messages += page["messages"] if page else []
        flags = ("interrupted", "blocked")
        state["chat_messages"] = [
            {"role": m["role"], "content": m["content"], **{k: m.get(k, []) for k in ("attachments", "citations")}}
            | {f: bool(m.get(f)) for f in flags}
            for m in messages
        ]
    return found


def open_conversation(conversation_id: str | None) -> None:
    state["chat_id"], state["chat_messages"] = conversation_id, []
    state.pop("chat_failed", None)
    if conversation_id:
        found = load_messages(conversation_id)
        if found and found["conversation"].get("model_id") in models:
            state["chat_model"] = found["conversation"]["model_id"]


def show_files(files: list[dict[str, Any]] | None) -> None:
    """File chips under a message: an image or a document icon and the name, marked when the guardrail's read check
    withheld the document (not sent), flagged it or could not check it (`read_check`, as stored)."""
    if files:
        chips = [document_notes.chip(f, lang) for f in files]
        st.caption(t("chat.attached") + " " + " · ".join(chips))


def ask_stop() -> None:
    """The Stop button's callback: it runs first in the rerun the click starts, which ends the drawing run."""
    state["chat_stop"] = True


with st.sidebar:
    st.subheader(t("chat.conversations"), anchor=False)
    if st.button(t("chat.new"), icon=":material/add:", width="stretch", disabled=busy):
        open_conversation(None)
    conversation_list.sidebar(state["chat_id"], busy, open_conversation)

names = {m["id"]: m["name"] for m in catalog["chat_models"]}
if state.get("chat_pick") in names:  # the Custom models page opened the chat with its registered model
    state["chat_model"] = state.pop("chat_pick")
state.setdefault("chat_model", catalog["default_chat_model"])
model_id = st.selectbox(t("chat.model"), list(names), format_func=names.__getitem__, key="chat_model")
model = models[model_id]
with st.expander(t("chat.parameters"), icon=":material/tune:"):
    switch, thinking = views.thinking_switch(model), False
    if switch == "toggle":
        thinking = st.toggle(t("chat.thinking"), key=f"chat_thinking_{model_id}", help=t("chat.thinking_help"))
    elif switch == "always":
        thinking = True
        st.caption(t("chat.always_thinks", model=model["name"]))
    efforts = views.effort_options(model, thinking)
    effort = None
    if efforts:
        effort_key = f"chat_effort_{model_id}_{thinking}"
        effort = st.selectbox(
            t("chat.effort"), efforts, format_func=lambda level: t(f"effort.{level}", lang), help=t("chat.effort_help"), key=effort_key
        )
    available = [s for s in views.sliders(model, streaming=True) if not thinking or s.name == "max_tokens"]  # no sampling while it thinks
    tune = "temperature"
    if not model.get("temperature_with_top_p", True) and {"temperature", "top_p"} <= {s.name for s in available}:
        tunes = ["temperature", "top_p"]
        tune = st.radio(t("chat.tune"), tunes, format_func=lambda name: t(f"param.{name}", lang), horizontal=True, key="chat_tune")
    values: dict[str, Any] = {}
    for slider in available:
        if slider.name in ("temperature", "top_p") and not model.get("temperature_with_top_p", True) and slider.name != tune:
            continue
        key = f"chat_{slider.name}_{model_id}"
        label, help_text = t(f"param.{slider.name}"), t(f"param.{slider.name}.help")
        values[slider.name] = st.slider(label, slider.low, slider.high, slider.default, slider.step, key=key, help=help_text)
    stops_text = st.text_area(t("chat.stops", limit=model["max_stop_sequences"]), key="chat_stops", help=t("chat.stops_help"))
    system_prompt = st.text_area(t("chat.system"), key="chat_system", help=t("chat.system_help"))

for message in state["chat_messages"]:
    with st.chat_message(message["role"]):
        st.markdown(live.shown_content(message))
        show_files(message.get("attachments"))
        live.show_documents(message.get("documents"))  # this turn's documents the guardrail withheld, flagged, left unchecked
        live.show_citations(message.get("citations") or [])  # passages of attached documents the answer cites
        live.show_note(wording.guardrail_note(message.get("guardrail"), current()))
        if message.get("interrupted"):
            st.caption(f":material/stop_circle: {t('stream.interrupted')}")
        if message.get("notice"):
            st.info(wording.one_language(message["notice"], current()))
        if message.get("usage"):
            st.caption(wording.usage_line(message["usage"], current()))
failed = state.get("chat_failed")
if failed:  # a turn the API refused or that failed part-way: nothing was stored, the message is back in the box
    with st.chat_message("user"):
        st.markdown(failed["prompt"])
    with st.chat_message("assistant"):
        if failed["text"]:
            st.markdown(failed["text"])
        st.error(wording.error_text(failed["body"], failed["status"], current()))
        st.caption(t("chat.refilled"))


def follow(pending: dict[str, Any]) -> None:
    """The turn being streamed: the message, the answer so far and a Stop button, until the stream ends; then the
    turn joins the conversation (an interrupted one as the API stored it, with its flag)."""
    reading: Reading = pending["reading"]
    with st.chat_message("user"):
        st.markdown(pending["prompt"])
        show_files(pending.get("files"))
        documents = st.empty()  # the read checks' notes, once the `withheld` event says which documents
    with st.chat_message("assistant"):
        answer = live.LiveAnswer(citations=True, documents=documents)
    stop_slot = st.empty()
    stop_slot.button(
        t("stream.stop"), key="chat_stop_button", icon=":material/stop_circle:", on_click=ask_stop, disabled=reading.reply.stopped
    )
    if state.pop("chat_stop", False):
        try:
            if not reading.stop():
                st.caption(t("stream.nothing_to_stop"))
        except ApiError as err:
            session.show_error(err)
    answer.follow(reading)
    stop_slot.empty()
    if not reading.claim():
        st.rerun()  # an earlier run (ended by a click) recorded it first
    state["chat_stream"] = None
    usage_now.forget()  # the budget line beside the box shows what this turn left
    reply = reading.reply
    if reading.failure and reading.failure.status == 401:
        live.show_failure(reading.failure)  # signs the user out
        return
    if reading.failure or reply.error or not reply.done:  # nothing was stored: keep what the user typed
        failure = reading.failure
        status, body = (failure.status, failure.body) if failure else (None, reply.error)
        state["chat_failed"] = {"prompt": pending["prompt"], "text": reply.text if reply.error else "", "status": status, "body": body}
        state["chat_refill"] = pending["prompt"]
        st.rerun()
    state["chat_id"] = reply.conversation_id or state["chat_id"]
    notice = (reply.done.get("notice") or {}).get("message")
    finished = {"guardrail": reply.guardrail, "notice": notice, "usage": reply.usage, "citations": reply.citations}
    screened = reply.screened if any(reply.screened.values()) else None
    if (reply.interrupted or reply.guardrail) and reply.conversation_id:
        # as stored: the message masked as the guardrail masked it, a blocked one as its marker, `interrupted` flagged
        load_messages(reply.conversation_id)
        if state["chat_messages"] and state["chat_messages"][-1]["role"] == "assistant":
            state["chat_messages"][-1] |= {k: v for k, v in finished.items() if v}
            if screened and len(state["chat_messages"]) > 1:
                state["chat_messages"][-2]["documents"] = screened  # the user's turn, its files as stored
    else:
        files = document_notes.marked(pending.get("files", []), reply.screened)  # chips as a stored message has them
        asked = {"role": "user", "content": pending["prompt"], "attachments": files, "documents": screened}
        state["chat_messages"] += [asked, {"role": "assistant", "content": reply.text, **finished}]
    st.rerun()


if "chat_refill" in state:  # before the box is drawn: Streamlit sets a widget's value only then
    state["chat_input"] = state.pop("chat_refill")
with st.bottom:  # pinned under the conversation with the box: the budget left, in the budgets' zone
    budget = usage_tables.budget_line(usage_now.report(), lang)
    if budget:
        st.caption(budget)
    accepted = attachments.accepted(model)  # GET /models `files`: what this model reads
    picked = []
    if accepted:
        picked = uploader_words.file_uploader(
            t("chat.attach"),
            type=accepted,
            accept_multiple_files=True,
            key=f"chat_files_{state['chat_files_round']}",
            max_upload_size=attachments.PICKER_MAX_MB,
            help=t("chat.attach_help"),
            disabled=busy,
        )
        pictures = [f for f in picked if attachments.is_image(f.name)]
        if pictures:  # thumbnails of the images about to go with the message
            for column, picture in zip(st.columns(max(len(pictures), 6)), pictures, strict=False):
                column.image(picture.getvalue(), caption=picture.name, width=72)
    prompt = st.chat_input(t("chat.input"), disabled=busy, key="chat_input")
if prompt and not busy:
    state.pop("chat_failed", None)
    try:
        stops = views.stop_sequences(stops_text, int(model["max_stop_sequences"]))
    except ValueError:  # refused here as the API would refuse it (field params.stop_sequences)
        problem = {"field": "params.stop_sequences", "message": f"at most {model['max_stop_sequences']} for {model['name']}"}
        refused = {"error": {"code": "validation_error", "details": [problem]}}
        state["chat_failed"] = {"prompt": prompt, "text": "", "status": None, "body": refused}
        state["chat_refill"] = prompt
        st.rerun()
    params = views.inference_params(values, model, tune=tune, stops=stops, effort=effort, thinking=thinking)
    body: dict[str, Any] = {"message": prompt, "model_id": model_id, "params": params}
    if state["chat_id"]:
        body["conversation_id"] = state["chat_id"]
    if system_prompt.strip():
        body["system_prompt"] = system_prompt
    files: list[dict[str, str]] = []
    if picked:
        try:  # each file to S3 first (presigned POST); the API refuses a wrong type, size or content by name
            body["attachments"] = files = attachments.upload_all(session.client(), [(f.name, f.getvalue()) for f in picked])
        except ApiError as err:
            state["chat_failed"] = {"prompt": prompt, "text": "", "status": err.status, "body": err.body}
            state["chat_refill"] = prompt
            st.rerun()
        state["chat_files_round"] += 1  # sent: the picker starts empty next time
    state["chat_stream"] = {"prompt": prompt, "files": files, "reading": Reading(session.client(), "chat/stream", body)}
if state["chat_stream"]:
    follow(state["chat_stream"])
