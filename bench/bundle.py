"""Dependency layers built the way `make synth` builds them, cached outside the repository for the benchmarks
(BENCH_CACHE, else $XDG_CACHE_HOME/bedrock-genai-stack/bench, else ~/.cache/bedrock-genai-stack/bench).

Two flavours of each layer (core, rag, image, documents, stream, and `runtime`: boto3 as the Lambda runtime provides it):
* "lambda": the real thing, pip's python3.13/arm64 wheels (infra.bundling.pip_command), for sizes;
* "native": the same requirements and pins for this machine's Python, so a fresh process can import
  a handler with exactly its bundled dependencies (and nothing else from the dev venv) and be timed.
A layer is rebuilt when its requirements or constraints.txt change.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Literal

from infra.layer_files import drop_documentation

Flavour = Literal["lambda", "native"]
ROOT = Path(__file__).resolve().parent.parent
LAMBDAS_DIR = ROOT / "lambdas"
_USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
CACHE = Path(os.environ.get("BENCH_CACHE") or _USER_CACHE / "bedrock-genai-stack" / "bench")
LAYERS = {
    "core": ("requirements.txt", True),
    "rag": ("requirements-rag.txt", False),
    "image": ("requirements-image.txt", False),
    "documents": ("requirements-documents.txt", False),
    "stream": ("requirements-stream.txt", False),
}
# As infra/stack.py gives them.
FUNCTION_LAYERS = {"chat": ("core", "documents"), "rag": ("core", "rag"), "image": ("core", "image")}
STREAM_FUNCTION_LAYERS = {"chat_stream": ("core", "documents", "stream"), "rag_stream": ("core", "rag", "stream")}


def _runtime_requirements() -> Path:
    """boto3 at the pinned version: what /var/runtime holds on Lambda (its closure comes through the pins)."""
    pins = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    boto3 = next(line for line in pins if line.startswith("boto3=="))
    path = CACHE / "requirements-runtime.txt"
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(boto3 + "\n", encoding="utf-8")
    return path


def _command(requirements: Path, target: Path, no_deps: bool, flavour: Flavour) -> list[str]:
    if flavour == "lambda":
        from infra.bundling import pip_command  # imports aws_cdk (jsii): only when building for Lambda

        return pip_command(requirements, target, no_deps=no_deps)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", "--only-binary=:all:"]
    command += ["--no-deps"] if no_deps else []
    return [*command, "--target", str(target), "-r", str(requirements), "-c", str(ROOT / "constraints.txt")]


def layer(name: str, flavour: Flavour) -> Path:
    """The layer's `python/` directory (built on first use)."""
    if name == "runtime":
        requirements, no_deps = _runtime_requirements(), False
    else:
        file, no_deps = LAYERS[name]
        requirements = LAMBDAS_DIR / file
    digest = hashlib.sha256(requirements.read_bytes() + (ROOT / "constraints.txt").read_bytes()).hexdigest()[:12]
    target = CACHE / f"{flavour}-{name}-{digest}" / "python"
    if not target.is_dir():
        shutil.rmtree(target.parent, ignore_errors=True)
        print(f"  bundling {name} layer ({flavour}) with pip ...", file=sys.stderr, flush=True)
        result = subprocess.run(_command(requirements, target, no_deps, flavour), capture_output=True, text=True, check=False)
        if result.returncode:
            raise RuntimeError(f"pip failed for the {name} layer:\n{result.stderr[-4000:]}")
        for cache in target.rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
        drop_documentation(target)  # as infra.bundling does for the real layers
    return target


def import_path(function: str | None) -> list[str]:
    """sys.path of a function on Lambda, natively built: code asset, its layers, then the runtime's boto3."""
    names = {**FUNCTION_LAYERS, **STREAM_FUNCTION_LAYERS}.get(function or "", ("core",))
    layers = [str(layer(name, "native")) for name in names]
    code = [str(LAMBDAS_DIR)] if function else []
    return [*code, *layers, str(layer("runtime", "native"))]
