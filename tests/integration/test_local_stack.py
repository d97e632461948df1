"""`make dev`'s stack, started as a process: sign in against the local user pool, call the local API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3

from tests.integration.live import ROOT, request, running_stack, sign_in


def test_given_the_admin_demo_user_when_signed_in_then_the_api_answers_chat_in_korean(stack):
    token = sign_in(stack, "admin@example.com")
    status, models, _ = request(stack, "GET", "models", token)
    assert status == 200
    assert models["default_chat_model"]
    status, answer, _ = request(stack, "POST", "chat", token, {"message": "안녕하세요, 로컬 스택!"})
    assert status == 200
    assert "안녕하세요, 로컬 스택!" in answer["message"]["content"]


def test_given_the_second_demo_user_then_documents_are_forbidden_and_the_seed_corpus_answers(stack):
    token = sign_in(stack, "user@example.com")
    status, body, _ = request(stack, "GET", "documents", token)
    assert (status, body["error"]["code"]) == (403, "forbidden")
    admin = sign_in(stack, "admin@example.com")
    deadline = time.time() + 30
    while time.time() < deadline:
        _, jobs, _ = request(stack, "GET", "documents/sync", admin)
        if jobs["jobs"] and jobs["jobs"][0]["status"] == "COMPLETE":
            break
        time.sleep(0.5)
    status, answer, _ = request(stack, "POST", "rag/query", token, {"question": "재택 근무는 며칠 가능한가요?"})
    assert status == 200
    assert answer["citations"][0]["source"]["name"] == "hr-faq-ko.md"


def test_given_gateway_contract_then_unknown_routes_bad_bodies_and_preflight_behave_like_api_gateway(stack):
    token = sign_in(stack, "user@example.com")
    status, body, _ = request(stack, "GET", "nope", token)
    assert (status, body["error"]["code"]) == (404, "MISSING_AUTHENTICATION_TOKEN")
    status, body, _ = request(stack, "POST", "chat", token, None, headers={"Content-Type": "application/json"})
    assert (status, body["error"]["code"]) == (400, "BAD_REQUEST_BODY")
    status, _, headers = request(stack, "OPTIONS", "chat", None, None, headers={"Origin": "http://localhost:8501"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "http://localhost:8501"


def test_given_an_admin_upload_through_the_presigned_post_then_it_is_ingested_and_answers(stack):
    import requests

    admin = sign_in(stack, "admin@example.com")
    data = "사내 카페는 오전 7시 30분에 문을 엽니다.".encode()
    status, upload, _ = request(
        stack, "POST", "documents", admin, {"filename": "카페 안내.txt", "content_type": "text/plain", "size": len(data)}
    )
    assert status == 201
    posted = requests.post(upload["upload"]["url"], data=upload["upload"]["fields"], files={"file": ("카페 안내.txt", data)}, timeout=10)
    assert posted.status_code in (200, 204)
    deadline = time.time() + 40
    answer: dict = {}
    while time.time() < deadline:
        status, answer, _ = request(stack, "POST", "rag/query", admin, {"question": "사내 카페는 몇 시에 문을 여나요?"})
        if status == 200 and answer["citations"] and answer["citations"][0]["source"]["name"] == "카페 안내.txt":
            break
        time.sleep(1)
    assert answer["citations"][0]["source"]["name"] == "카페 안내.txt"
    assert "7시 30분" in answer["answer"]


def test_given_the_local_gateway_then_it_serves_the_openapi_document(stack):
    status, spec, _ = request(stack, "GET", "openapi.json")
    assert status == 200
    assert "/chat" in spec["paths"]
    assert spec["components"]["securitySchemes"]["CognitoIdToken"]["name"] == "Authorization"


def test_given_the_genai_command_then_login_chat_documents_and_rag_work_from_a_terminal(stack, tmp_path):
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(stack))
    genai = [str(Path(sys.executable).parent / "genai"), "--outputs", str(outputs), "--token-file", str(tmp_path / "token"), "--json"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}

    def run(*args: str) -> dict:
        result = subprocess.run([*genai, *args], capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert run("login", "--username", "admin@example.com", "--password", "Local-Demo-Pass-1!")["signed_in"] == "admin@example.com"
    streamed = subprocess.run(
        [*genai[:-1], "chat", "터미널에서 인사드립니다", "--model", "us.anthropic.claude-haiku-4-5-20251001-v1:0", "--temperature", "0.2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (streamed.returncode, "«터미널에서 인사드립니다»" in streamed.stdout) == (0, True), streamed.stderr  # streamed text, not JSON
    answer = run("chat", "생각해 보고 답해 주세요", "--thinking", "--effort", "xhigh", "--no-stream")  # the default model, Haiku 5.5
    assert "생각해 보고 답해 주세요" in answer["message"]["content"]
    assert "[offline reasoning]" not in answer["message"]["content"]
    document = tmp_path / "shuttle.txt"
    document.write_text("The office shuttle leaves Gangnam station at 8:10 every weekday.", encoding="utf-8")
    assert run("documents", "upload", str(document))["uploaded"] == "shuttle.txt"
    assert "shuttle.txt" in [d["name"] for d in run("documents", "list")["documents"]]
    rejected = subprocess.run([*genai, "images", "a cat", "--ratio", "7:3"], capture_output=True, text=True, env=env, timeout=60)
    assert rejected.returncode == 1
    assert json.loads(rejected.stderr)["error"]["code"] == "validation_error"


def test_given_srp_sign_in_through_boto3_then_the_gateway_accepts_the_id_token(stack):
    """The UI's flow. moto runs the SRP exchange but does not check the proof (it accepts any password),
    so password checking is covered by the USER_PASSWORD_AUTH tests; the real user pool verifies both."""
    from pycognito.aws_srp import AWSSRP

    cognito = boto3.client("cognito-idp", endpoint_url=stack["CognitoEndpoint"], region_name=stack["Region"])
    srp = AWSSRP(
        username="user@example.com",
        password="Local-Demo-Pass-1!",
        pool_id=stack["UserPoolId"],
        client_id=stack["UserPoolClientId"],
        client=cognito,
    )
    token = srp.authenticate_user()["AuthenticationResult"]["IdToken"]
    status, models, _ = request(stack, "GET", "models", token)
    assert status == 200
    assert models["chat_models"]


def test_given_bedrock_aws_without_the_deployed_ids_then_a_clear_error(tmp_path):
    ports = {"LOCAL_API_PORT": "0", "LOCAL_AWS_PORT": "0", "LOCAL_BEDROCK_PORT": "0"}
    env = {**os.environ, "BEDROCK": "aws", "LOCAL_STATE_DIR": str(tmp_path), **ports}
    env.pop("BEDROCK_GUARDRAIL_ID", None)
    result = subprocess.run([sys.executable, "-m", "local.stack"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "BEDROCK=aws needs BEDROCK_GUARDRAIL_ID, BEDROCK_GUARDRAIL_VERSION" in result.stderr


def test_given_bedrock_aws_with_the_deployed_ids_then_storage_stays_local_and_bedrock_calls_go_to_aws(tmp_path):
    deployed = {"BEDROCK": "aws", "BEDROCK_GUARDRAIL_ID": "gr-deployed", "BEDROCK_GUARDRAIL_VERSION": "3"}
    with running_stack(tmp_path, deployed) as outputs:
        assert outputs["BedrockEndpoint"] == "aws (us-west-2)"
        assert outputs["CognitoEndpoint"].startswith("http://127.0.0.1:")
        token = sign_in(outputs, "user@example.com")
        status, models, _ = request(outputs, "GET", "models", token)  # no Bedrock call: answered from the config
        assert status == 200
        assert models["chat_models"]


def test_given_the_stack_then_both_streams_flow_through_its_gateway_at_the_pace_set_over_sim(stack):
    from tests.integration.streams import post_stream

    def model(settings: dict) -> None:
        control = urllib.request.Request(stack["BedrockEndpoint"] + "/_sim/model", data=json.dumps(settings).encode(), method="POST")
        urllib.request.urlopen(control, timeout=10).close()

    token = sign_in(stack, "user@example.com")
    model({"first_token_ms": 300, "token_ms": 1})
    try:
        chat = post_stream(stack["ApiUrl"], "chat/stream", token, {"message": "로컬 스택에서 스트리밍"})
        rag = post_stream(stack["ApiUrl"], "rag/query/stream", token, {"question": "재택 근무는 며칠 가능한가요?"})
    finally:
        model({"first_token_ms": 0, "token_ms": 0})
    assert (chat.kinds()[0], chat.kinds()[-1], chat.of("done")) == ("start", "done", [{"stored": "complete"}])
    assert "로컬 스택에서 스트리밍" in chat.text()
    assert chat.events[1][0] >= 0.3  # the first token's delay, set over /_sim/model
    assert rag.of("citation")[0]["source"]["name"] == "hr-faq-ko.md"
