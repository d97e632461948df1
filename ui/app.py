"""The Streamlit UI: `make ui` (or `make dev`, which starts it too). Works against the local stack or a
deployed one: it reads the stack outputs from GENAI_OUTPUTS or `.local/outputs.json`. Korean by default,
English with `?lang=en` or the switch in the sidebar (ui/language.py); the words are in ui/i18n/."""

from __future__ import annotations

import streamlit as st

from ui import language, session, uploader_words
from ui.i18n import t

st.set_page_config(page_title="Bedrock GenAI", page_icon=":material/auto_awesome:", layout="wide")
uploader_words.inject(uploader_words.css(language.resolve()))  # the file uploader's own words, once a run

if not session.signed_in():
    page = st.navigation([st.Page("pages/sign_in.py", title=t("nav.sign_in"), icon=":material/login:")])
else:
    pages = [
        st.Page("pages/chat.py", title=t("nav.chat"), icon=":material/chat:", default=True),
        st.Page("pages/knowledge.py", title=t("nav.knowledge"), icon=":material/menu_book:"),
        st.Page("pages/images.py", title=t("nav.images"), icon=":material/image:"),
        st.Page("pages/usage.py", title=t("nav.usage"), icon=":material/data_usage:"),
    ]
    if session.is_admin():
        pages.append(st.Page("pages/documents.py", title=t("nav.documents"), icon=":material/folder:"))
        pages.append(st.Page("pages/usage_admin.py", title=t("nav.usage_admin"), icon=":material/monitoring:"))
        pages.append(st.Page("pages/customize.py", title=t("nav.customize"), icon=":material/model_training:"))
    with st.sidebar:
        shown = session.user().replace("@", "@\u2060")  # a word joiner after @: the address is not turned into a mail link
        st.caption(f":material/account_circle: {t('app.signed_in', user=shown)}" + (f" · {t('app.admin')}" if session.is_admin() else ""))
        if st.button(t("app.sign_out"), icon=":material/logout:"):
            session.forget()
            st.rerun()
        language.switch("sidebar")
    page = st.navigation(pages)
page.run()
