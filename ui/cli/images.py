"""`genai images PROMPT [--out DIR]`: generate pictures (POST /images) and, with `--out`, save them into DIR,
downloaded from their presigned URLs (valid 900 s). `genai images list`: the earlier ones (ui/cli/image_list.py);
`genai images delete ID [--yes]`: delete one (ui/cli/image_delete.py)."""

from __future__ import annotations

import argparse
import http.client
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from typing import Any

from ui.cli import image_delete, image_list
from ui.cli.context import Context, text_input, usage
from ui.cli.exits import OK, guardrail_block, unreachable
from ui.client import ApiError


def add(commands: Any, common: argparse.ArgumentParser) -> None:
    images = commands.add_parser(
        "images",
        parents=[common],
        help="generate an image (--out DIR saves it); `images list`: your earlier ones, newest first; `images delete ID`: delete one",
    )
    images.add_argument("prompt", nargs="?", help="the prompt; `-` or left out with a pipe: stdin")
    images.add_argument("--file", type=Path, help="read the prompt from FILE (UTF-8)")
    images.add_argument("--ratio")
    images.add_argument("--seed", type=int)
    images.add_argument("--model")
    images.add_argument("--out", type=Path, help="save the pictures into this directory (made if missing)")
    images.add_argument("--list", action="store_true", help="`images list`: your earlier pictures instead of a new one")
    images.add_argument("--limit", type=int, default=20, help="with list: how many (1-100, default 20)")
    images.add_argument("--all", action="store_true", help="with list: every picture, page after page")
    images.add_argument("--delete", action="store_true", help="`images delete ID`: delete that picture (asks first)")
    images.add_argument("--yes", action="store_true", help="with delete: do not ask")
    images.set_defaults(handler=run)


def _download(url: str, target: Path) -> None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            target.write_bytes(response.read())
    except urllib.error.HTTPError as err:
        raise ApiError(err.code, {"error": {"code": "download_failed", "message": f"the picture's URL answered {err.code}"}}) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
        raise unreachable("S3", url.split("?", 1)[0], err) from None


def run(ctx: Context) -> int:
    args = ctx.args
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise usage(f"폴더가 아닙니다 / --out {args.out} is not a directory.")
    if args.list and args.delete:
        raise usage("`images list`와 `images delete`는 함께 쓸 수 없습니다 / `images list` and `images delete` do not go together.")
    if args.list:
        return image_list.run(ctx, _download)
    if args.delete:
        return image_delete.run(ctx)
    prompt = text_input(args.prompt, args.file, "prompt")
    wanted = {"prompt": prompt, "aspect_ratio": args.ratio, "seed": args.seed, "model_id": args.model}
    body = {k: v for k, v in wanted.items() if v is not None}
    answer: dict[str, Any] = ctx.client().call("POST", "images", body)
    lines = []
    for picture in answer.get("images", []):
        where = picture["url"]
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            target = args.out / PurePosixPath(picture["key"]).name
            _download(picture["url"], target)
            picture["saved"] = where = str(target)
        lines.append(f"{where}  ({picture.get('width')}×{picture.get('height')}, seed {picture.get('seed')})")
    if answer.get("translated"):
        ctx.output.note(f"영어로 옮긴 프롬프트 / Prompt sent in English: {answer.get('prompt')}")
    ctx.output.result(answer, lines)
    blocked = guardrail_block(answer.get("guardrail"))
    if blocked:
        ctx.output.failure(blocked)
        return blocked.code
    return OK
