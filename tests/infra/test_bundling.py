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
    assert left == [
        "boto3/session.py",
        "botocore/data/iam/2010-05-08/paginators-1.json",
        "botocore/data/iam/2010-05-08/service-2.json.gz",
        "langchain_aws/examples-1.json",
    ]


# The CDK CLI zips each asset directory when it publishes it; this runs the pinned CLI's own zipper
# (aws-cdk lib/index.js, `require_zip().zipDirectory`, internal: a CLI upgrade that renames it fails here loudly).
_CDK_ZIP = """
const Module = require("module");
const [given, src, out] = process.argv.slice(1);
const cli = require("fs").realpathSync(given);
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  if (filename === cli) content += "\\n;module.exports.__zipDirectory = require_zip().zipDirectory;";
  return compile.call(this, content, filename);
};
require(cli).__zipDirectory(src, out).catch((err) => { console.error(err); process.exit(1); });
"""
RUN_STREAM = (ROOT / "lambdas" / "run_stream.sh").read_bytes().decode("ascii")  # ASCII, LF only: the kernel reads the #! line


def test_given_run_stream_sh_then_it_starts_uvicorn_on_loopback_on_the_adapters_port():
    assert RUN_STREAM.startswith("#!/bin/bash\n")
    assert "\r" not in RUN_STREAM
    assert 'exec python -m uvicorn "$STREAM_APP" --host 127.0.0.1 --port "${AWS_LWA_PORT:-8080}"' in RUN_STREAM


def test_given_the_code_asset_then_run_stream_sh_is_the_executable_start_script_of_the_stream_functions(tmp_path):
    write_code_asset(tmp_path, {})
    script = tmp_path / "run_stream.sh"
    assert script.read_bytes().decode("ascii") == RUN_STREAM
    assert script.stat().st_mode & 0o777 == 0o755


def test_given_a_checkout_that_lost_the_executable_bit_then_the_code_asset_still_ships_it_executable(tmp_path):
    import shutil

    source = tmp_path / "lambdas"
    shutil.copytree(ROOT / "lambdas", source, ignore=shutil.ignore_patterns("__pycache__"))
    (source / "run_stream.sh").chmod(0o644)  # core.fileMode=false, a copy from Windows ...
    write_code_asset(tmp_path / "asset", {}, source=source)
    assert (tmp_path / "asset" / "run_stream.sh").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "asset" / "chat" / "handler.py").stat().st_mode & 0o111 == 0  # only the start scripts


def test_given_the_cdk_cli_zips_the_code_asset_then_the_zip_keeps_run_stream_sh_executable(tmp_path):
    import subprocess
    import zipfile

    write_code_asset(tmp_path / "asset", {})
    cli = ROOT / "node_modules" / "aws-cdk" / "lib" / "index.js"
    subprocess.run(["node", "-e", _CDK_ZIP, str(cli), str(tmp_path / "asset"), str(tmp_path / "asset.zip")], check=True, timeout=120)
    with zipfile.ZipFile(tmp_path / "asset.zip") as archive:
        info = archive.getinfo("run_stream.sh")
        assert info.create_system == 3  # Unix: Lambda reads the mode from the upper 16 bits
        assert (info.external_attr >> 16) & 0o777 == 0o755
        assert archive.read("run_stream.sh").decode("ascii") == RUN_STREAM


def test_given_the_stream_layer_then_it_pins_uvicorn_and_starlette_at_the_constraints_versions():
    listed = _requirement_names(ROOT / "lambdas" / "requirements-stream.txt")
    pinned = _requirement_names(ROOT / "constraints.txt")
    assert {"uvicorn", "starlette"} <= set(listed)
    for name, version in listed.items():
        assert pinned.get(name) == version, name
    closure, pending = set(), list(listed)
    while pending:  # their whole closure (h11, click, anyio, idna, typing-extensions) resolves through the pins
        name = pending.pop()
        for requirement in metadata.requires(name) or []:
            parsed = Requirement(requirement)
            if parsed.marker and not parsed.marker.evaluate({"extra": "", "python_version": "3.13", "sys_platform": "linux"}):
                continue
            dependency = canonicalize_name(parsed.name)
            if dependency not in closure:
                closure.add(dependency)
                pending.append(dependency)
    assert {"h11", "click", "anyio"} <= closure
    assert sorted(d for d in closure if d not in pinned) == []


def test_given_the_documents_layer_then_it_pins_pypdf_at_the_constraints_version_and_needs_nothing_else():
    """The chat functions read attached PDFs' text with pypdf (lambdas/chat/document_text.py): pure Python, no
    dependency on Python 3.13, so the layer is the one pin and the dev venv tests the same version."""
    listed = _requirement_names(ROOT / "lambdas" / "requirements-documents.txt")
    pinned = _requirement_names(ROOT / "constraints.txt")
    assert listed == {"pypdf": pinned["pypdf"]}
    assert metadata.version("pypdf") == listed["pypdf"]
    needed = [Requirement(r) for r in metadata.requires("pypdf") or []]
    assert [r.name for r in needed if not r.marker or r.marker.evaluate({"extra": "", "python_version": "3.13"})] == []
    assert "-r lambdas/requirements-documents.txt" in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()


def test_given_a_function_with_the_adapters_external_layer_then_make_synths_size_report_still_adds_up(tmp_path):
    """The adapter layer is an ARN (Fn::Join), not an asset of this app: the report counts what it can and says so."""
    from infra.report import report

    for name, size in (("code", 1024 * 1024), ("core", 2 * 1024 * 1024)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f.bin").write_bytes(b"x" * size)
    adapter = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":lambda:", {"Ref": "AWS::Region"}, ":753240598075:layer:L:25"]]}
    template = {
        "Resources": {
            "Core": {"Type": "AWS::Lambda::LayerVersion", "Metadata": {"aws:asset:path": "core"}, "Properties": {}},
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Metadata": {"aws:asset:path": "code"},
                "Properties": {"Layers": [{"Ref": "Core"}, adapter]},
            },
        }
    }
    (tmp_path / "Stack.template.json").write_text(json.dumps(template))
    line = next(line for line in report(tmp_path) if "code+layers" in line)
    assert "3.00 MB unzipped + 1 external layer(s) not measured (limit 250 MB: ok)" in line
