"""`genai images delete ID [--yes]`: delete one of your pictures (DELETE /images/{id}) after a yes on the terminal.

ID is the picture's id, the last part of its key without `.png` (`genai images list` shows the keys); the whole key
`images/<you>/<id>.png` is taken too. `images` itself takes a prompt, so `images delete` is read as this command
(image_list.list_alias turns it into `images --delete`); a picture of the word itself is `genai images -- delete`."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import PurePosixPath

from ui.cli.context import Context, confirm, usage
from ui.cli.exits import OK, REFUSED, CliError
from ui.client import ApiError

IMAGE_ID = re.compile(r"[A-Za-z0-9_-]{24}")  # what POST /images makes (docs/api.md#delete-imagesid)


def picture_id(given: str) -> str:
    """The id in `given` (an id or a key ending in `<id>.png`), or a usage error saying what an id looks like."""
    candidate = PurePosixPath(given).stem if given.endswith(".png") else given
    if not IMAGE_ID.fullmatch(candidate):
        raise usage(
            f"그림 ID가 아닙니다: {given} (영문·숫자·-·_ 24자, `genai images list`의 키에서 .png 앞부분) / "
            f"Not a picture id: {given} (24 letters, digits, - or _: the part of a key from `genai images list` before .png)."
        )
    return candidate


def run(ctx: Context) -> int:
    args = ctx.args
    if args.prompt is None:
        raise usage("지울 그림의 ID를 적으세요 / Name the picture to delete: `genai images delete ID`.")
    if args.file is not None or args.out is not None:
        raise usage("`images delete`는 --file, --out을 받지 않습니다 / `images delete` takes neither --file nor --out.")
    image_id = picture_id(args.prompt)
    if not confirm(f"그림 {image_id}을(를) 지울까요? 되돌릴 수 없습니다 / Delete the picture {image_id}? This cannot be undone.", args.yes):
        ctx.output.result({"deleted": None}, ["지우지 않았습니다 / Nothing deleted."])
        return OK
    try:
        ctx.client().call("DELETE", f"images/{urllib.parse.quote(image_id, safe='')}")
    except ApiError as err:
        if err.status != 404:
            raise
        line = f"그림을 찾을 수 없습니다: {image_id} (이미 지웠거나 다른 사람의 그림) / No picture of yours has the id {image_id}."
        raise CliError(REFUSED, line, {**err.body, "status": 404} if isinstance(err.body, dict) else None) from None
    ctx.output.result({"deleted": image_id}, [f"지웠습니다 / Deleted the picture {image_id}."])
    return OK
