"""The README fits a screen and points to every page of docs/; every relative link in the docs resolves.

Anchors follow GitHub's heading ids: lower-cased, punctuation other than `-` and `_` dropped, spaces to `-`,
a repeated heading numbered `-1`, `-2`…
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", *DOCS]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    seen: Counter[str] = Counter()
    ids = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", "")).replace(" ", "-")
        ids.add(slug if not seen[slug] else f"{slug}-{seen[slug]}")
        seen[slug] += 1
    return ids | set(re.findall(r'<a (?:name|id)="([^"]+)"', text))


def links(page: Path) -> list[str]:
    return LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8")))


def test_given_the_readme_then_it_fits_a_screen_and_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200
    first_screen = "\n".join(lines[:40])
    assert "make dev" in first_screen
    assert "make test" in first_screen


def test_given_the_docs_folder_then_the_readme_links_every_page():
    linked = {Path(target.split("#")[0]).name for target in links(ROOT / "README.md") if target.startswith("docs/")}
    assert {page.name for page in DOCS} - linked == set()


def test_given_the_project_layout_then_it_names_every_page_of_docs():
    layout = (ROOT / "docs/architecture.md").read_text(encoding="utf-8").split("## Project layout", 1)[1]
    listed = layout.split("\ndocs/", 1)[1].split("\n", 3)[:3]
    names = set(re.findall(r"[\w-]+", " ".join(listed)))
    assert {page.stem for page in DOCS} - names == set()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_given_a_page_then_every_relative_link_and_anchor_resolves(page: Path):
    broken = []
    for target in links(page):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists() or (anchor and file.suffix == ".md" and anchor not in anchors(file)):
            broken.append(target)
    assert broken == []
