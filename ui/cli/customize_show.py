"""How `genai customize` shows its answers: the catalog, a dataset's check, jobs and one job's loss, custom models and
deployments, in Korean and English, with dollars rounded like the usage commands (ui/cli/figures.py)."""

from __future__ import annotations

from typing import Any

from ui.cli.figures import count, dollars, table
from ui.cli.output import columns, local_time

STATES = {
    "InProgress": "진행 중",
    "Completed": "완료",
    "Failed": "실패",
    "Stopping": "멈추는 중",
    "Stopped": "멈춤",
    "Creating": "만드는 중",
    "Active": "사용 가능",
}
LOSS_ROWS = 10  # the last rows of each loss table; --json has them all


def state(status: Any) -> str:
    """`완료 / Completed`."""
    korean = STATES.get(str(status))
    return f"{korean} / {status}" if korean else str(status)


def _usd(value: Any) -> str:
    return "-" if value is None else dollars(value)


def warning_lines(warnings: Any) -> list[str]:
    """The API's lifecycle warnings (a Legacy base model or teacher: English / Korean), one line each."""
    return [f"경고 / Warning: {w}" for w in warnings or []]


def _legacy(row: dict[str, Any]) -> str:
    found = row.get("lifecycle") or {}
    return f" (Legacy, EOL {found.get('end_of_life') or '-'})" if found.get("status") == "LEGACY" else ""


def catalog_lines(found: dict[str, Any]) -> list[str]:
    """The API lists no model past its Bedrock end of life; a Legacy one is marked, with its end-of-life date."""
    rows = []
    for model in found.get("base_models") or []:
        here = model.get("available_here") or {}
        methods = ", ".join(m.lower().replace("_", "-") for m, ok in here.items() if ok) or "-"
        limits = model.get("dataset") or {}
        prices = model.get("prices") or {}
        rows.append(
            [
                model.get("id", ""),
                str(model.get("name", "")) + _legacy(model),
                methods,
                "예 / yes" if model.get("on_demand_here") else "아니요 / no",
                f"{count(limits.get('min_records'))}-{count(limits.get('max_records'))}",
                _usd(prices.get("training_per_1k_tokens")),
                _usd(prices.get("storage_per_month")),
                _usd(prices.get("provisioned_throughput_per_hour")),
            ]
        )
    headings = [
        "ID",
        "이름 / Name",
        "여기서 / Here",
        "온디맨드 / On demand",
        "레코드 / Records",
        "훈련 1K 토큰 / Train 1K tok",
        "보관 월 / Storage a month",
        "PT 시간 / PT an hour",
    ]
    head = f"맞춤화할 수 있는 모델 / Customizable models · {found.get('region')} (확인 / verified {found.get('verified_on')})"
    teachers = [
        f"  {m.get('id')} ← {', '.join(t['id'] + _legacy(t) for t in m['teachers'])}"
        for m in found.get("base_models") or []
        if m.get("teachers")
    ]
    if teachers:
        teachers.insert(0, "증류 교사 모델 / Distillation teachers (--teacher):")
    return [head, *table(headings, rows, right=frozenset({4, 5, 6, 7})), *teachers]


def report_lines(report: dict[str, Any], file_name: str) -> list[str]:
    tokens, cost = report.get("tokens") or {}, report.get("estimated_cost") or {}
    split = f"훈련 / train {count(report.get('train_records'))}, 검증 / validation {count(report.get('validation_records'))}"
    price = cost.get("price_per_1k_tokens")
    if cost.get("usd") is not None:
        estimate = (
            f"≈{dollars(cost['usd'])} ({count(cost.get('tokens_trained'))} tokens trained = {count(tokens.get('train'))} × "
            f"{cost.get('epochs')} epochs, at {dollars(price)} per 1,000 tokens)"
        )
    else:
        estimate = f"추정 불가 / not estimated: {cost.get('note')}"
    rows = [
        ["데이터셋 / Dataset ID", str(report.get("dataset_id"))],
        ["레코드 / Records", f"{count(report.get('records'))} ({split})"],
        [
            "토큰 / Tokens (추정 / estimated)",
            f"{count(tokens.get('total'))} (훈련 / train {count(tokens.get('train'))}, "
            f"가장 긴 레코드 / longest record {count(tokens.get('max_record'))})",
        ],
        ["훈련 비용 / Training cost", estimate],
    ]
    if cost.get("storage_per_month_usd") is not None:
        rows.append(["보관 비용 / Storage", f"{dollars(cost['storage_per_month_usd'])} a month for each custom model kept"])
    for source in cost.get("price_sources") or []:  # where the catalog read these prices (customization.md#costs)
        where = source.get("url") or source.get("what")
        rows.append(["가격 출처 / Price source", f"[{source.get('label')}] {where} ({source.get('published') or 'undated'})"])
    head = f"데이터셋이 올바릅니다 / The dataset is valid: {file_name} for {report.get('base_model_id')} ({report.get('method')})"
    step = f"다음 / Next: genai customize start --dataset {report.get('dataset_id')} --name NAME"
    if report.get("method") == "DISTILLATION":
        step += " --method distillation --teacher ID"  # `genai customize catalog` lists the teachers
    return [head, *columns(rows), *warning_lines(report.get("warnings")), step]


def jobs_lines(jobs: list[dict[str, Any]]) -> list[str]:
    if not jobs:
        return ["작업이 없습니다 / No customization jobs."]
    rows = [
        [
            j["name"],
            state(j.get("status")),
            str(j.get("base_model_id") or ""),
            local_time(j.get("created_at")),
            local_time(j.get("ended_at")) if j.get("ended_at") else "-",
        ]
        for j in jobs
    ]
    return table(["작업 / Job", "상태 / Status", "기반 모델 / Base model", "시작 / Started", "끝 / Ended"], rows)


def _loss_table(rows: list[dict[str, Any]], loss: str, heading: str) -> list[str]:
    shown = rows[-LOSS_ROWS:]
    cells = [[count(r.get("step_number")), count(r.get("epoch_number")), f"{float(r[loss]):.4f}" if loss in r else "-"] for r in shown]
    more = f" (마지막 / last {len(shown)} of {len(rows)})" if len(rows) > len(shown) else ""
    return ["", f"{heading}{more}", *table(["단계 / Step", "에포크 / Epoch", heading], cells, right=frozenset({0, 1, 2}))]


def job_lines(job: dict[str, Any]) -> list[str]:
    lines = [f"작업 / Job {job['name']} · {state(job.get('status'))} · {job.get('base_model_id')} · {job.get('method')}"]
    ended = f" · 끝 / ended {local_time(job['ended_at'])}" if job.get("ended_at") else ""
    lines.append(f"시작 / Started {local_time(job.get('created_at'))}{ended}")
    stages = ", ".join(f"{k} {v}" for k, v in (job.get("status_details") or {}).items())
    if stages:
        lines.append(f"단계 / Stages: {stages}")
    sent = ", ".join(f"{k}={v}" for k, v in (job.get("hyperparameters") or {}).items())
    if sent:
        lines.append(f"하이퍼파라미터 / Hyperparameters: {sent}")
    if job.get("failure_message"):
        lines.append(f"실패 이유 / Failure: {job['failure_message']}")
    if job.get("custom_model_arn"):
        lines.append(f"맞춤 모델 / Custom model: {job['name']} ({job['custom_model_arn']}): `genai customize deploy {job['name']}`")
    metrics = job.get("metrics") or {}
    if metrics.get("training_loss") is not None:
        lines.append(f"훈련 손실 / Training loss: {float(metrics['training_loss']):.4f}")
    if metrics.get("training_steps"):
        lines += _loss_table(metrics["training_steps"], "training_loss", "훈련 손실 / Training loss")
    if metrics.get("validation_steps"):
        lines += _loss_table(metrics["validation_steps"], "validation_loss", "검증 손실 / Validation loss")
    return lines


def deployable(option: dict[str, Any], lifecycle: dict[str, Any] | None = None) -> str:
    if (lifecycle or {}).get("status") == "END_OF_LIFE":
        return f"지원 종료 / end of life {lifecycle.get('end_of_life') if lifecycle else ''}"
    if option.get("on_demand"):
        return "온디맨드 / on demand"
    hourly = option.get("provisioned_throughput_per_hour_usd")
    return "프로비저닝만 / Provisioned Throughput only" + (f" (≈{dollars(hourly)}/h)" if hourly else "")


def models_lines(models: list[dict[str, Any]]) -> list[str]:
    if not models:
        return ["맞춤 모델이 없습니다 / No custom models."]
    rows = [
        [
            m["name"],
            state(m.get("status")),
            str(m.get("base_model_id") or ""),
            _usd(m.get("storage_per_month_usd")),
            deployable(m.get("deployment") or {}, m.get("base_lifecycle")),
            local_time(m.get("created_at")),
        ]
        for m in models
    ]
    headings = [
        "모델 / Model",
        "상태 / Status",
        "기반 모델 / Base model",
        "보관 월 / Storage a month",
        "배포 / Deploy",
        "만든 때 / Created",
    ]
    return table(headings, rows, right=frozenset({3})) + [retired_line(m) for m in models if _retired(m)]


def _retired(model: dict[str, Any]) -> bool:
    return (model.get("base_lifecycle") or {}).get("status") == "END_OF_LIFE"


def retired_line(model: dict[str, Any]) -> str:
    """A custom model whose base model is past its Bedrock end of life: it serves nothing, and costs storage until deleted."""
    found, name = model["base_lifecycle"], model["name"]
    return (
        f"{name}: 삭제할 때까지 보관 비용만 듭니다 / it only costs storage until deleted — 기반 모델 {found.get('base_name')} "
        f"지원 종료({found.get('end_of_life')}), 더 이상 쓸 수 없습니다 / its base model reached its Bedrock end of life "
        f"on {found.get('end_of_life')} and it can no longer be used: genai customize delete model {name}"
    )


def deployments_lines(deployments: list[dict[str, Any]]) -> list[str]:
    if not deployments:
        return ["배포가 없습니다 / No deployments."]
    rows = [
        [d["name"], state(d.get("status")), d.get("display_name") or ("-" if not d.get("registered") else ""), d.get("arn", "")]
        for d in deployments
    ]
    return table(["배포 / Deployment", "상태 / Status", "채팅 이름 / Chat name", "ARN (chat --model)"], rows)
