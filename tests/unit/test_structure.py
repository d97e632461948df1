"""Features (chat, rag, image) never import each other: what they share lives in lambdas/common/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LAMBDAS = Path(__file__).resolve().parents[2] / "lambdas"
FEATURES = ("chat", "rag", "image", "usage")


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("feature", FEATURES)
def test_given_a_feature_when_its_modules_are_read_then_it_imports_no_other_feature(feature):
    others = set(FEATURES) - {feature}
    offenders = {str(path.relative_to(LAMBDAS)): sorted(_imported_packages(path) & others) for path in (LAMBDAS / feature).rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_given_common_when_its_modules_are_read_then_it_imports_no_feature():
    offenders = {str(p.relative_to(LAMBDAS)): sorted(_imported_packages(p) & set(FEATURES)) for p in (LAMBDAS / "common").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}
