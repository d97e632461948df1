"""`genai customize …` (admin group): model customization from a JSONL dataset to a chat model users can pick
(docs/customization.md, the /customize routes of docs/api.md#model-customization).

    genai customize catalog
    genai customize validate FILE --base-model ID [--method fine-tuning] [--validation-split 0.1] [--epochs N]
    genai customize start --dataset ID --name NAME [--epochs N] [--learning-rate X] [--warmup-steps N] [--set K=V]
    genai customize start --dataset ID --name NAME --method distillation --teacher ID [--max-response-length N]
    genai customize status [NAME] [--wait]
    genai customize stop NAME [--yes]
    genai customize deploy|deployments|register|unregister|models|delete …  (ui/cli/customize_models.py)

`validate` always sends the file through a presigned upload (POST /customize/uploads, then a multipart POST to S3),
so one path serves a 1 KB file and a 50 MB one. A dataset with problems prints each as `line N: field: message` on
stdout, the API's summary on stderr, and exits 1. Anyone outside the admin group gets the API's 403: exit 3.
"""

from __future__ import annotations

import argparse
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from ui.cli import customize_models
from ui.cli.context import Context, confirm, usage
from ui.cli.customize_show import catalog_lines, job_lines, jobs_lines, report_lines, state, warning_lines
from ui.cli.exits import REFUSED, CliError, api_line, from_api
from ui.client import ApiError, Client

METHODS = {
    "fine-tuning": "FINE_TUNING",
    "continued-pre-training": "CONTINUED_PRE_TRAINING",
    "distillation": "DISTILLATION",
    "reinforcement-fine-tuning": "REINFORCEMENT_FINE_TUNING",
}
NAMED = {"epochs": "epochCount", "learning_rate": "learningRate", "warmup_steps": "learningRateWarmupSteps", "batch_size": "batchSize"}
JOB_ENDS = {"Completed", "Failed", "Stopped"}


def add(commands: Any, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser("customize", parents=[common], help="(admin) fine-tune a model on a dataset and offer it in the chat")
    actions = group.add_subparsers(dest="action", required=True)
    actions.add_parser("catalog", parents=[common], help="the base models this stack's Region can customize").set_defaults(
        handler=catalog_run
    )
    check = actions.add_parser("validate", parents=[common], help="check a JSONL dataset (nothing is billed) and keep it for a job")
    check.add_argument("file", type=Path)
    check.add_argument("--base-model", required=True, metavar="ID", help="a customization id from `genai customize catalog`")
    check.add_argument("--method", choices=tuple(METHODS), default="fine-tuning")
    check.add_argument("--validation-split", type=float, metavar="SHARE", help="0-0.5: the last share of the records validates")
    check.add_argument("--epochs", type=int, help="for the cost estimate (default: the model's default)")
    check.set_defaults(handler=validate_run)
    start = actions.add_parser("start", parents=[common], help="start a customization job from a checked dataset")
    start.add_argument("--dataset", required=True, metavar="ID", help="the dataset id `validate` printed")
    start.add_argument("--name", required=True, help="the job's and the custom model's name (letters, digits, hyphens)")
    start.add_argument("--epochs", type=int, help="epochCount")
    start.add_argument("--learning-rate", type=float, help="learningRate")
    start.add_argument("--warmup-steps", type=int, help="learningRateWarmupSteps")
    start.add_argument("--batch-size", type=int, help="batchSize")
    start.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="any other hyperparameter (repeatable)")
    start.add_argument("--method", choices=tuple(METHODS), help="the method the dataset was checked for (distillation needs --teacher)")
    start.add_argument("--teacher", metavar="ID", help="distillation: a teacher the catalog pairs with the base model")
    start.add_argument("--max-response-length", type=int, metavar="N", help="distillation: tokens asked of the teacher (default 1000)")
    start.set_defaults(handler=start_run)
    status = actions.add_parser("status", parents=[common], help="every job, or one job with its loss")
    status.add_argument("name", nargs="?")
    status.add_argument("--wait", action="store_true", help="with NAME: wait until the job ends (exit 1 if it fails or stops)")
    status.add_argument("--interval", type=float, default=5.0, help=argparse.SUPPRESS)
    status.set_defaults(handler=status_run)
    stop = actions.add_parser("stop", parents=[common], help="stop a running job (asks first)")
    stop.add_argument("name")
    stop.add_argument("--yes", action="store_true", help="do not ask")
    stop.set_defaults(handler=stop_run)
    customize_models.add(actions, common)


def catalog_run(ctx: Context) -> int:
    found: dict[str, Any] = ctx.client().call("GET", "customize/catalog")
    ctx.output.result(found, catalog_lines(found))
    return 0


def validate_run(ctx: Context) -> int:
    args = ctx.args
    try:
        data = args.file.read_bytes()
    except OSError as err:
        raise usage(f"파일을 읽을 수 없습니다 / Cannot read {args.file}: {err.strerror or err}") from None
    if not data:
        raise usage(f"파일이 비어 있습니다 / {args.file} is empty.")
    client = ctx.client()
    upload_id = send_file(client, data)
    body: dict[str, Any] = {"base_model_id": args.base_model, "method": METHODS[args.method], "upload_id": upload_id}
    if args.validation_split is not None:
        body["validation_split"] = args.validation_split
    if args.epochs is not None:
        body["epochs"] = args.epochs
    try:
        report: dict[str, Any] = client.call("POST", "customize/datasets", body)
    except ApiError as err:
        raise _problems(ctx, err) from None
    ctx.output.result(report, report_lines(report, args.file.name))
    return 0


def send_file(client: Client, data: bytes) -> str:
    """The file sent through a presigned POST (POST /customize/uploads): its upload_id."""
    offer: dict[str, Any] = client.call("POST", "customize/uploads", {"size": len(data)})
    boundary = "----genai-dataset"
    fields = offer["fields"].items()
    head = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields)
    head += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="dataset.jsonl"\r\n'.encode()
    head += b"Content-Type: application/jsonl\r\n\r\n"
    request = urllib.request.Request(offer["url"], data=head + data + f"\r\n--{boundary}--\r\n".encode(), method="POST")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    try:
        with urllib.request.urlopen(request, timeout=client.timeout):
            pass
    except urllib.error.HTTPError as err:
        text = err.read().decode("utf-8", "replace")[:300]
        raise CliError(REFUSED, f"파일을 올리지 못했습니다 / The upload was refused (HTTP {err.code}): {text}") from None
    return str(offer["upload_id"])


def _problems(ctx: Context, err: ApiError) -> CliError:
    """A dataset's problems, one `line N: field: message` each on stdout (the command's findings); its summary on stderr."""
    body = err.body if isinstance(err.body, dict) else {}
    error = body.get("error") or {}
    if error.get("code") != "invalid_dataset":
        return from_api(err)
    details = [d for d in error.get("details") or [] if isinstance(d, dict)]
    if not ctx.output.as_json:
        for problem in details:
            where = f"line {problem.get('line')}" if problem.get("line") else "file"
            field = f"{problem['field']}: " if problem.get("field") else ""
            ctx.output.out.write(f"{where}: {field}{problem.get('message', '')}\n")
        ctx.output.out.flush()
    summary = api_line({**body, "error": {**error, "details": None}}, err.status)
    return CliError(REFUSED, summary.replace("요청이 실패했습니다 / ", "데이터셋에 문제가 있습니다 / ", 1), {**body, "status": err.status})


def hyperparameters(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(args, option) for option, name in NAMED.items() if getattr(args, option) is not None}
    for pair in args.set:
        name, equals, text = pair.partition("=")
        if not equals or not name.strip():
            raise usage(f"--set은 NAME=VALUE 형식입니다 / --set takes NAME=VALUE, not {pair!r}.")
        try:
            values[name.strip()] = int(text)
        except ValueError:
            try:
                values[name.strip()] = float(text)
            except ValueError:
                raise usage(f"숫자가 아닙니다 / {name.strip()}: {text!r} is not a number.") from None
    return values


def start_run(ctx: Context) -> int:
    args = ctx.args
    body: dict[str, Any] = {"dataset_id": args.dataset, "name": args.name, "hyperparameters": hyperparameters(args)}
    if args.method == "distillation" and not args.teacher:
        raise usage("증류에는 --teacher가 필요합니다 / --method distillation needs --teacher (see `genai customize catalog`).")
    if (args.teacher or args.max_response_length is not None) and args.method not in (None, "distillation"):
        raise usage("--teacher는 증류에만 씁니다 / --teacher and --max-response-length are for --method distillation only.")
    if args.teacher:
        body["distillation"] = {"teacher_model_id": args.teacher}
        if args.max_response_length is not None:
            body["distillation"]["max_response_length"] = args.max_response_length
    job: dict[str, Any] = ctx.client().call("POST", "customize/jobs", body)
    sent = ", ".join(f"{k}={v}" for k, v in (job.get("hyperparameters") or {}).items()) or "기본값 / defaults"
    if job.get("teacher_model_id"):
        sent += f"; teacher {job['teacher_model_id']} ({job.get('max_response_length')} tokens)"
    line = (
        f"작업을 시작했습니다 / Started job {job['name']} ({state(job['status'])}) on {job.get('base_model_id')} with {sent}: "
        f"`genai customize status {job['name']}` follows it."
    )
    ctx.output.result(job, [line, *warning_lines(job.get("warnings"))])
    return 0


def status_run(ctx: Context) -> int:
    args = ctx.args
    client = ctx.client()
    if args.name is None:
        found: dict[str, Any] = client.call("GET", "customize/jobs")
        ctx.output.result(found, jobs_lines(found["jobs"]))
        return 0
    path = f"customize/jobs/{urllib.parse.quote(args.name, safe='')}"
    job: dict[str, Any] = client.call("GET", path)
    seen = job["status"]
    while args.wait and job["status"] not in JOB_ENDS:
        time.sleep(max(0.2, args.interval))
        job = client.call("GET", path)
        if job["status"] != seen:
            seen = job["status"]
            ctx.output.note(f"{args.name}: {state(seen)}")
    ctx.output.result(job, job_lines(job))
    return REFUSED if args.wait and job["status"] != "Completed" else 0


def stop_run(ctx: Context) -> int:
    name = ctx.args.name
    client = ctx.client()
    question = f"작업 {name}을(를) 멈출까요? 다시 시작할 수 없습니다 / Stop the job {name}? It cannot be resumed."
    if not confirm(question, ctx.args.yes):
        ctx.output.result({"stopped": None}, ["멈추지 않았습니다 / Nothing stopped."])
        return 0
    job: dict[str, Any] = client.call("POST", f"customize/jobs/{urllib.parse.quote(name, safe='')}/stop")
    line = f"멈추는 중입니다 / Stopping job {name} ({state(job['status'])}): no custom model comes of it."
    ctx.output.result(job, [line])
    return 0
