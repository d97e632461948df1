"""`genai customize deploy|deployments|register|unregister|models|delete` (admin group): a completed job's custom
model deployed for on-demand inference, offered in the chat, and deleted when done.

`deploy` never buys Provisioned Throughput: when the base model cannot be deployed on demand in this Region, the
API's 409 `provisioned_throughput_only` is printed with its hourly cost and the command exits 1. `delete` asks first
(unless --yes) and says which charge stops: a custom model's monthly storage; a deployment costs nothing idle.
"""

from __future__ import annotations

import argparse
import time
import urllib.parse
from typing import Any

from ui.cli.context import Context, confirm
from ui.cli.customize_show import deployments_lines, models_lines, state, warning_lines
from ui.cli.exits import REFUSED, CliError, from_api
from ui.cli.figures import dollars
from ui.client import ApiError, Client


def add(actions: Any, common: argparse.ArgumentParser) -> None:
    deploy = actions.add_parser("deploy", parents=[common], help="deploy a custom model on demand (never Provisioned Throughput)")
    deploy.add_argument("name", help="the custom model (the job's name)")
    deploy.add_argument("--deployment", metavar="NAME", help="the deployment's name (default: the model's)")
    deploy.add_argument("--wait", action="store_true", help="wait until the deployment is Active (exit 1 if it fails)")
    deploy.add_argument("--interval", type=float, default=3.0, help=argparse.SUPPRESS)
    deploy.set_defaults(handler=deploy_run)
    actions.add_parser("deployments", parents=[common], help="this stack's deployments and their chat names").set_defaults(
        handler=deployments_run
    )
    register = actions.add_parser("register", parents=[common], help="offer an Active deployment in the chat's model picker")
    register.add_argument("name", help="the deployment")
    register.add_argument("--display-name", required=True, help="the name users see (Korean welcome)")
    register.set_defaults(handler=register_run)
    unregister = actions.add_parser("unregister", parents=[common], help="take a deployment out of the model picker at once")
    unregister.add_argument("name", help="the deployment")
    unregister.set_defaults(handler=unregister_run)
    actions.add_parser("models", parents=[common], help="custom models: storage a month, whether they deploy on demand").set_defaults(
        handler=models_run
    )
    delete = actions.add_parser("delete", parents=[common], help="delete a custom model or a deployment (asks first)")
    delete.add_argument("kind", choices=("model", "deployment"))
    delete.add_argument("name")
    delete.add_argument("--yes", action="store_true", help="do not ask")
    delete.set_defaults(handler=delete_run)


def _path(kind: str, name: str, *rest: str) -> str:
    return "/".join([f"customize/{kind}", urllib.parse.quote(name, safe=""), *rest])


def deploy_run(ctx: Context) -> int:
    args = ctx.args
    client = ctx.client()
    body = {"model_name": args.name, **({"name": args.deployment} if args.deployment else {})}
    try:
        found: dict[str, Any] = client.call("POST", "customize/deployments", body)
    except ApiError as err:
        raise _provisioned_only(err, args.name) from None
    warnings = warning_lines(found.get("warnings"))  # a Legacy base model: the custom model works until its end of life
    if args.wait:
        found = _wait_active(ctx, client, found)
    line = (
        f"배포했습니다 / Deployment {found['name']} of {args.name}: {state(found['status'])}, on demand (billed per token while used, "
        f"nothing while idle). ARN: {found['arn']}"
    )
    after = f"`genai customize register {found['name']} --display-name NAME` offers it in the chat"
    next_line = f"다음 / Next: {after}" + ("" if found["status"] == "Active" else " once Active")
    ctx.output.result(found, [line, *warnings, next_line])
    return 0 if found["status"] != "Failed" else REFUSED


def _provisioned_only(err: ApiError, name: str) -> CliError:
    """409 provisioned_throughput_only: the explanation and its hourly cost; nothing was bought."""
    body = err.body if isinstance(err.body, dict) else {}
    error = body.get("error") or {}
    if error.get("code") != "provisioned_throughput_only":
        return from_api(err)
    details = error.get("details") or [{}]
    option = details[0] if isinstance(details, list) and details and isinstance(details[0], dict) else {}
    hourly = option.get("provisioned_throughput_per_hour_usd")
    cost = f"≈{dollars(hourly)} an hour per model unit, billed whether used or not" if hourly else "billed by the hour"
    line = (
        f"온디맨드로 배포할 수 없습니다. 아무것도 구매하지 않았습니다 / {name} cannot be deployed on demand here: only Provisioned "
        f"Throughput serves it ({cost}); nothing was bought. {' '.join(str(error.get('message', '')).split())} "
        f"(409 provisioned_throughput_only{', request id ' + str(body['request_id']) if body.get('request_id') else ''})"
    )
    return CliError(REFUSED, line, {**body, "status": err.status})


def _wait_active(ctx: Context, client: Client, found: dict[str, Any]) -> dict[str, Any]:
    seen = found["status"]
    while found["status"] == "Creating":
        time.sleep(max(0.2, ctx.args.interval))
        found = client.call("GET", _path("deployments", found["name"]))
        if found["status"] != seen:
            seen = found["status"]
            ctx.output.note(f"{found['name']}: {state(seen)}")
    return found


def deployments_run(ctx: Context) -> int:
    found: dict[str, Any] = ctx.client().call("GET", "customize/deployments")
    ctx.output.result(found, deployments_lines(found["deployments"]))
    return 0


def register_run(ctx: Context) -> int:
    args = ctx.args
    found: dict[str, Any] = ctx.client().call("POST", _path("deployments", args.name, "registration"), {"display_name": args.display_name})
    line = (
        f'채팅 모델로 등록했습니다 / Registered {args.name} as the chat model "{found.get("display_name")}": users pick it now, '
        f'e.g. genai chat --model {found["arn"]} "안녕하세요"'
    )
    ctx.output.result(found, [line])
    return 0


def unregister_run(ctx: Context) -> int:
    name = ctx.args.name
    ctx.client().call("DELETE", _path("deployments", name, "registration"))
    line = f"등록을 없앴습니다 / {name} is no longer a chat model: gone from the picker now; the deployment stays."
    ctx.output.result({"unregistered": name}, [line])
    return 0


def models_run(ctx: Context) -> int:
    found: dict[str, Any] = ctx.client().call("GET", "customize/models")
    lines = models_lines(found["models"])
    unpriced = [m for m in found["models"] if m.get("storage_per_month_usd")]
    if unpriced:
        total = sum(float(m["storage_per_month_usd"]) for m in unpriced)
        lines.append(f"보관 비용 합계 / Storage for these models: {dollars(total)} a month until deleted")
    ctx.output.result(found, lines)
    return 0


def delete_run(ctx: Context) -> int:
    kind, name = ctx.args.kind, ctx.args.name
    client = ctx.client()
    if kind == "model":
        models = client.call("GET", "customize/models")["models"]
        storage = next((m.get("storage_per_month_usd") for m in models if m["name"] == name), None)
        charge = (
            f"보관 비용 {dollars(storage)}/월이 멈춥니다 / its storage charge of {dollars(storage)} a month stops"
            if storage
            else ("월 보관 비용이 멈춥니다 / its monthly storage charge stops")
        )
        question = f"맞춤 모델 {name}을(를) 지울까요? {charge}. / Delete the custom model {name}?"
    else:
        question = (
            f"배포 {name}을(를) 지울까요? 채팅 목록에서 바로 빠지고 맞춤 모델은 남습니다 / Delete the deployment {name}? "
            "It leaves the chat's picker at once; the custom model stays (and keeps its storage charge)."
        )
    if not confirm(question, ctx.args.yes):
        ctx.output.result({"deleted": None}, ["지우지 않았습니다 / Nothing deleted."])
        return 0
    answer: dict[str, Any] = client.call("DELETE", _path("models" if kind == "model" else "deployments", name))
    korean, english = ("맞춤 모델", "custom model") if kind == "model" else ("배포", "deployment")
    line = f"{korean} {name}을(를) 지웠습니다 / Deleted the {english} {name}: {answer.get('note', '')}."
    ctx.output.result(answer, [line])
    return 0
