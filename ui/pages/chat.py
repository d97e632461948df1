"""Chat: conversations kept by the API, a model picker, sliders over each model's allowed ranges, and its
thinking switch and effort levels where it has them."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import session, views

st.title("Chat")
catalog = session.models()
models = {m["id"]: m for m in catalog["chat_models"]}
state = st.session_state
state.setdefault("chat_id", None)
state.setdefault("chat_messages", [])


def open_conversation(conversation_id: str | None) -> None:
    state["chat_id"], state["chat_messages"] = conversation_id, []
    if conversation_id:
        found = session.call("GET", f"conversations/{conversation_id}?limit=200")
        if found:
            state["chat_messages"] = [{"role": m["role"], "content": m["content"], "note": None} for m in found["messages"]]
            if found["conversation"].get("model_id") in models:
                state["chat_model"] = found["conversation"]["model_id"]


with st.sidebar:
    st.subheader("Conversations")
    if st.button("New conversation", icon=":material/add:", width="stretch"):
        open_conversation(None)
    listed = session.call("GET", "conversations?limit=30") or {}
    for item in listed.get("conversations", []):
        cid = item["conversation_id"]
        left, right = st.columns([5, 1])
        label = ("▶ " if cid == state["chat_id"] else "") + (item.get("title") or cid)
        if left.button(label, key=f"open-{cid}", width="stretch"):
            open_conversation(cid)
        deleting = right.button("", key=f"delete-{cid}", icon=":material/delete:", help="Delete this conversation")
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
    available = [s for s in views.sliders(model) if not thinking or s.name == "max_tokens"]  # no sampling while it thinks
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
        if message.get("note"):
            level, text = message["note"]
            (st.error if level == "error" else st.warning)(text)

prompt = st.chat_input("Message (Korean welcome: 한국어도 됩니다)")
if prompt:
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
    with st.spinner("Thinking…"):
        answer = session.call("POST", "chat", body)
    if answer:
        state["chat_id"] = answer["conversation_id"]
        note = views.guardrail_note(answer.get("guardrail"))
        state["chat_messages"] += [
            {"role": "user", "content": prompt, "note": None},
            {"role": "assistant", "content": answer["message"]["content"], "note": note},
        ]
        st.rerun()
