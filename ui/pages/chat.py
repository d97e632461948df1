"""Chat: conversations kept by the API, a model picker, sliders over each model's allowed ranges, and its
thinking switch and effort levels where it has them. Answers stream (POST /chat/stream): the message shows at
once, a thinking indicator until the first words, then the words as the model writes them, with a Stop button."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import live, session, streamed, views
from ui.client import ApiError
from ui.reading import Reading

st.title("Chat")
catalog = session.models()
models = {m["id"]: m for m in catalog["chat_models"]}
state = st.session_state
state.setdefault("chat_id", None)
state.setdefault("chat_messages", [])
state.setdefault("chat_stream", None)  # while an answer streams: {"prompt", "reading"} (it outlives reruns)
busy = state["chat_stream"] is not None


def load_messages(conversation_id: str) -> Any:
    found = session.call("GET", f"conversations/{conversation_id}?limit=200")
    if found:
        state["chat_messages"] = [
            {"role": m["role"], "content": m["content"], "note": None, "interrupted": bool(m.get("interrupted"))}
            for m in found["messages"]
        ]  # fmt: skip
    return found


def open_conversation(conversation_id: str | None) -> None:
    state["chat_id"], state["chat_messages"] = conversation_id, []
    if conversation_id:
        found = load_messages(conversation_id)
        if found and found["conversation"].get("model_id") in models:
            state["chat_model"] = found["conversation"]["model_id"]


def ask_stop() -> None:
    """The Stop button's callback: it runs first in the rerun the click starts, which ends the drawing run."""
    state["chat_stop"] = True


with st.sidebar:
    st.subheader("Conversations")
    if st.button("New conversation", icon=":material/add:", width="stretch", disabled=busy):
        open_conversation(None)
    listed = session.call("GET", "conversations?limit=30") or {}
    for item in listed.get("conversations", []):
        cid = item["conversation_id"]
        left, right = st.columns([5, 1])
        label = ("▶ " if cid == state["chat_id"] else "") + (item.get("title") or cid)
        if left.button(label, key=f"open-{cid}", width="stretch", disabled=busy):
            open_conversation(cid)
        deleting = right.button("", key=f"delete-{cid}", icon=":material/delete:", help="Delete this conversation", disabled=busy)
        if deleting and session.call("DELETE", f"conversations/{cid}") is not None:
            if cid == state["chat_id"]:
                open_conversation(None)
            st.rerun()

names = {m["id"]: m["name"] for m in catalog["chat_models"]}
state.setdefault("chat_model", catalog["default_chat_model"])
model_id = st.selectbox("Model", list(names), format_func=names.__getitem__, key="chat_model")
model = models[model_id]
with st.expander("Parameters"):
    switch, thinking = views.thinking_switch(model), False
    if switch == "toggle":
        thinking = st.toggle("Think before answering (adaptive thinking)", key=f"chat_thinking_{model_id}")
    elif switch == "always":
        thinking = True
        st.caption(f"{model['name']} always thinks before it answers; the effort sets how much.")
    efforts = views.effort_options(model, thinking)
    effort = st.selectbox("Effort", efforts, key=f"chat_effort_{model_id}_{thinking}") if efforts else None
    available = [s for s in views.sliders(model, streaming=True) if not thinking or s.name == "max_tokens"]  # no sampling while it thinks
    tune = "temperature"
    if not model.get("temperature_with_top_p", True) and {"temperature", "top_p"} <= {s.name for s in available}:
        tune = st.radio("This model takes one of", ["temperature", "top_p"], horizontal=True, key="chat_tune")
    values: dict[str, Any] = {}
    for slider in available:
        if slider.name in ("temperature", "top_p") and not model.get("temperature_with_top_p", True) and slider.name != tune:
            continue
        key = f"chat_{slider.name}_{model_id}"
        values[slider.name] = st.slider(slider.label, slider.low, slider.high, slider.default, slider.step, key=key)
    stops_text = st.text_area(f"Stop sequences (one a line, at most {model['max_stop_sequences']})", key="chat_stops")
    system_prompt = st.text_area("System prompt", key="chat_system")

for message in state["chat_messages"]:
    with st.chat_message(message["role"]):
        st.markdown(message["content"])
        live.show_note(message.get("note"))
        if message.get("interrupted"):
            st.caption(f":material/stop_circle: {streamed.INTERRUPTED}")
        if message.get("notice"):
            st.info(message["notice"])
        if message.get("usage"):
            st.caption(message["usage"])


def follow(pending: dict[str, Any]) -> None:
    """The turn being streamed: the message, the answer so far and a Stop button, until the stream ends; then the
    turn joins the conversation (an interrupted one as the API stored it, with its flag)."""
    reading: Reading = pending["reading"]
    with st.chat_message("user"):
        st.markdown(pending["prompt"])
    with st.chat_message("assistant"):
        answer = live.LiveAnswer()
    stop_slot = st.empty()
    stop_slot.button("중지 / Stop", key="chat_stop_button", icon=":material/stop_circle:", on_click=ask_stop,
                     disabled=reading.reply.stopped)  # fmt: skip
    if state.pop("chat_stop", False):
        try:
            if not reading.stop():
                st.caption("멈출 답변이 없습니다 / Nothing to stop: the answer had already ended or not yet started.")
        except ApiError as err:
            session.show_error(err)
    answer.follow(reading)
    stop_slot.empty()
    if not reading.claim():
        st.rerun()  # an earlier run (ended by a click) recorded it first
    state["chat_stream"] = None
    reply = reading.reply
    if reading.failure:
        live.show_failure(reading.failure)
        return
    if reply.error or not reply.done:
        return  # the error is shown under the answer; nothing was stored
    state["chat_id"] = reply.conversation_id or state["chat_id"]
    if reply.interrupted and reply.conversation_id:
        load_messages(reply.conversation_id)  # as stored, flagged `interrupted` by the API
    else:
        notice = (reply.done.get("notice") or {}).get("message")
        state["chat_messages"] += [
            {"role": "user", "content": pending["prompt"], "note": None},
            {"role": "assistant", "content": reply.text, "note": views.guardrail_note(reply.guardrail), "notice": notice,
             "usage": streamed.usage_line(reply.usage)},
        ]  # fmt: skip
    st.rerun()


prompt = st.chat_input("Message (Korean welcome: 한국어도 됩니다)", disabled=busy)
if prompt and not busy:
    try:
        stops = views.stop_sequences(stops_text, int(model["max_stop_sequences"]))
    except ValueError as err:
        st.error(str(err))
        st.stop()
    params = views.inference_params(values, model, tune=tune, stops=stops, effort=effort, thinking=thinking)
    body: dict[str, Any] = {"message": prompt, "model_id": model_id, "params": params}
    if state["chat_id"]:
        body["conversation_id"] = state["chat_id"]
    if system_prompt.strip():
        body["system_prompt"] = system_prompt
    state["chat_stream"] = {"prompt": prompt, "reading": Reading(session.client(), "chat/stream", body)}
if state["chat_stream"]:
    follow(state["chat_stream"])
