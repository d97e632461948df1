"""`genai images list [--limit N | --all] [--out DIR]`: your earlier pictures, newest first (GET /images).

`images` itself takes a prompt, so `images list` is read as the listing (`list_alias` turns it into `images --list`
before argparse sees it); a picture of the word itself is `genai images -- list`."""

from __future__ import annotations

import urllib.parse
from pathlib import Path, PurePosixPath
from typing import Any

from ui.cli.context import Context, usage
from ui.cli.output import columns, local_time

OPTIONS_WITH_VALUES = {"--outputs", "--token-file"}  # the top-level options that take a value (ui/cli/main.py)


def list_alias(argv: list[str]) -> list[str]:
    """`… images list …` → `… images --list …` and `… images delete …` → `… images --delete …` (ui/cli/image_delete.py)
    when `images` is the command (the first word that is not an option)."""
    at = 0
    while at < len(argv) and argv[at].startswith("-"):
        at += 2 if argv[at] in OPTIONS_WITH_VALUES else 1
    if argv[at : at + 1] == ["images"] and argv[at + 1 : at + 2] in (["list"], ["delete"]):
        return [*argv[: at + 1], f"--{argv[at + 1]}", *argv[at + 2 :]]
    return argv


def pictures(ctx: Context) -> list[dict[str, Any]]:
    client, args = ctx.client(), ctx.args
    if args.all:
        found: list[dict[str, Any]] = client.all_pages("images", "images")
        return found
    page: dict[str, Any] = client.call("GET", f"images?{urllib.parse.urlencode({'limit': args.limit})}")
    listed: list[dict[str, Any]] = page["images"]
    return listed


def run(ctx: Context, download: Any) -> int:
    """The listing; with --out each picture is saved there too (`download(url, target)`: images.py's)."""
    args = ctx.args
    if args.prompt is not None or args.file is not None:
        raise usage("`images list`는 프롬프트를 받지 않습니다 / `images list` takes no prompt.")
    if not args.all and not 1 <= args.limit <= 100:
        raise usage("--limit은 1에서 100 사이입니다 / --limit must be 1-100.")
    found = pictures(ctx)
    rows = []
    for picture in found:
        where = picture["key"]
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            target: Path = args.out / PurePosixPath(picture["key"]).name
            download(picture["url"], target)
            picture["saved"] = where = str(target)
        size = f"{picture.get('width')}×{picture.get('height')}"
        rows.append([local_time(picture.get("created_at")), str(picture.get("model_id", "")), size, _prompt(picture), where])
    ctx.output.result({"images": found}, columns(rows) or ["그림이 없습니다 / No pictures yet."])
    return 0


def _prompt(picture: dict[str, Any], width: int = 40) -> str:
    text = " ".join(str(picture.get("prompt") or "-").split())
    return text if len(text) <= width else text[: width - 1] + "…"
