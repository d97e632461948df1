"""`genai smoke` against `make dev`'s stack (a subprocess): the same code a deployed stack gets, another outputs file.

Every step passes on a healthy stack; a failing route or a wrong password is a ✗ and a non-zero exit; and
whatever failed, nothing the smoke made stays behind (checked in moto's table, buckets and user pool, and in
the offline knowledge base), except the pictures, which no route deletes.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.stack import NAMES
from tests.integration.live import ROOT, Stack, request, sign_in
from ui.smoke import Options, Report, run_smoke

GENAI = [sys.executable, "-m", "ui.cli"]  # what the `genai` script runs (ui.cli:main), from this checkout


def _outputs_file(stack: Stack, tmp_path: Path) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(stack), encoding="utf-8")
    return path


def _aws(stack: Stack, service: str) -> Any:
    return boto3.client(service, endpoint_url=stack["CognitoEndpoint"], region_name=stack["Region"])  # moto serves them all


def _wait_for_jobs(stack: Stack, token: str) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        _, jobs, _ = request(stack, "GET", "documents/sync", token)
        if all(job["status"] in ("COMPLETE", "FAILED") for job in jobs["jobs"]):
            return
        time.sleep(0.5)
    raise AssertionError("ingestion jobs still running after 30 s")


def items_of(stack: Stack) -> list[dict[str, Any]]:
    return list(_aws(stack, "dynamodb").scan(TableName=NAMES["table"])["Items"])


def _assert_cleaned_up(stack: Stack, report: Report) -> None:
    created = report.created
    assert created.username
    assert created.conversations
    assert created.document
    with pytest.raises(_aws(stack, "cognito-idp").exceptions.UserNotFoundException):
        _aws(stack, "cognito-idp").admin_get_user(UserPoolId=stack["UserPoolId"], Username=created.username)
    keys = [item["pk"]["S"] for item in items_of(stack)]
    assert not [k for k in keys if any(c in k for c in created.conversations)]
    stored = [o["Key"] for o in _aws(stack, "s3").list_objects_v2(Bucket=stack["DocumentsBucketName"]).get("Contents", [])]
    assert not [k for k in stored if created.document in k], stored
    # The offline knowledge base forgot it too: once the jobs ran, its question finds no passage of it.
    admin = sign_in(stack, "admin@example.com")
    _wait_for_jobs(stack, admin)
    run_id = created.document.removeprefix("smoke-").removesuffix(".txt")
    _, answer, _ = request(stack, "POST", "rag/query", admin, {"question": f"배포 점검 {run_id}의 확인 번호는 무엇인가요?"})
    assert created.document not in [c["source"]["name"] for c in answer["citations"]]


def test_given_the_local_stack_when_the_smoke_test_runs_then_every_step_passes_and_nothing_it_made_remains(stack, tmp_path):
    out = io.StringIO()
    report = run_smoke(_outputs_file(stack, tmp_path), Options(index_timeout=240, poll_seconds=0.5), out)
    printed = out.getvalue()
    assert report.exit_code == 0, printed
    assert "✗" not in printed
    assert "PASS / 통과" in printed
    steps = [s.name for s in report.runner.steps]
    for route in (
        "GET /models",
        "POST /chat (Korean turn)",
        "POST /chat (second turn: memory)",
        "GET /conversations",
        "GET /conversations/{id}",
        "POST /chat (prompt attack)",
        "POST /documents + S3 POST",
        "GET /documents until INDEXED",
        "GET /documents/sync",
        "POST /rag/query (cites the upload)",
        "POST /images (default model)",
        "POST /images/verify",
        "GET /images (newest first)",
        "DELETE /conversations/{id}",
        "DELETE /documents/{name}",
        "POST /documents/sync (forget it)",
        "DELETE /images/{id}",
        "delete test user",
    ):
        assert route in steps
    assert all(s.status is not None and s.ms >= 0 for s in report.runner.steps)
    _assert_cleaned_up(stack, report)
    # The picture it made is gone too: its file (DELETE /images/{id}) and its gallery record.
    (image,) = report.created.images
    stored = _aws(stack, "s3").list_objects_v2(Bucket=stack["ImagesBucketName"], Prefix=image).get("Contents", [])
    assert stored == []
    assert not [i for i in items_of(stack) if i.get("key", {}).get("S") == image]


def test_given_a_route_that_fails_when_the_smoke_test_runs_then_it_is_a_cross_the_exit_is_nonzero_and_cleanup_still_runs(stack, tmp_path):
    fault = {"code": "ServiceUnavailableException", "operation": "InvokeModel", "times": 1}  # the image model's call
    control = urllib.request.Request(stack["BedrockEndpoint"] + "/_sim/faults", data=json.dumps(fault).encode(), method="POST")
    urllib.request.urlopen(control, timeout=10).close()
    out = io.StringIO()
    try:
        report = run_smoke(_outputs_file(stack, tmp_path), Options(index_timeout=240, poll_seconds=0.5), out)
    finally:
        urllib.request.urlopen(urllib.request.Request(stack["BedrockEndpoint"] + "/_sim/reset", method="POST"), timeout=10).close()
    printed = out.getvalue()
    assert report.exit_code == 1, printed
    marks = {s.name: (s.mark, s.status) for s in report.runner.steps}
    assert marks["POST /images (default model)"] == ("✗", 503)
    assert marks["POST /images/verify"] == ("-", None)  # it needs the picture
    assert marks["POST /rag/query (cites the upload)"] == ("✓", 200), printed  # steps that do not need it still run
    assert marks["delete test user"] == ("✓", 200)
    assert "FAIL / 실패" in printed
    assert "POST /images (default model)" in printed.splitlines()[-1]
    assert report.created.images == []
    _assert_cleaned_up(stack, report)


def test_given_a_wrong_password_when_genai_smoke_runs_then_sign_in_fails_later_steps_are_skipped_and_the_exit_is_one(stack, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    given = ["--username", "admin@example.com", "--password", "wrong-Pass-1!"]
    command = [*GENAI, "--outputs", str(_outputs_file(stack, tmp_path)), "smoke", *given]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    assert result.returncode == 1, result.stdout
    lines = result.stdout.splitlines()
    assert any(line.startswith(" ✗") and "sign in" in line and "NotAuthorizedException" in line for line in lines), result.stdout
    assert any(line.startswith(" -") and "GET /models" in line and "skipped" in line for line in lines)
    assert "delete test user" not in result.stdout  # a given user is never deleted
    assert sign_in(stack, "admin@example.com")  # and still signs in


def test_given_no_outputs_file_when_genai_smoke_runs_then_it_says_what_to_run_and_exits_two(tmp_path):
    command = [*GENAI, "--outputs", str(tmp_path / "deployed-outputs.json"), "smoke"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert "make deploy" in result.stdout
    assert "GENAI_OUTPUTS=.local/outputs.json" in result.stdout


def test_given_make_smoke_then_it_reads_deployed_outputs_by_default_and_genai_outputs_when_set(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "GENAI_OUTPUTS"}
    make = ["make", "--no-print-directory", "-o", "venv"]  # the venv exists: run only the target's own command
    planned = subprocess.run([*make, "-n", "smoke"], capture_output=True, text=True, env=env, cwd=ROOT, check=True).stdout
    assert "-m ui.cli --outputs deployed-outputs.json smoke" in planned
    missing = tmp_path / "nothing.json"
    result = subprocess.run([*make, "smoke", f"GENAI_OUTPUTS={missing}"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert result.returncode != 0
    assert f"cannot read the stack outputs {missing}" in result.stdout
