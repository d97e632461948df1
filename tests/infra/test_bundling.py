"""Assets are built without Docker: the code copy with runtime config, and pip's platform flags."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.bundling import ROOT, RUNTIME_CONFIG_FILE, RUNTIME_PROVIDED, pip_command, write_code_asset


def test_given_runtime_config_when_code_asset_is_written_then_sources_and_config_without_requirements(tmp_path):
    write_code_asset(tmp_path, {"memory": {"window_turns": 10}, "guardrail": {"blocked_input_message": "차단되었습니다"}})
    assert (tmp_path / "chat" / "handler.py").exists()
    assert (tmp_path / "common" / "api.py").exists()
    assert not list(tmp_path.glob("requirements*.txt"))
    assert not list(tmp_path.rglob("__pycache__"))
    config = json.loads((tmp_path / RUNTIME_CONFIG_FILE).read_text(encoding="utf-8"))
    assert config["guardrail"]["blocked_input_message"] == "차단되었습니다"


def test_given_layer_requirements_then_pip_targets_lambda_python_313_on_arm64_with_wheels_only(tmp_path):
    command = pip_command(tmp_path / "requirements.txt", tmp_path / "python")
    joined = " ".join(command)
    assert "--platform manylinux2014_aarch64" in joined
    assert "--platform manylinux_2_28_aarch64" in joined
    assert "--python-version 3.13" in joined
    assert "--implementation cp" in joined
    assert "--only-binary=:all:" in command
    assert "-c" in command  # resolved through the project's pins
    assert "docker" not in joined


def _requirement_names(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name.split("[")[0])] = version
    return pins


def test_given_core_layer_installed_without_deps_then_it_names_its_whole_closure_at_the_pinned_versions():
    listed = _requirement_names(ROOT / "lambdas" / "requirements.txt")
    pinned = _requirement_names(ROOT / "constraints.txt")
    for name, version in listed.items():
        assert pinned.get(name) == version, f"{name}=={version} differs from constraints.txt"
    missing = set()
    for name in listed:
        for requirement in metadata.requires(name) or []:
            parsed = Requirement(requirement)
            if parsed.marker and not parsed.marker.evaluate({"extra": "", "python_version": "3.13", "sys_platform": "linux"}):
                continue
            dependency = canonicalize_name(parsed.name)
            if dependency not in listed and dependency not in RUNTIME_PROVIDED:
                missing.add(dependency)
    assert missing == set()


def test_given_an_installed_layer_then_only_the_sdk_documentation_examples_are_dropped(tmp_path):
    from infra.layer_files import drop_documentation

    files = {
        "botocore/data/iam/2010-05-08/examples-1.json": b'{"AccessKeyId": "sample"}',
        "botocore/data/sts/2011-06-15/examples-1.json.gz": b"gz",
        "botocore/data/iam/2010-05-08/service-2.json.gz": b"model",
        "botocore/data/iam/2010-05-08/paginators-1.json": b"{}",
        "boto3/examples/cloudfront.rst": b"docs",
        "boto3/session.py": b"code",
        "langchain_aws/examples-1.json": b"not the SDK's",
    }
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    assert drop_documentation(tmp_path) == len(b'{"AccessKeyId": "sample"}') + len(b"gz") + len(b"docs")
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["boto3/session.py", "botocore/data/iam/2010-05-08/paginators-1.json",
                    "botocore/data/iam/2010-05-08/service-2.json.gz", "langchain_aws/examples-1.json"]  # fmt: skip
