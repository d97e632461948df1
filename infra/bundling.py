"""Lambda assets built on this machine, without Docker.

* The code asset: a copy of lambdas/ (sources only) plus `runtime_config.json`, the
  part of the configuration the functions read at cold start. Its start scripts (`*.sh`, the
  streaming functions' handler `run_stream.sh`) are made executable: the Lambda Web Adapter's
  bootstrap execs the handler file (zip-packages.md: "Set Unix file permissions to 755"), and the
  CDK CLI zips each file with its mode (aws-cdk 2.1148 `writeZipFile`: `mode: stat.mode`).
* Dependency layers: `pip install --target` with the Lambda platform's wheel tags, so the
  result runs on Python 3.13 / arm64 whatever machine synthesizes it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from infra.layer_files import drop_documentation

ROOT = Path(__file__).resolve().parent.parent
LAMBDAS_DIR = ROOT / "lambdas"
RUNTIME_CONFIG_FILE = "runtime_config.json"
PYTHON_VERSION = "3.13"
PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64")
_SOURCE_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "requirements*.txt", ".mypy_cache", ".pytest_cache")
# Never docker: this image is named only because BundlingOptions requires one.
_NO_DOCKER = DockerImage.from_registry("local-bundling-only")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


# Provided by the Lambda Python runtime; a layer that lists its whole closure may rely on them.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "python-dateutil", "six"})


def pip_command(requirements: Path, target: Path, *, no_deps: bool = False) -> list[str]:
    """The pip invocation that installs Lambda-compatible wheels into `target`."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    if no_deps:
        command.append("--no-deps")
    for platform in PLATFORMS:
        command += ["--platform", platform]
    command += [
        "--implementation",
        "cp",
        "--python-version",
        PYTHON_VERSION,
        "--only-binary=:all:",
        "--upgrade",
        "--target",
        str(target),
        "-r",
        str(requirements),
    ]
    constraints = ROOT / "constraints.txt"
    if constraints.exists():
        command += ["-c", str(constraints)]
    return command


@jsii.implements(ILocalBundling)
class _PipLayerBundler:
    def __init__(self, requirements: Path, no_deps: bool) -> None:
        self._requirements = requirements
        self._no_deps = no_deps

    def try_bundle(self, output_dir: str, *, image: Any = None, **_: Any) -> bool:  # noqa: ARG002
        target = Path(output_dir) / "python"
        subprocess.run(pip_command(self._requirements, target, no_deps=self._no_deps), check=True)
        for cache in target.rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
        drop_documentation(target)
        return True


@jsii.implements(ILocalBundling)
class _CodeBundler:
    def __init__(self, runtime_config: dict[str, Any]) -> None:
        self._runtime_config = runtime_config

    def try_bundle(self, output_dir: str, *, image: Any = None, **_: Any) -> bool:  # noqa: ARG002
        write_code_asset(Path(output_dir), self._runtime_config)
        return True


def write_code_asset(output_dir: Path, runtime_config: dict[str, Any], source: Path = LAMBDAS_DIR) -> None:
    """Copy the function sources into `output_dir` and add the runtime configuration."""
    shutil.copytree(source, output_dir, ignore=_SOURCE_IGNORE, dirs_exist_ok=True)
    for script in output_dir.glob("*.sh"):
        script.chmod(0o755)  # whatever the checkout did to the bit (core.fileMode=false, a Windows copy)
    (output_dir / RUNTIME_CONFIG_FILE).write_text(
        json.dumps(runtime_config, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )


def code_asset(runtime_config: dict[str, Any]) -> lambda_.Code:
    """One code asset for every function; its hash changes with the code and the config."""
    config_text = json.dumps(runtime_config, sort_keys=True)
    return lambda_.Code.from_asset(
        str(LAMBDAS_DIR),
        asset_hash_type=AssetHashType.SOURCE,
        exclude=["**/__pycache__", "**/*.pyc", "requirements*.txt"],
        bundling=BundlingOptions(
            image=_NO_DOCKER,
            local=_CodeBundler(runtime_config),
            environment={"RUNTIME_CONFIG_SHA256": _sha256(config_text)},
        ),
    )


def layer_code(requirements: Path, *, no_deps: bool = False) -> lambda_.Code:
    """A dependency layer for python3.13/arm64 built with pip's platform options.

    With no_deps, `requirements` must name its whole closure (less RUNTIME_PROVIDED).
    """
    return lambda_.Code.from_asset(
        str(requirements.parent),
        asset_hash_type=AssetHashType.SOURCE,
        exclude=["*", f"!{requirements.name}"],
        bundling=BundlingOptions(
            image=_NO_DOCKER,
            local=_PipLayerBundler(requirements, no_deps),
            # The source hash sees only the requirements file; the pins it resolves through count too.
            environment={"CONSTRAINTS_SHA256": _sha256(_read(ROOT / "constraints.txt")), "NO_DEPS": str(no_deps)},
        ),
    )
