"""Knowledge base: questions answered from the documents, with numbered citations that link to them."""

from __future__ import annotations

import streamlit as st

from ui import session, views

st.title("Knowledge base")
catalog = session.models()
names = {"": "Stack default (models.rag)"} | {m["id"]: m["name"] for m in catalog["chat_models"]}
state = st.session_state
state.setdefault("rag_history", [])

left, right = st.columns([3, 1])
model_id = right.selectbox("Model", list(names), format_func=names.__getitem__, key="rag_model")
results = right.slider("Passages", 1, 20, 5, key="rag_results")
with left.form("ask", clear_on_submit=True):
    question = st.text_area("Question", placeholder="재택 근무는 며칠 가능한가요?")
    asked = st.form_submit_button("Ask", type="primary")

if asked and question.strip():
    body = {"question": question.strip(), "number_of_results": results} | ({"model_id": model_id} if model_id else {})
    with st.spinner("Searching the documents…"):
        answer = session.call("POST", "rag/query", body)
    if answer:
        state["rag_history"].insert(0, {"question": question.strip(), **answer})

for entry in state["rag_history"]:
    with st.container(border=True):
        st.markdown(f"**Q.** {entry['question']}")
        st.markdown(views.linked_answer(entry["answer"], entry.get("citations", [])))
        note = views.guardrail_note(entry.get("guardrail"))
        if note:
            (st.error if note[0] == "error" else st.warning)(note[1])
        for citation in entry.get("citations", []):
            with st.expander(views.citation_label(citation)):
                st.text(citation.get("excerpt", ""))  # as written: passages are not Markdown
                if citation.get("url"):
                    st.link_button("Open the document", citation["url"])
                st.caption(f"score {citation.get('score')}")
