"""`genai documents list | upload FILE | delete NAME [--yes] | sync` (admin group): the knowledge base's files."""

from __future__ import annotations

import argparse
import mimetypes
import urllib.parse
from pathlib import Path
from typing import Any

from ui.cli.context import Context, confirm, usage
from ui.cli.output import columns, local_time, size


def add(commands: Any, common: argparse.ArgumentParser) -> None:
    documents = commands.add_parser("documents", parents=[common], help="manage knowledge-base documents (admin)")
    actions = documents.add_subparsers(dest="action", required=True)
    actions.add_parser("list", parents=[common]).set_defaults(handler=list_run)
    upload = actions.add_parser("upload", parents=[common], help="upload one file; indexing starts by itself")
    upload.add_argument("file", type=Path)
    upload.add_argument("--type", dest="content_type")
    upload.set_defaults(handler=upload_run)
    delete = actions.add_parser("delete", parents=[common], help="delete one document (asks first)")
    delete.add_argument("name")
    delete.add_argument("--yes", action="store_true", help="do not ask")
    delete.set_defaults(handler=delete_run)
    actions.add_parser("sync", parents=[common], help="start an ingestion job now").set_defaults(handler=sync_run)


def list_run(ctx: Context) -> int:
    found = ctx.client().documents()
    rows = [[d["name"], size(d.get("size")), str(d.get("ingestion", "")), local_time(d.get("last_modified"))] for d in found]
    ctx.output.result({"documents": found}, columns(rows) or ["문서가 없습니다 / No documents."])
    return 0


def upload_run(ctx: Context) -> int:
    file: Path = ctx.args.file
    try:
        data = file.read_bytes()
    except OSError as err:
        raise usage(f"파일을 읽을 수 없습니다 / Cannot read {file}: {err.strerror or err}") from None
    content_type = ctx.args.content_type or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    offer = ctx.client().upload(file.name, data, content_type)
    line = (
        f"올렸습니다 / Uploaded {offer.get('name', file.name)} ({size(len(data))}, {content_type}): indexing starts by itself; "
        "`genai documents list` shows its state."
    )
    data_out = {"uploaded": offer.get("name", file.name), "key": offer.get("key"), "size": len(data), "content_type": content_type}
    ctx.output.result(data_out, [line])
    return 0


def delete_run(ctx: Context) -> int:
    name = ctx.args.name
    client = ctx.client()
    if not confirm(f'문서 "{name}"을(를) 지울까요? / Delete the document "{name}"?', ctx.args.yes):
        ctx.output.result({"deleted": None}, ["지우지 않았습니다 / Nothing deleted."])
        return 0
    client.call("DELETE", f"documents/{urllib.parse.quote(name)}")
    ctx.output.result({"deleted": name}, [f'지웠습니다 / Deleted the document "{name}".'])
    return 0


def sync_run(ctx: Context) -> int:
    job = ctx.client().call("POST", "documents/sync")
    ctx.output.result(job, [f"색인 작업을 시작했습니다 / Ingestion job {job.get('job_id')} started ({job.get('status')})."])
    return 0
