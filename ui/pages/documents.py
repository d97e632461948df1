"""Documents (admins): upload with progress, the list with each document's ingestion state, sync."""

from __future__ import annotations

import json
from urllib.parse import quote

import pandas as pd
import streamlit as st

from ui import session
from ui.client import ApiError

EXTENSIONS = ["txt", "md", "html", "htm", "csv", "pdf", "doc", "docx", "xls", "xlsx"]

st.title("Documents")
session.show_flash()
if not session.is_admin():
    st.error("Documents are managed by the admin group.")
    st.stop()

with st.form("upload", clear_on_submit=True):
    uploaded = st.file_uploader("Add a document to the knowledge base", type=EXTENSIONS)
    metadata_text = st.text_area("Metadata (optional JSON object, for retrieval filters)", placeholder='{"department": "인사팀"}')
    send = st.form_submit_button("Upload", type="primary")
if send and uploaded is not None:
    try:
        metadata = json.loads(metadata_text) if metadata_text.strip() else None
    except json.JSONDecodeError as err:
        st.error(f"Metadata is not JSON: {err}")
        st.stop()
    name = uploaded.name
    bar = st.progress(0.0, text=f"Uploading {name}")

    def shown(sent: int, total: int) -> None:
        bar.progress(sent / total, text=f"Uploading {name}: {sent:,} of {total:,} bytes")

    try:
        offer = session.client().upload(name, uploaded.getvalue(), uploaded.type or "application/octet-stream", metadata, progress=shown)
        st.success(f"Uploaded {offer['name']}: it is ingested automatically within a minute.")
    except ApiError as err:
        session.show_error(err)

documents = session.documents()
st.subheader(f"{len(documents)} documents")
if documents:
    table = pd.DataFrame(documents)[["name", "ingestion", "size", "last_modified", "has_metadata"]]
    st.dataframe(table, hide_index=True)
    left, right = st.columns([3, 1])
    doomed = left.selectbox("Document", [d["name"] for d in documents], key="doc_delete")
    deleting = right.button("Delete", icon=":material/delete:")
    if deleting and doomed and session.call("DELETE", f"documents/{quote(doomed)}") is not None:
        session.flash(f"Deleted {doomed}.")
        st.rerun()

st.subheader("Ingestion")
if st.button("Sync now", icon=":material/sync:"):
    job = session.call("POST", "documents/sync")
    if job:
        st.success(f"Ingestion job {job['job_id']} {job['status']}.")
if st.button("Refresh", icon=":material/refresh:"):
    st.rerun()
jobs = (session.call("GET", "documents/sync") or {}).get("jobs", [])
if jobs:
    st.dataframe(pd.DataFrame(jobs)[["job_id", "status", "started_at", "updated_at"]], hide_index=True)
