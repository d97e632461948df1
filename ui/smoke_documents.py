"""`genai smoke`'s document steps: a Korean document uploaded through the presigned POST, waited for until the automatic
ingestion indexed it, the ingestion jobs listed, and a question only that document answers, with its citation
(ui/smoke.py runs them; its cleanup deletes the document and starts the job that forgets it)."""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING

from ui.smoke_runner import CheckError, Done, short

if TYPE_CHECKING:
    from ui.smoke import Smoke


def run(smoke: Smoke) -> None:
    name = f"smoke-{smoke.run_id}.txt"
    smoke.run("upload", "POST /documents + S3 POST", "문서 업로드", lambda: _upload(smoke, name), needs=("token",))
    smoke.run("indexed", "GET /documents until INDEXED", "문서 색인 대기", lambda: _indexed(smoke, name), needs=("upload",))
    smoke.run("jobs", "GET /documents/sync", "수집 작업 목록", partial(_jobs, smoke), needs=("token",))
    smoke.run("rag", "POST /rag/query (cites the upload)", "문서 질의·인용", lambda: _rag(smoke, name), needs=("indexed",))


def _upload(smoke: Smoke, name: str) -> Done:
    text = (
        f"배포 점검 {smoke.run_id} 안내\n\n배포 점검 {smoke.run_id}의 확인 번호는 {smoke.code}입니다.\n\n"
        "이 문서는 배포 후 점검(make smoke)이 올렸다가 지웁니다.\n"
    )
    smoke.created.document = name
    offer = smoke.client().upload(name, text.encode("utf-8"), "text/plain")
    if offer["name"] != name:
        smoke.created.document = offer["name"]
        raise CheckError(f"stored as {offer['name']!r}, not {name!r}", smoke.client().status)
    return Done(smoke.client().status, f"{offer['key']} (presigned POST, {len(text.encode())} bytes)")


def _indexed(smoke: Smoke, name: str) -> Done:
    start, state = time.monotonic(), "missing"
    while time.monotonic() - start < smoke.options.index_timeout:
        found = [d for d in smoke.client().documents() if d["name"] == name]
        state = found[0]["ingestion"] if found else "missing"
        if state == "INDEXED":
            return Done(smoke.client().status, f"INDEXED after {time.monotonic() - start:.1f} s / 색인 완료")
        if state == "FAILED":
            raise CheckError("the ingestion job failed on it (GET /documents/sync shows the reasons)", smoke.client().status)
        time.sleep(smoke.options.poll_seconds)
    raise CheckError(
        f"still {state} after {smoke.options.index_timeout:.0f} s: the automatic ingestion "
        "(EventBridge -> SQS -> ingest function -> StartIngestionJob) did not index it",
        smoke.client().status,
    )


def _jobs(smoke: Smoke) -> Done:
    status, jobs = smoke.call("GET", "documents/sync")
    newest = jobs["jobs"][0]["status"] if jobs["jobs"] else "none"
    return Done(status, f"{len(jobs['jobs'])} recent job(s), newest {newest}")


def _rag(smoke: Smoke, name: str) -> Done:
    question = f"배포 점검 {smoke.run_id}의 확인 번호는 무엇인가요?"
    for attempt in range(1, 4):
        status, answer = smoke.call("POST", "rag/query", {"question": question})
        cited = [c for c in answer["citations"] if c["source"]["name"] == name]
        if cited and smoke.code in answer["answer"]:
            return Done(status, f"answer has {smoke.code}, cites {name} [{cited[0]['number']}] (attempt {attempt})")
        time.sleep(smoke.options.poll_seconds)
    sources = [c["source"]["name"] for c in answer["citations"]]
    raise CheckError(f"expected {smoke.code} and a citation of {name}; got {short(answer['answer'])!r} citing {sources}", status)
