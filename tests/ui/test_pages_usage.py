"""The usage views through AppTest against the local stack: the budget left beside the chat box (refreshed after a
turn, unlimited for an admin, a 429 in words with its reset time), the Usage page of one's own models, and the admin's
page: users of a seeded day sorted and paged, the month's daily spend by model, budgets set and deleted in the UI as
GET /admin/budgets then returns them."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from typing import Any

import boto3
import pyarrow as pa
import pytest

from tests.integration.live import cognito, create_user
from tests.integration.usage_rows import put_rows, row
from tests.ui.apptest import PASSWORD, app, texts
from ui.client import Client, Outputs, sign_in
from ui.i18n import t

DAY, MONTH = "2024-03-15", "2024-03"  # a day and month no other test writes: the seeded rows are all they hold
HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
NOVA, NOVA_NAME = "us.amazon.nova-lite-v1:0", "Amazon Nova Lite"


def chart(at: Any) -> tuple[dict[str, Any], list[tuple[str, str, float]]]:
    """The one bar chart's Vega-Lite spec and its data as (day, model, USD) rows, as the browser receives them."""
    proto = at.get("vega_lite_chart")[0].proto
    spec = json.loads(proto.spec)
    data = pa.ipc.open_stream(proto.datasets[0].data.data).read_pandas()
    encoding = spec["encoding"]
    x, y = encoding["x"]["field"], encoding["y"]["field"]
    if "color" in encoding:  # several models: long form, one row per day and model
        return spec, [(r[x], r[encoding["color"]["field"]], float(r[y])) for _, r in data.iterrows()]
    return spec, [(r[x], encoding["tooltip"][1]["title"], float(r[y])) for _, r in data.iterrows()]


def api(outputs_file: Any, email: str) -> Client:
    outputs = Outputs.load(outputs_file)
    return Client(outputs.api_url, sign_in(outputs, email, PASSWORD))


def sub_of(stack: dict[str, Any], email: str) -> str:
    found = cognito(stack).list_users(UserPoolId=stack["UserPoolId"], Filter=f'email = "{email}"')["Users"]
    return next(a["Value"] for a in found[0]["Attributes"] if a["Name"] == "sub")


def budget_caption(at: Any) -> str:
    """The line beside the chat box (st.bottom holds it with the box)."""
    return next(c.value for c in at.caption if str(c.value).startswith(("남은 예산", "예산:", "Budget", ":material/warning:")))


def test_given_a_user_then_the_budget_left_shows_beside_the_chat_box_and_drops_after_a_turn_and_their_usage_page_has_no_admin_part(
    stack, outputs_file
):
    email = f"usage-ui-{uuid.uuid4().hex[:6]}@example.com"
    create_user(stack, email, PASSWORD)
    at = app(outputs_file, email)
    before = budget_caption(at)
    assert re.fullmatch(
        r"남은 예산: 오늘 토큰 200,000 남음 \(\d\d-\d\d 00:00 초기화\) · "
        r"이번 달 \$20\.00 남음 \(\d\d-01 00:00 초기화\) · Asia/Seoul",
        before,
    ), before
    at.chat_input[0].set_value("예산이 줄어드는지 봅니다").run()
    report = api(outputs_file, email).call("GET", "usage")
    left = int(report["budgets"][0]["remaining"])  # tokens (the API writes them as a JSON number, 199940.0)
    assert 0 < left < 200_000
    assert f"오늘 토큰 {left:,} 남음" in budget_caption(at)  # refreshed after the turn: what GET /usage says now

    with pytest.raises(ValueError, match="Could not find a navigation page"):  # the admin page is not offered
        at.switch_page("pages/usage_admin.py")
    at.switch_page("pages/usage.py").run()
    assert at.title[0].value == "사용량"
    budgets, today, month = (d.value for d in at.dataframe)
    assert list(budgets["남음"]) == [f"{left:,}", report["budgets"][1] and f"${report['budgets'][1]['remaining']:,.2f}"]
    model = report["day"]["models"][0]
    assert today.iloc[0][["입력 토큰", "출력 토큰"]].tolist() == [model["input_tokens"], model["output_tokens"]]
    assert (today.iloc[-1]["모델"], month.iloc[-1]["모델"]) == ("합계", "합계")
    catalog = api(outputs_file, email).call("GET", "models")
    shown = {"guardrail": "가드레일 검사", **{m["id"]: m["name"] for m in catalog["chat_models"]}}
    assert list(today["모델"])[:-1] == [shown.get(m["model_id"], m["model_id"]) for m in report["day"]["models"]]  # names, not ids
    assert not [b for b in at.button if "CSV" in str(b.label)]
    assert len(at.dataframe) == 3


def test_given_an_admin_then_the_chat_says_unlimited_and_the_admin_page_shows_a_seeded_day_sorted_paged_and_charted(stack, outputs_file):
    people = [str(uuid.uuid4()) for _ in range(21)]  # one more than a page
    rows = [
        row(
            sub,
            f"DAY#{DAY}",
            cost_micro_usd=1_000 * (i + 1),
            input_tokens=10 * (i + 1),
            output_tokens=5,
            requests=1,
            models={HAIKU: {"cost_micro_usd": 1_000 * (i + 1), "input_tokens": 10 * (i + 1), "output_tokens": 5}},
        )
        for i, sub in enumerate(people)
    ]
    rows.append(
        row(
            people[0],
            "DAY#2024-03-02",
            cost_micro_usd=3_250_000,
            input_tokens=2,
            output_tokens=2,
            requests=2,
            models={
                HAIKU: {"cost_micro_usd": 2_500_000, "input_tokens": 1, "output_tokens": 1},
                NOVA: {"cost_micro_usd": 750_000, "input_tokens": 1, "output_tokens": 1},
            },
        )
    )
    dynamodb = boto3.client("dynamodb", endpoint_url=stack["CognitoEndpoint"], region_name=stack["Region"])  # the stack's moto
    put_rows(dynamodb, stack["UsageTableName"], rows)

    at = app(outputs_file, "admin@example.com", lang="en")
    assert budget_caption(at) == t("budget.line_unlimited", "en")
    at.switch_page("pages/usage_admin.py").run()
    at.date_input(key="admin_date").set_value(date.fromisoformat(DAY)).run()
    table = at.dataframe[0].value
    assert list(table["User ID (sub)"]) == people[::-1][:20]  # the costliest first, 20 a page
    assert list(table["Cost (USD)"])[:2] == ["$0.021", "$0.020"]
    assert texts(at, "caption")[1].startswith("21 users · $0.23 in all")
    next(b for b in at.button if b.label == "Next page").click().run()
    assert list(at.dataframe[0].value["User ID (sub)"]) == [people[0]]  # the page after next_token
    next(b for b in at.button if b.label == "Previous page").click().run()
    assert len(at.dataframe[0].value) == 20
    at.selectbox(key="admin_order").select("asc").run()
    assert list(at.dataframe[0].value["User ID (sub)"])[:2] == people[:2]
    assert at.get("download_button")[0].proto.label == "Download CSV"

    spec, drawn = chart(at)
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["stack"] is True
    assert (spec["encoding"]["x"]["title"], spec["encoding"]["y"]["title"]) == ("Day", "Cost (USD)")
    spent = {(day, model): round(usd, 6) for day, model, usd in drawn if usd}
    assert spent == {("03-02", "Claude Haiku 4.5"): 2.5, ("03-02", NOVA_NAME): 0.75, ("03-15", "Claude Haiku 4.5"): 0.231}
    assert len({day for day, _, _ in drawn}) == 31  # every day of March 2024, one GET /admin/usage each
    captions = texts(at, "caption")
    assert any(c.startswith("Each day's total over every user is read once per day (31 days") for c in captions)


def test_given_an_admin_then_a_budget_set_in_the_ui_is_what_the_api_returns_and_its_user_is_refused_in_words_then_it_is_deleted(
    stack, outputs_file
):
    email = f"capped-{uuid.uuid4().hex[:6]}@example.com"
    create_user(stack, email, PASSWORD)
    sub = sub_of(stack, email)
    at = app(outputs_file, "admin@example.com")
    at.switch_page("pages/usage_admin.py").run()
    at.radio(key="budget_scope").set_value("user")
    at.text_input(key="budget_target").input(sub)
    at.number_input(key="budget_tokens").set_value(10)
    at.number_input(key="budget_usd").set_value(3.5)
    next(b for b in at.button if b.label == "저장").click().run()
    assert texts(at, "success") == [t("budgets.saved", "ko", who=f"사용자 {sub}")]
    stored = [o for o in api(outputs_file, "admin@example.com").call("GET", "admin/budgets")["overrides"] if o["id"] == sub]
    assert [(o["scope"], o["tokens_per_day"], o["usd_per_month"], o["unlimited"]) for o in stored] == [("user", 10, 3.5, False)]
    listed = at.dataframe[-1].value
    assert listed[listed["대상"] == f"사용자 {sub}"][["하루 토큰", "한 달 비용(USD)"]].values.tolist() == [["10", "$3.50"]]

    capped = app(outputs_file, email)
    assert "오늘 토큰 10 남음" in budget_caption(capped)
    capped.chat_input[0].set_value("이 요청은 예산을 넘습니다").run()
    refusal = texts(capped, "error")[0]
    assert refusal.startswith(t("error.budget_exceeded", "ko"))
    assert re.search(
        r"하루 토큰: 한도 10 · 사용 0 · 이 요청 최대 [\d,]+\. "
        r"\d{4}-\d\d-\d\d 00:00 \(UTC\+09:00\)에 초기화됩니다\.",
        refusal,
    ), refusal
    assert "429 budget_exceeded" in refusal
    assert "T00:00:00" not in refusal

    at.selectbox(key="budget_pick").select(f"user:{sub}")
    next(b for b in at.button if b.key == "budget_delete").click().run()
    assert [o["id"] for o in api(outputs_file, "admin@example.com").call("GET", "admin/budgets")["overrides"]].count(sub) == 1  # asks first
    assert t("budgets.confirm_delete", "ko", who=f"사용자 {sub}") in texts(at, "warning")
    next(b for b in at.button if b.key == "budget_deleting-yes").click().run()
    assert sub not in [o["id"] for o in api(outputs_file, "admin@example.com").call("GET", "admin/budgets")["overrides"]]
    assert texts(at, "success") == [t("budgets.deleted", "ko", who=f"사용자 {sub}")]
