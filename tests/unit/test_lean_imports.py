"""rag/lean_imports.py: a deferred package imports its submodules without its `__init__`, which runs once,
whole, when one of its own names is first read, from any thread."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from rag.lean_imports import defer_init

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_package(tmp_path, monkeypatch):
    """Writes packages under a unique name; each `__init__` records its runs in `<name>_runs.RUNS`."""
    made: list[str] = []
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(init: str, submodule: str = "VALUE = 'sub'\n") -> str:
        name = f"lean_{uuid.uuid4().hex[:8]}"
        (tmp_path / f"{name}_runs.py").write_text("RUNS = []\n", encoding="utf-8")
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"from {name}_runs import RUNS\nRUNS.append(1)\n" + init, encoding="utf-8")
        (tmp_path / name / "sub.py").write_text(submodule, encoding="utf-8")
        made.append(name)
        return name

    yield make
    for module in [m for m in sys.modules if m.startswith(tuple(made))]:
        del sys.modules[module]


def runs(name: str) -> int:
    return len(importlib.import_module(f"{name}_runs").RUNS)


def test_given_a_deferred_package_when_a_submodule_is_imported_then_the_package_init_has_not_run(make_package):
    name = make_package("HEAVY = 'loaded'\n")

    assert defer_init(name) is True
    sub = importlib.import_module(f"{name}.sub")

    assert sub.VALUE == "sub"
    assert runs(name) == 0


def test_given_a_deferred_package_when_a_name_of_its_init_is_read_then_the_init_runs_once_and_gives_it(make_package):
    name = make_package("HEAVY = 'loaded'\nfrom .sub import VALUE\n")
    defer_init(name)
    importlib.import_module(f"{name}.sub")

    package = importlib.import_module(name)
    first, second = package.HEAVY, package.VALUE

    assert (first, second) == ("loaded", "sub")
    assert runs(name) == 1
    with pytest.raises(AttributeError, match="no attribute 'MISSING'"):
        _ = package.MISSING


def test_given_an_init_with_its_own_module_getattr_then_its_lazy_names_still_resolve(make_package):
    name = make_package(
        "def __getattr__(attribute):\n    if attribute == 'LAZY':\n        return 'lazy'\n    raise AttributeError(attribute)\n"
    )
    defer_init(name)

    package = importlib.import_module(name)

    assert package.LAZY == "lazy"
    assert package.LAZY == "lazy"  # after the init: the package's own __getattr__ answers
    assert runs(name) == 1
    with pytest.raises(AttributeError):
        _ = package.OTHER


def test_given_two_threads_reading_a_deferred_package_at_once_then_both_wait_for_its_one_init(make_package):
    name = make_package("import time\ntime.sleep(0.3)\nHEAVY = 'loaded'\n")
    defer_init(name)
    package = importlib.import_module(name)
    start, seen = threading.Barrier(2), []

    def read() -> None:
        start.wait()
        seen.append(package.HEAVY)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert seen == ["loaded", "loaded"]
    assert runs(name) == 1


def test_given_an_imported_package_or_a_plain_module_then_nothing_is_deferred(make_package):
    name = make_package("")
    importlib.import_module(name)

    assert defer_init(name) is False
    assert defer_init("json.decoder") is False  # already imported
    assert defer_init(f"{name}.sub") is False  # a module, not a package
    assert f"{name}.sub" not in sys.modules


def test_given_the_rag_query_module_then_every_name_of_the_deferred_libraries_is_still_there():
    """In a fresh interpreter: what the deferred `__init__`s export, once asked for, is what they always exported."""
    code = (
        "import rag.query, sys\n"
        "assert 'langsmith.types.run' not in sys.modules\n"
        "from langsmith.types import Run, RunSelectField\n"
        "import langchain_aws\n"
        "from langchain_aws.chat_models.bedrock_converse import ChatBedrockConverse\n"
        "from langchain_aws.retrievers.bedrock import AmazonKnowledgeBasesRetriever\n"
        "assert langchain_aws.ChatBedrockConverse is ChatBedrockConverse\n"
        "assert langchain_aws.AmazonKnowledgeBasesRetriever is AmazonKnowledgeBasesRetriever\n"
        "assert langchain_aws.chat_models.ChatBedrock.__name__ == 'ChatBedrock'\n"
        "assert Run.__module__ == 'langsmith.types.run'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lambdas")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=120)

    assert result.returncode == 0, result.stderr[-3000:]
