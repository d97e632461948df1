"""The Streamlit UI: `make ui` (or `make dev`, which starts it too). Works against the local stack or a
deployed one: it reads the stack outputs from GENAI_OUTPUTS or `.local/outputs.json`."""

from __future__ import annotations

import streamlit as st

from ui import session

st.set_page_config(page_title="Bedrock GenAI", page_icon=":material/auto_awesome:", layout="wide")

if not session.signed_in():
    page = st.navigation([st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:")])
else:
    pages = [
        st.Page("pages/chat.py", title="Chat", icon=":material/chat:", default=True),
        st.Page("pages/knowledge.py", title="Knowledge base", icon=":material/menu_book:"),
        st.Page("pages/images.py", title="Images", icon=":material/image:"),
    ]
    if session.is_admin():
        pages.append(st.Page("pages/documents.py", title="Documents", icon=":material/folder:"))
    with st.sidebar:
        st.caption(f"Signed in as **{session.user()}**" + (" (admin)" if session.is_admin() else ""))
        if st.button("Sign out", icon=":material/logout:"):
            session.forget()
            st.rerun()
    page = st.navigation(pages)
page.run()
