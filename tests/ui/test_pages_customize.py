"""The Custom models page through AppTest against a local stack in us-east-1 (Nova Micro fine-tunes and deploys on
demand there; offline jobs take LOCAL_CUSTOMIZATION_JOB_SECONDS, 1 s): the Korean sample dataset uploaded and checked,
a job started, followed until completed, deployed, registered, and the chat opened with that model picked, which then
answers as the custom model; a bad dataset's problems by line; no page for a user outside the admin group; in
us-west-2 on the suite's fixed date, models past their Bedrock end of life left out and Legacy ones warned about."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.clock import TODAY
from tests.integration.customize_helpers import NOVA_MICRO, SAMPLE, east_stack, jsonl, made_before_end_of_life, record
from tests.integration.live import running_stack
from tests.ui.apptest import app, texts

ADMIN, USER = "admin@example.com", "user@example.com"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0:200k"


@pytest.fixture(scope="module")
def east(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with east_stack(tmp_path_factory.mktemp("customize-ui-east")) as outputs:
        yield outputs


@pytest.fixture
def east_file(east: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(east), encoding="utf-8")
    monkeypatch.setenv("GENAI_OUTPUTS", str(path))
    return path


def _page(outputs_file: Path, username: str = ADMIN) -> AppTest:
    at = app(outputs_file, username)
    return at.switch_page("pages/customize.py").run()


def _upload_and_check(at: AppTest, name: str, data: bytes) -> None:
    at.selectbox(key="cust_base").set_value(NOVA_MICRO).run()
    at.file_uploader(key="cust_file").set_value((name, data, "application/jsonl")).run()
    at.button(key="cust_check").click().run()


def _until(at: AppTest, text: str, timeout: float = 30) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        shown = "\n".join(texts(at, "markdown") + texts(at, "caption") + texts(at, "success"))
        if text in shown:
            return shown
        time.sleep(0.5)
        at.run()
    raise AssertionError(f"{text!r} never showed: {shown}")


def test_given_the_korean_sample_then_the_page_validates_trains_deploys_registers_and_opens_the_chat_with_the_model(east_file):
    at = _page(east_file)
    assert at.title[0].value == "맞춤 모델"
    at.number_input(key="cust_split").set_value(0.2).run()
    _upload_and_check(at, "company-tone.jsonl", SAMPLE.read_bytes())

    assert [m.value for m in at.metric][:1] == ["30"]
    assert at.metric[0].proto.delta == "훈련 24, 검증 6"
    assert at.metric[2].value.startswith("$")
    sources = [c for c in texts(at, "caption") if c.startswith("가격 출처 [")]  # where the training and storage prices come from
    assert [c.split("]")[0] for c in sources] == ["가격 출처 [second-hand"] * 2
    assert at.success[0].value.startswith("데이터셋이 올바릅니다 (ID ds-")
    epochs = at.number_input(key="cust_hp_epochCount")
    assert (epochs.min, epochs.max) == (1, 5)  # the catalog's range for Nova Micro
    epochs.set_value(2)
    at.text_input(key="cust_name").input("ui-tone").run()
    at.button(key="cust_start").click().run()
    assert at.success[0].value == "작업 ui-tone을(를) 시작했습니다."

    _until(at, "**ui-tone** · 완료")
    assert at.session_state["cust_busy"] is False  # settled: the fragment stops refreshing itself
    at.button(key="cust_deploy_ui-tone").click().run()
    _until(at, "배포: 사용 가능")
    at.text_input(key="cust_display_ui-tone").input("하늘빛 상담원").run()
    at.button(key="cust_register_ui-tone").click().run()
    assert at.success[0].value == '채팅 모델 "하늘빛 상담원"(으)로 등록했습니다.'
    at.button(key="cust_chat_ui-tone").click().run()

    assert at.title[0].value == "채팅"
    picker = at.selectbox(key="chat_model")
    assert picker.format_func(picker.value) == "하늘빛 상담원"
    assert str(picker.value).startswith("arn:aws:bedrock:us-east-1:")
    at.switch_page("pages/chat.py")  # the browser's address now names the chat page; AppTest keeps the page it was told
    at.chat_input[0].set_value("예약을 취소하고 싶어요.").run()
    assert not texts(at, "error")
    assert at.selectbox(key="chat_model").value == picker.value
    answer = str(at.chat_message[1].markdown[0].value)
    assert answer.startswith("[offline custom model bedrockgenai-ui-tone] You said: «예약을 취소하고 싶어요.»"), answer

    at.switch_page("pages/customize.py").run()
    at.button(key="cust_unregister_ui-tone").click().run()
    assert at.text_input(key="cust_display_ui-tone").value == ""  # registrable again: no longer a chat model
    at.button(key="cust_delete_deployments_ui-tone").click().run()
    asked = at.warning[0].value
    assert asked.startswith("배포 ui-tone을(를) 삭제할까요?"), asked
    assert "월 $" in asked, asked
    at.button(key="cust_deleting-yes").click().run()
    assert at.success[0].value.startswith("배포 ui-tone을(를) 삭제했습니다.")
    at.button(key="cust_delete_models_ui-tone").click().run()
    assert "보관 비용 월 $" in at.warning[0].value
    at.button(key="cust_deleting-yes").click().run()
    assert at.success[0].value.startswith("맞춤 모델 ui-tone을(를) 삭제했습니다. 보관 비용 월 $")
    assert "맞춤 모델이 없습니다." in texts(at, "caption")


def test_given_a_bad_dataset_then_the_page_shows_each_problem_by_line(east_file):
    good = record("환불은 언제 되나요?", "영업일 기준 3~5일 안에 들어와요.")
    bad = jsonl([good, '{"schemaVersion": "bedrock-conversation-2024", "messages": [', "", "[1, 2]", good])
    at = _page(east_file)

    _upload_and_check(at, "나쁜.jsonl", bad.encode())

    assert at.error[0].value == "데이터셋에 문제 4개가 있어 저장하지 않았습니다."
    table = at.dataframe[0].value
    assert list(table.columns) == ["줄", "필드", "문제"]
    assert list(table["줄"]) == ["2", "3", "4", "파일 전체"]
    assert "not valid JSON" in table["문제"][0]
    assert not at.metric  # nothing to start a job from


def test_given_a_user_outside_the_admin_group_then_there_is_no_custom_models_page(east_file):
    at = app(east_file, USER)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/customize.py")


def test_given_a_base_model_only_provisioned_throughput_serves_then_deploy_says_so_in_words_and_buys_nothing(outputs_file):
    """The default stack (us-west-2): Llama 3.1 8B fine-tunes there but has no on-demand deployment."""
    llama = "meta.llama3-1-8b-instruct-v1:0:128k"
    rows = [{"prompt": f"질문 {i}: 예약을 바꿀 수 있나요?", "completion": f"네, 예약 {i}번을 바로 바꿔 드릴게요."} for i in range(100)]
    at = _page(outputs_file)
    at.selectbox(key="cust_base").set_value(llama).run()
    at.file_uploader(key="cust_file").set_value(("llama.jsonl", jsonl(rows).encode(), "application/jsonl")).run()
    at.button(key="cust_check").click().run()
    at.text_input(key="cust_name").input("ui-llama").run()
    at.button(key="cust_start").click().run()
    _until(at, "**ui-llama** · 완료")

    at.button(key="cust_deploy_ui-llama").click().run()

    said = at.warning[0].value
    assert said.startswith("ui-llama은(는) 이 리전에서 온디맨드로 배포할 수 없고 프로비저닝된 처리량으로만 쓸 수 있습니다 ("), said
    assert said.endswith("아무것도 구매하지 않았습니다.")
    assert "배포: 없음" in _until(at, "**ui-llama**")
    at.button(key="cust_delete_models_ui-llama").click().run()
    at.button(key="cust_deleting-yes").click().run()


def test_given_a_custom_model_whose_base_model_has_since_retired_then_the_page_says_so_and_offers_only_delete(outputs_file, stack):
    """The default stack (us-west-2) on the real date: Claude 3 Haiku retired there on 2026-09-10; a custom model of it
    made on 2026-09-01 (the offline account moved back for the job) can no longer be used."""
    turns = [[{"role": "user", "content": f"질문 {i}"}, {"role": "assistant", "content": f"답변 {i}"}] for i in range(32)]
    made_before_end_of_life(stack, "ui-haiku", HAIKU, jsonl([{"system": "상담원", "messages": m} for m in turns]), "2026-09-01")
    at = _page(outputs_file)
    _until(at, "**ui-haiku** · 보관 월")

    (said,) = [e for e in texts(at, "error") if "ui-haiku" in e]
    assert said.startswith("Anthropic Claude 3 Haiku은(는) 2026-09-10에 Bedrock 지원이 종료(EOL)되어 ui-haiku은(는) 더 이상 ")
    assert "삭제할 때까지 보관 비용(월 보관 비용)만 듭니다." in said
    keys = [b.key for b in at.button]
    assert "cust_deploy_ui-haiku" not in keys
    at.button(key="cust_delete_models_ui-haiku").click().run()
    at.button(key="cust_deleting-yes").click().run()
    assert not [line for line in texts(at, "markdown") if line.startswith("**ui-haiku** · 보관 월")]  # the model row is gone


def test_given_distillation_then_the_page_offers_the_teachers_starts_the_job_and_its_stop_button_stops_it(east_file, east):
    from tests.integration.customize_helpers import ROOT, sim_settings

    prompts = ROOT / "local" / "seed" / "customization" / "company-tone-prompts.jsonl"
    at = _page(east_file)
    at.selectbox(key="cust_base").set_value(NOVA_MICRO).run()
    at.selectbox(key="cust_method").set_value("DISTILLATION").run()
    at.file_uploader(key="cust_file").set_value(("prompts.jsonl", prompts.read_bytes(), "application/jsonl")).run()
    at.button(key="cust_check").click().run()
    assert [m.value for m in at.metric][:1] == ["100"]

    teacher = at.selectbox(key="cust_teacher")  # the catalog's teachers for Nova Micro in us-east-1
    assert teacher.options == ["Amazon Nova Pro (amazon.nova-pro-v1:0)"]  # Nova Premier: past its end of life (2026-09-14)
    assert at.number_input(key="cust_length").max == 5000  # Nova Pro's maximum output
    assert "교사 모델이 답을 쓰는 추론 비용" in " ".join(texts(at, "caption"))
    sim_settings(east, job_seconds=120)
    try:
        at.text_input(key="cust_name").input("ui-distill").run()
        at.button(key="cust_start").click().run()
        assert at.success[0].value == "작업 ui-distill을(를) 시작했습니다."
        _until(at, "**ui-distill** · 진행 중")
        at.button(key="cust_stop_ui-distill").click().run()
        assert at.warning[0].value.startswith("작업 ui-distill")
        at.button(key="cust_stopping-yes").click().run()
        _until(at, "**ui-distill** · 멈춤")
    finally:
        sim_settings(east, job_seconds=1)


@pytest.fixture(scope="module")
def west_today(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`make dev`'s default Region on tests/clock.py's date (LOCAL_TODAY): Claude 3 Haiku, Llama 3.2 3B and Llama 3.1 405B
    are past their end of life, Llama 3.3 70B is Legacy until 2027-03-30 (infra/catalog/customizable.json)."""
    with running_stack(tmp_path_factory.mktemp("customize-ui-west"), {"LOCAL_TODAY": TODAY.isoformat()}) as outputs:
        yield outputs


def test_given_retired_and_legacy_models_then_the_pickers_leave_the_retired_out_and_the_page_warns_of_the_legacy_ones(
    west_today: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(west_today), encoding="utf-8")
    monkeypatch.setenv("GENAI_OUTPUTS", str(path))
    at = _page(path)
    offered = " ".join(at.selectbox(key="cust_base").options)
    assert "Claude 3 Haiku" not in offered
    assert "Llama 3.2 3B" not in offered
    at.selectbox(key="cust_base").set_value("meta.llama3-3-70b-instruct-v1:0:128k").run()
    (note,) = [w.value for w in at.warning]
    assert "Meta Llama 3.3 70B Instruct (meta.llama3-3-70b-instruct-v1:0:128k), the base model, is a Legacy Bedrock model" in note
    assert "(end of life 2027-03-30)" in note
    data = jsonl([record(f"질문 {i}", f"답변 {i}") for i in range(100)]).encode()
    at.file_uploader(key="cust_file").set_value(("tone.jsonl", data, "application/jsonl")).run()
    at.button(key="cust_check").click().run()
    assert at.success[0].value.startswith("데이터셋이 올바릅니다")
    assert [w.value for w in at.warning] == [note, note]  # the picker's note and the check's warning

    at.selectbox(key="cust_base").set_value("meta.llama3-1-8b-instruct-v1:0:128k").run()
    at.selectbox(key="cust_method").set_value("DISTILLATION").run()
    at.file_uploader(key="cust_file").set_value(("prompts.jsonl", data, "application/jsonl")).run()
    at.button(key="cust_check").click().run()
    teacher = at.selectbox(key="cust_teacher")  # Llama 3.1 405B taught it too, until 2026-07-07
    assert teacher.options == [
        "Meta Llama 3.1 70B Instruct (meta.llama3-1-70b-instruct-v1:0)",
        "Meta Llama 3.3 70B Instruct (us.meta.llama3-3-70b-instruct-v1:0)",
    ]
    assert at.warning == []  # Llama 3.1 8B and 3.1 70B are Active
    teacher.set_value("us.meta.llama3-3-70b-instruct-v1:0").run()
    (warned,) = [w.value for w in at.warning]
    assert "(us.meta.llama3-3-70b-instruct-v1:0), the teacher, is a Legacy Bedrock model (end of life 2027-03-30)" in warned
