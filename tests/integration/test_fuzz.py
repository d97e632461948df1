"""Fuzzing the published OpenAPI document over the local stack (schemathesis; see tests/integration/fuzzing.py).

The suite runs a short, deterministic pass; `make fuzz` runs the long one (FUZZ_EXAMPLES cases per
operation and mode, a random seed it prints) and prints the counts.
"""

from __future__ import annotations

import base64
import json
import os
import random
import time
from pathlib import Path

from tests.integration import fuzzing
from tests.integration.live import request, sign_in
from tests.integration.test_chat_files import png
from tests.integration.test_rag import minimal_pdf


def test_given_every_operation_when_fuzzed_then_no_5xx_and_no_response_outside_the_spec(stack):
    examples = fuzzing.examples_from_env(default=4)
    fuzz_seed = int(os.environ.get("FUZZ_SEED", random.randrange(2**32) if "FUZZ_EXAMPLES" in os.environ else 0))
    status, spec, _ = request(stack, "GET", "openapi.json")
    assert status == 200
    report = fuzzing.run(spec, stack["ApiUrl"], sign_in(stack, "admin@example.com"), examples, fuzz_seed)
    print(f"\n{report.summary()} (FUZZ_EXAMPLES={examples}, FUZZ_SEED={fuzz_seed})")
    for label, count in sorted(report.per_operation.items()):
        statuses = ", ".join(f"{status}: {n}" for (name, status), n in sorted(report.per_status.items()) if name == label)
        print(f"  {count:5d}  {label}  ({statuses})")
    if os.environ.get("FUZZ_REPORT"):
        Path(os.environ["FUZZ_REPORT"]).write_text("\n".join(report.server_errors + report.violations), encoding="utf-8")
    assert report.server_errors == [], "\n".join(report.server_errors[:10])
    assert report.violations == [], "\n".join(report.violations[:10])
    assert report.cases >= 8 * examples  # the schema's operations were all reached (some have no inputs to vary)


def _customization(call, stack) -> None:
    """Every /customize operation once, in us-west-2 (make dev's Region): Llama 3.3 70B, whose custom models deploy on demand."""
    from tests.integration.customize_helpers import jsonl, record, sim_settings, until

    call("GET", "/customize/catalog")
    assert call("POST", "/customize/uploads", body={"size": 2048}).json()["max_bytes"] == 2048
    content = jsonl([record(f"명세 질문 {i}", f"명세 답변 {i}") for i in range(100)])
    body = {"base_model_id": "meta.llama3-3-70b-instruct-v1:0:128k", "content": content}
    dataset = call("POST", "/customize/datasets", body=body).json()["dataset_id"]
    sim_settings(stack, job_seconds=60)
    call("POST", "/customize/jobs", body={"dataset_id": dataset, "name": "spec-stop"})
    assert call("POST", "/customize/jobs/{name}/stop", {"name": "spec-stop"}).status_code == 202
    sim_settings(stack, job_seconds=0.5, deploy_seconds=0.2)
    try:
        call("POST", "/customize/jobs", body={"dataset_id": dataset, "name": "spec", "hyperparameters": {"epochCount": 1}})
        until(lambda: call("GET", "/customize/jobs/{name}", {"name": "spec"}).json()["status"] == "Completed")
        call("GET", "/customize/jobs")
        call("GET", "/customize/models")
        assert call("POST", "/customize/deployments", body={"model_name": "spec"}).status_code == 202
        until(lambda: call("GET", "/customize/deployments/{name}", {"name": "spec"}).json()["status"] == "Active")
        call("GET", "/customize/deployments")
        registration = "/customize/deployments/{name}/registration"
        assert call("POST", registration, {"name": "spec"}, body={"display_name": "명세 모델"}).status_code == 201
        assert call("DELETE", registration, {"name": "spec"}).status_code == 204
        call("DELETE", "/customize/deployments/{name}", {"name": "spec"})
        call("DELETE", "/customize/models/{name}", {"name": "spec"})
    finally:
        sim_settings(stack, job_seconds=10, deploy_seconds=1)


def test_given_a_successful_call_of_every_operation_then_its_status_type_and_body_are_the_published_ones(stack):
    """Random inputs rarely succeed (a random conversation id is a 404), so each success is also made on purpose."""
    import requests

    _, spec, _ = request(stack, "GET", "openapi.json")
    schema = fuzzing.load(spec)
    admin = {"Authorization": sign_in(stack, "admin@example.com")}
    seen: set[tuple[str, str]] = set()

    def call(method: str, path: str, path_parameters=None, body=None, query=None) -> requests.Response:
        case = schema[path][method].Case(path_parameters=path_parameters, query=query, **({"body": body} if body is not None else {}))
        response = case.call(base_url=stack["ApiUrl"].rstrip("/"), headers=admin, timeout=60)
        case.validate_response(response, checks=fuzzing.CONFORMANCE)
        assert response.status_code < 300, (method, path, response.text)
        seen.add((method.lower(), path))
        return response

    files = []  # files in chat: a presigned POST to the local S3, then the key in a turn (tests/integration/test_chat_files.py)
    pdf = minimal_pdf("Specification checks run on every release.")  # with text: the answer cites it (docs/api.md#citations)
    for name, content_type, data in (("명세 화면.png", "image/png", png()), ("명세 문서.pdf", "application/pdf", pdf)):
        upload = call("POST", "/chat/attachments", body={"name": name, "content_type": content_type, "size": len(data)})
        assert upload.status_code == 201
        target = upload.json()["upload"]
        assert requests.post(target["url"], data=target["fields"], files={"file": (name, data)}, timeout=10).status_code in (200, 204)
        files.append({"key": upload.json()["key"]})
    answered = call("POST", "/chat", body={"message": "명세 확인용 대화", "attachments": files}).json()  # citations[] checked too
    assert [c["source"]["name"] for c in answered["citations"]] == ["명세 문서.pdf"]
    conversation = answered["conversation_id"]
    body = {"message": "스트림 명세 확인", "conversation_id": conversation, "attachments": files[1:]}
    streamed = call("POST", "/chat/stream", body=body)
    assert "document «" in streamed.text  # the offline model read the PDF through the streaming route too
    assert "event: citation" in streamed.text  # chat citations stream too (their schema: test_chat_citations.py)
    assert (streamed.headers["content-type"][0], "event: done" in streamed.text) == ("text/event-stream; charset=utf-8", True)
    stream_id = json.loads(streamed.text.split("data: ", 1)[1].split("\n", 1)[0])["stream_id"]
    assert call("POST", "/streams/{stream_id}/stop", {"stream_id": stream_id}).status_code == 202
    assert "event: citation" in call("POST", "/rag/query/stream", body={"question": "재택 근무는 며칠 가능한가요?"}).text
    call("GET", "/conversations")
    renamed = call("PATCH", "/conversations/{conversation_id}", {"conversation_id": conversation}, body={"title": "명세 확인 Title"})
    assert renamed.json()["conversation"]["title"] == "명세 확인 Title"
    found = call("GET", "/conversations", query={"q": "title", "limit": 5}).json()["conversations"]
    assert conversation in [c["conversation_id"] for c in found]
    call("GET", "/conversations/{conversation_id}", {"conversation_id": conversation})
    assert call("DELETE", "/conversations/{conversation_id}", {"conversation_id": conversation}).status_code == 204
    call("GET", "/models")
    call("POST", "/rag/query", body={"question": "재택 근무는 며칠 가능한가요?"})
    upload = call("POST", "/documents", body={"filename": "명세-확인.txt", "content_type": "text/plain", "size": 64})
    assert upload.status_code == 201
    target = upload.json()["upload"]
    posted = requests.post(target["url"], data=target["fields"], files={"file": ("명세-확인.txt", "명세 확인".encode())}, timeout=10)
    assert posted.status_code in (200, 204)
    call("GET", "/documents")
    assert call("DELETE", "/documents/{key}", {"key": "명세-확인.txt"}).status_code == 204
    call("GET", "/documents/sync")
    deadline = time.time() + 30
    while time.time() < deadline:  # the delete's own ingestion job may still run: 409 until it ends
        case = schema["/documents/sync"]["POST"].Case()
        response = case.call(base_url=stack["ApiUrl"].rstrip("/"), headers=admin, timeout=60)
        case.validate_response(response, checks=fuzzing.CONFORMANCE)
        if response.status_code == 202:
            seen.add(("post", "/documents/sync"))
            break
        assert response.status_code == 409, response.text
        time.sleep(0.5)
    image = call("POST", "/images", body={"prompt": "한강 위의 노을, 수채화"}).json()["images"][0]
    call("POST", "/images/verify", body={"key": image["key"]})
    assert call("GET", "/images", query={"limit": 1}).json()["images"][0]["key"] == image["key"]
    image_id = image["key"].rsplit("/", 1)[-1].removesuffix(".png")
    assert call("DELETE", "/images/{image_id}", {"image_id": image_id}).status_code == 204
    call("GET", "/usage")
    call("GET", "/admin/usage", query={"period": "month", "sort": "user"})
    exported = call("GET", "/admin/usage", query={"format": "csv"})
    assert (exported.headers["content-type"][0], exported.content[:3]) == ("text/csv; charset=utf-8; header=present", b"\xef\xbb\xbf")
    call("GET", "/admin/budgets")
    admin_sub = json.loads(base64.urlsafe_b64decode(admin["Authorization"].split(".")[1] + "=="))["sub"]
    assert call("PUT", "/admin/budgets/users/{sub}", {"sub": admin_sub}, body={"usd_per_month": 50}).json()["id"] == admin_sub
    assert call("DELETE", "/admin/budgets/users/{sub}", {"sub": admin_sub}).status_code == 204
    call("PUT", "/admin/budgets/groups/{name}", {"name": "명세-확인"}, body={"tokens_per_day": 100_000})
    assert call("DELETE", "/admin/budgets/groups/{name}", {"name": "명세-확인"}).status_code == 204
    _customization(call, stack)
    assert seen == {(method, path) for path, operations in spec["paths"].items() for method in operations}
