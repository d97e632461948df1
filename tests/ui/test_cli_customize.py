"""`genai customize` run as an admin would, against a local stack in us-east-1 (Nova Micro fine-tunes and deploys on
demand there; offline jobs take LOCAL_CUSTOMIZATION_JOB_SECONDS, 1 s here): the Korean sample dataset validated,
trained, followed, deployed, registered, chatted with by a user through `genai chat --model`, unregistered and deleted;
a bad dataset's problems by line; a stop at the terminal; a base model only Provisioned Throughput serves (us-west-2,
the default stack); and a user outside the admin group (exit 3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.customize_helpers import NOVA_MICRO, SAMPLE, east_stack, jsonl, made_before_end_of_life, record, sim_settings
from tests.ui.cli_runs import Finished, User, explicit

ADMIN, USER = "admin@example.com", "user@example.com"
FAST = ("--interval", "0.3")  # the polling pace of --wait (hidden option)


@pytest.fixture(scope="module")
def east(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with east_stack(tmp_path_factory.mktemp("customize-east")) as outputs:
        yield outputs


def _person(stack: dict[str, Any], root: Path, username: str) -> User:
    person = explicit(stack, root)
    person.login(username)
    return person


@pytest.fixture
def admin(east: dict[str, Any], tmp_path: Path) -> User:
    return _person(east, tmp_path / "admin", ADMIN)


@pytest.fixture
def user(east: dict[str, Any], tmp_path: Path) -> User:
    return _person(east, tmp_path / "user", USER)


def _one_line(done: Finished) -> str:
    assert "Traceback" not in done.stderr
    assert len(done.lines) == 1, done.stderr
    return done.lines[0]


def _ok(done: Finished) -> str:
    assert done.code == 0, done
    return done.stdout


def test_given_the_korean_sample_then_the_whole_loop_runs_from_the_cli_and_a_user_chats_with_the_custom_model(admin, user):
    checked = _ok(admin.run("customize", "validate", str(SAMPLE), "--base-model", NOVA_MICRO, "--validation-split", "0.2"))
    lines = checked.splitlines()
    assert lines[0] == f"데이터셋이 올바릅니다 / The dataset is valid: company-tone.jsonl for {NOVA_MICRO} (FINE_TUNING)"
    dataset_id = lines[1].split()[-1]
    assert dataset_id.startswith("ds-")
    assert lines[2].endswith(" 30 (훈련 / train 24, 검증 / validation 6)")
    assert "tokens trained =" in lines[4]
    assert "× 2 epochs, at $0.0010 per 1,000 tokens" in lines[4]
    assert "$1.95 a month" in lines[5]
    # the sources of those two prices, each labelled: Nova Micro's have no public page, and the lines say so
    assert [line.split("  ")[0] for line in lines[6:8]] == ["가격 출처 / Price source"] * 2
    assert "[second-hand] no public page: an operator's field log" in lines[6]
    assert lines[6].endswith("(2026-08)")
    assert lines[-1] == f"다음 / Next: genai customize start --dataset {dataset_id} --name NAME"

    started = _ok(admin.run("customize", "start", "--dataset", dataset_id, "--name", "tone", "--epochs", "2", "--warmup-steps", "3"))
    assert started.startswith("작업을 시작했습니다 / Started job tone (진행 중 / InProgress) on amazon.nova-micro-v1:0:128k with ")
    assert "epochCount=2, learningRateWarmupSteps=3" in started
    listed = admin.json("customize", "status")
    assert [j["name"] for j in listed["jobs"]] == ["tone"]
    waited = admin.run("customize", "status", "tone", "--wait", *FAST)
    shown = _ok(waited).splitlines()
    assert shown[0] == "작업 / Job tone · 완료 / Completed · amazon.nova-micro-v1:0:128k · FINE_TUNING"
    at = shown.index("훈련 손실 / Training loss")  # the table's title: one row per step (5 a epoch offline, 2 epochs)
    assert [row.split()[:2] for row in shown[at + 3 : at + 13]] == [[str(step), str(step // 5)] for step in range(10)]
    assert any(line.startswith("검증 손실 / Validation loss") for line in shown)
    assert admin.json("customize", "status", "tone")["metrics"]["training_loss"] > 0

    model_row = next(line for line in _ok(admin.run("customize", "models")).splitlines() if line.startswith("tone "))
    assert "$1.95" in model_row
    assert "온디맨드 / on demand" in model_row
    deployed = admin.run("--json", "customize", "deploy", "tone", "--wait", *FAST)
    deployment = json.loads(_ok(deployed))
    assert (deployment["name"], deployment["status"]) == ("tone", "Active")
    arn = deployment["arn"]
    registered = _ok(admin.run("customize", "register", "tone", "--display-name", "하늘빛 상담원"))
    assert registered.startswith('채팅 모델로 등록했습니다 / Registered tone as the chat model "하늘빛 상담원": ')
    assert f"genai chat --model {arn}" in registered

    answer = user.run("chat", "--model", arn, "예약을 취소하고 싶어요.")
    assert _ok(answer).startswith("[offline custom model bedrockgenai-tone] You said: «예약을 취소하고 싶어요.»")

    assert _ok(admin.run("customize", "unregister", "tone")).startswith("등록을 없앴습니다 / tone is no longer a chat model")
    gone = user.run("chat", "--model", arn, "안녕")
    assert gone.code == 1
    assert "400 bad_request" in _one_line(gone)

    in_use = admin.run("customize", "delete", "model", "tone", "--yes")
    assert in_use.code == 1
    assert _one_line(in_use).startswith("요청이 현재 상태와 충돌합니다 / 409 conflict: custom model tone is deployed")
    screen, code = admin.at_terminal("customize", "delete", "deployment", "tone", answers=[("[y/N] ", "n\n")])
    assert (code, "Nothing deleted" in screen, "Delete the deployment tone?" in screen) == (0, True, True), screen
    dropped = _ok(admin.run("customize", "delete", "deployment", "tone", "--yes"))
    assert dropped.startswith("배포 tone을(를) 지웠습니다 / Deleted the deployment tone: the custom model is kept")
    screen, code = admin.at_terminal("customize", "delete", "model", "tone", answers=[("[y/N] ", "y\n")])
    assert code == 0, screen
    assert "보관 비용 $1.95/월이 멈춥니다 / its storage charge of $1.95 a month stops" in screen  # the question
    assert "Deleted the custom model tone: its storage charge (about $1.95 a month) stops" in screen
    assert admin.json("customize", "models") == {"models": []}
    assert _ok(admin.run("customize", "models")).strip() == "맞춤 모델이 없습니다 / No custom models."


def test_given_a_dataset_with_bad_records_then_each_problem_is_printed_by_line_and_exit_1(admin, tmp_path):
    good = record("환불은 언제 되나요?", "영업일 기준 3~5일 안에 들어와요.")
    bad = tmp_path / "나쁜-데이터.jsonl"
    bad.write_text(
        jsonl(
            [
                good,
                '{"schemaVersion": "bedrock-conversation-2024", "messages": [',
                "",
                "[1, 2]",
                record("User: 예약 취소해 주세요", "네, 도와드릴게요."),
                good,
            ]
        ),
        encoding="utf-8",
    )

    done = admin.run("customize", "validate", str(bad), "--base-model", NOVA_MICRO)

    assert done.code == 1
    assert done.stdout.splitlines() == [
        "line 2: not valid JSON: Expecting value at column 61 (JSON 형식 오류)",
        "line 3: blank line: JSONL has one JSON object on every line (빈 줄)",
        "line 4: each line must be a JSON object, not a list",
        "line 5: messages.0.content.0.text: contains the reserved keyword 'User:': the training job would fail",
        "file: records: 2 valid records: Amazon Nova Micro needs at least 8 (최소 8개)",
    ]
    summary = _one_line(done)
    assert summary.startswith("데이터셋에 문제가 있습니다 / 400 invalid_dataset: the dataset has 5 problem(s) for Amazon Nova Micro")
    assert "데이터셋에 문제 5개가 있어 저장하지 않았습니다 (request id " in summary
    scripted = admin.run("--json", "customize", "validate", str(bad), "--base-model", NOVA_MICRO)
    assert (scripted.code, scripted.stdout) == (1, "")
    error = json.loads(_one_line(scripted))
    assert (error["status"], error["exit_code"], error["error"]["code"]) == (400, 1, "invalid_dataset")
    assert [d["line"] for d in error["error"]["details"]] == [2, 3, 4, 5, 0]


def test_given_a_dataset_over_the_apis_body_limit_then_validate_checks_it_through_the_presigned_upload(admin, tmp_path):
    answer = "네, 가능해요. 예약 번호 {}번으로 바로 도와드릴게요. 좋은 하루 보내세요!"
    rows = [record(f"질문 {i}: 예약 변경이 가능한가요?", answer.format(i)) for i in range(600)]
    big = tmp_path / "big.jsonl"
    big.write_text(jsonl(rows), encoding="utf-8")
    assert big.stat().st_size > 65_536  # over the API's request body limit: POST /customize/datasets with content answers 413

    report = admin.json("customize", "validate", str(big), "--base-model", NOVA_MICRO, "--epochs", "3")

    assert (report["records"], report["train_records"], report["estimated_cost"]["epochs"]) == (600, 600, 3)


def test_given_a_running_job_when_stopped_at_the_terminal_then_it_stops_and_status_wait_exits_1(east, admin):
    dataset_id = admin.json("customize", "validate", str(SAMPLE), "--base-model", NOVA_MICRO)["dataset_id"]
    sim_settings(east, job_seconds=60)
    try:
        _ok(admin.run("customize", "start", "--dataset", dataset_id, "--name", "tone-stop"))
        piped = admin.run("customize", "stop", "tone-stop")  # no terminal to ask on, no --yes
        assert (piped.code, "--yes" in piped.stderr) == (2, True)
        screen, code = admin.at_terminal("customize", "stop", "tone-stop", answers=[("[y/N] ", "예\n")])
        assert code == 0, screen
        assert "Stop the job tone-stop? It cannot be resumed." in screen
        assert "멈추는 중입니다 / Stopping job tone-stop (멈추는 중 / Stopping)" in screen
        waited = admin.run("customize", "status", "tone-stop", "--wait", *FAST)
        assert waited.code == 1
        assert waited.stdout.splitlines()[0].startswith("작업 / Job tone-stop · 멈춤 / Stopped")
    finally:
        sim_settings(east, job_seconds=1)


def test_given_a_user_outside_the_admin_group_then_every_customize_command_exits_3(user):
    for command in [
        ("catalog",),
        ("validate", str(SAMPLE), "--base-model", NOVA_MICRO),
        ("status",),
        ("status", "tone"),
        ("start", "--dataset", "ds-0000000000000000", "--name", "x"),
        ("stop", "tone", "--yes"),
        ("deploy", "tone"),
        ("models",),
        ("register", "tone", "--display-name", "x"),
        ("delete", "deployment", "tone", "--yes"),
    ]:
        done = user.run("customize", *command)
        assert (done.code, done.stdout) == (3, ""), command
        assert _one_line(done).startswith("권한이 없습니다 / 403 forbidden: "), command


def test_given_a_base_model_only_provisioned_throughput_serves_then_deploy_explains_the_hourly_cost_and_exits_1(stack, tmp_path):
    """The default stack (us-west-2): Llama 3.1 8B fine-tunes there but has no on-demand deployment."""
    admin = _person(stack, tmp_path / "west", ADMIN)
    llama = "meta.llama3-1-8b-instruct-v1:0:128k"
    rows = [{"prompt": f"질문 {i}: 예약을 바꿀 수 있나요?", "completion": f"네, 예약 {i}번을 바로 바꿔 드릴게요."} for i in range(100)]
    data = tmp_path / "llama.jsonl"
    data.write_text(jsonl(rows), encoding="utf-8")
    dataset_id = admin.json("customize", "validate", str(data), "--base-model", llama)["dataset_id"]
    _ok(admin.run("customize", "start", "--dataset", dataset_id, "--name", "llama-tone"))
    _ok(admin.run("customize", "status", "llama-tone", "--wait", *FAST))
    row = next(line for line in _ok(admin.run("customize", "models")).splitlines() if line.startswith("llama-tone "))
    assert "프로비저닝만 / Provisioned Throughput only" in row

    done = admin.run("customize", "deploy", "llama-tone")

    assert (done.code, done.stdout) == (1, "")
    line = _one_line(done)
    assert line.startswith("온디맨드로 배포할 수 없습니다. 아무것도 구매하지 않았습니다 / llama-tone cannot be deployed on demand here: ")
    assert "nothing was bought" in line
    assert "(billed by the hour)" in line  # the catalog has no Provisioned Throughput price for Llama 3.1 8B
    assert "(409 provisioned_throughput_only, request id " in line
    assert admin.json("customize", "deployments") == {"deployments": []}
    _ok(admin.run("customize", "delete", "model", "llama-tone", "--yes"))


def test_given_a_custom_model_whose_base_model_has_since_retired_then_models_says_so_and_deploy_is_refused(stack, tmp_path):
    """The default stack (us-west-2) on the real date: Claude 3 Haiku retired there on 2026-09-10; a custom model of it
    made on 2026-09-01 (the offline account moved back for the job) can no longer be used."""
    admin = _person(stack, tmp_path / "west", ADMIN)
    turns = [[{"role": "user", "content": f"질문 {i}"}, {"role": "assistant", "content": f"답변 {i}"}] for i in range(32)]
    haiku = "anthropic.claude-3-haiku-20240307-v1:0:200k"
    made_before_end_of_life(stack, "cli-haiku", haiku, jsonl([{"system": "상담원", "messages": m} for m in turns]), "2026-09-01")

    shown = _ok(admin.run("customize", "models")).splitlines()

    row = next(line for line in shown if line.startswith("cli-haiku "))
    assert "지원 종료 / end of life 2026-09-10" in row
    assert "Provisioned Throughput" not in row
    note = next(line for line in shown if line.startswith("cli-haiku: "))
    assert "it only costs storage until deleted" in note
    assert note.endswith("genai customize delete model cli-haiku")
    done = admin.run("customize", "deploy", "cli-haiku")
    assert (done.code, done.stdout) == (1, "")
    line = _one_line(done)
    assert "The custom model cli-haiku was made from Anthropic Claude 3 Haiku" in line
    assert "400 model_end_of_life" in line
    _ok(admin.run("customize", "delete", "model", "cli-haiku", "--yes"))


def test_given_the_korean_prompts_then_distillation_starts_from_the_cli_with_a_teacher_and_without_one_is_refused(admin):
    prompts = SAMPLE.with_name("company-tone-prompts.jsonl")
    checked = _ok(admin.run("customize", "validate", str(prompts), "--base-model", NOVA_MICRO, "--method", "distillation"))
    assert checked.splitlines()[0].endswith(f"company-tone-prompts.jsonl for {NOVA_MICRO} (DISTILLATION)")
    dataset_id = checked.splitlines()[1].split()[-1]
    assert checked.splitlines()[-1].endswith("--name NAME --method distillation --teacher ID")
    listed = _ok(admin.run("customize", "catalog"))
    assert f"  {NOVA_MICRO} ← amazon.nova-pro-v1:0" in listed.splitlines()  # Nova Premier: past its end of life, not listed
    assert "nova-premier" not in listed

    missing = admin.run("customize", "start", "--dataset", dataset_id, "--name", "cli-distill", "--method", "distillation")
    assert missing.code == 2
    assert "--method distillation needs --teacher" in missing.stderr
    wrong = admin.run("customize", "start", "--dataset", dataset_id, "--name", "cli-distill", "--teacher", "amazon.nova-micro-v1:0")
    assert wrong.code != 0
    assert "distillation.teacher_model_id" in wrong.stderr or "not a documented distillation teacher" in wrong.stderr
    retired = admin.run("customize", "start", "--dataset", dataset_id, "--name", "cli-distill", "--teacher", "us.amazon.nova-premier-v1:0")
    assert (retired.code, retired.stdout) == (1, "")
    assert "reached its Bedrock end of life on 2026-09-14" in retired.stderr
    assert "400 model_end_of_life" in retired.stderr

    start = ("customize", "start", "--dataset", dataset_id, "--name", "cli-distill", "--method", "distillation")
    started = _ok(admin.run(*start, "--teacher", "amazon.nova-pro-v1:0", "--max-response-length", "800"))
    assert "teacher amazon.nova-pro-v1:0 (800 tokens)" in started
    assert _ok(admin.run("customize", "status", "cli-distill", "--wait", *FAST))
