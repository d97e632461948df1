"""Documents (admins): upload with progress, the list with each document's ingestion state (refreshed by itself
until nothing is waiting), delete after a confirmation, sync."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

import streamlit as st

from ui import confirm, session, tables, uploader_words
from ui.client import ApiError
from ui.i18n import current, t

EXTENSIONS = ["txt", "md", "html", "htm", "csv", "pdf", "doc", "docx", "xls", "xlsx"]
REFRESH_SECONDS = 3  # while a document waits for ingestion or a job runs (the local stack ingests within seconds)
REFRESH_FOR = 600  # then it stops (a document no job picks up would keep the page polling): Refresh resumes it

state = st.session_state
st.title(t("docs.title"), anchor=False)
st.caption(t("docs.intro"))
session.show_flash()
if "docs_sent" in state:  # the last upload's bar, full, after the rerun that follows it
    sent_name, sent, total = state.pop("docs_sent")
    st.progress(sent / total, text=t("docs.uploaded_bytes", name=sent_name, sent=tables.size_text(sent), total=tables.size_text(total)))
if not session.is_admin():
    st.error(t("docs.admins_only"))
    st.stop()


def watch() -> None:
    """Refresh the listing by itself (again, if it had timed out) until everything settles."""
    state.pop("docs_refresh_until", None)


form_version = state.setdefault("docs_form", 0)  # a new version empties the form after an upload went through
with st.form(f"upload-{form_version}"):  # not cleared on submit: after an error the file and metadata stay
    uploaded = uploader_words.file_uploader(t("docs.file"), type=EXTENSIONS, key=f"docs_file_{form_version}", help=t("docs.file_help"))
    metadata_text = st.text_area(t("docs.metadata"), placeholder='{"department": "인사팀"}', help=t("docs.metadata_help"))
    send = st.form_submit_button(t("docs.upload"), type="primary", icon=":material/upload:")


def upload(uploaded: Any, metadata_text: str) -> None:
    """Send the file with its metadata (the bar moves as it goes); on success a fresh form and a watched listing."""
    try:
        metadata = json.loads(metadata_text) if metadata_text.strip() else None
        if metadata is not None and not isinstance(metadata, dict):
            raise ValueError(t("docs.metadata_not_object"))
    except ValueError as err:  # json.JSONDecodeError is a ValueError
        st.error(t("docs.metadata_invalid", cause=err))
        return
    name = uploaded.name
    bar = st.progress(0.0, text=t("docs.uploading", name=name))

    def shown(sent: int, total: int) -> None:
        bar.progress(sent / total, text=t("docs.uploading_bytes", name=name, sent=tables.size_text(sent), total=tables.size_text(total)))
        state["docs_sent"] = (name, sent, total)

    try:
        offer = session.client().upload(name, uploaded.getvalue(), uploaded.type or "application/octet-stream", metadata, progress=shown)
    except ApiError as err:
        state.pop("docs_sent", None)
        session.show_error(err)
        return
    session.flash(t("docs.uploaded", name=offer["name"]))
    state["docs_form"] = form_version + 1
    watch()  # the new document waits for ingestion: the listing refreshes by itself until it is indexed
    st.rerun()


if send and uploaded is None:
    st.warning(t("docs.no_file"))
elif send:
    upload(uploaded, metadata_text)


def fetch() -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """The documents, the ingestion jobs, and how many of them still change (0 once the wait for them timed out)."""
    documents = session.documents()
    jobs = (session.call("GET", "documents/sync") or {}).get("jobs", [])
    waiting = tables.unsettled(documents, jobs)
    if not waiting:
        state.pop("docs_refresh_until", None)
    return documents, jobs, waiting


def timed_out() -> bool:
    return time.time() > state.setdefault("docs_refresh_until", time.time() + REFRESH_FOR)


def listing() -> None:
    """The tables with the states in words. As a fragment with `run_every` (while something waits) it fetches and
    redraws itself; once everything settled it reruns the page, which defines it again without the timer."""
    found = state.pop("docs_fetched", None)  # this run's, fetched by the page; a timed redraw fetches again
    documents, jobs, waiting = found or fetch()
    st.subheader(t("docs.count", count=len(documents)), anchor=False)
    if waiting and timed_out():
        st.caption(f":material/pause_circle: {t('docs.refresh_paused', count=waiting)}")
    elif waiting:
        st.caption(f":material/autorenew: {t('docs.refreshing', count=waiting, seconds=REFRESH_SECONDS)}")
    elif documents:
        st.caption(f":material/check_circle: {t('docs.settled')}")
    if documents:
        st.dataframe(tables.documents_table(documents, current()), hide_index=True, width="stretch")
    st.subheader(t("docs.jobs"), anchor=False)
    if jobs:
        st.dataframe(tables.jobs_table(jobs, current()), hide_index=True, width="stretch")
    else:
        st.caption(t("docs.no_jobs"))
    if found is None and (not waiting or timed_out()):
        st.rerun()  # a timed redraw found it settled: the page again, without the timer


documents, jobs, waiting = state["docs_fetched"] = fetch()
st.fragment(listing, run_every=REFRESH_SECONDS if waiting and not timed_out() else None)()

with st.container(horizontal=True):
    syncing = st.button(t("docs.sync"), icon=":material/sync:", help=t("docs.sync_help"))
    refresh = st.button(t("docs.refresh"), icon=":material/refresh:")
if syncing:
    job = session.call("POST", "documents/sync")
    if job:
        session.flash(t("docs.sync_started", status=t(f"job.{job['status']}")))
        watch()
        st.rerun()
if refresh:
    state.pop("docs_refresh_until", None)  # resumes refreshing by itself if something still waits
    st.rerun()

if documents:
    st.subheader(t("docs.delete_title"), anchor=False)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    doomed = left.selectbox(t("docs.document"), [d["name"] for d in documents], key="doc_delete")
    if right.button(t("docs.delete"), icon=":material/delete:", width="stretch") and doomed:
        state["docs_deleting"] = doomed
    deleting = state.get("docs_deleting")
    if deleting and confirm.ask(t("docs.confirm_delete", name=deleting), "docs_deleting"):
        state.pop("docs_deleting", None)
        if session.call("DELETE", f"documents/{quote(deleting)}") is not None:
            session.flash(t("docs.deleted", name=deleting))
            watch()
            st.rerun()
