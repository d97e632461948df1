"""Sizes: each function's dependency layers as `make synth` builds them (python3.13/arm64 wheels), zipped
and unzipped, against the issue's targets and Lambda's limits (250 MB unzipped for code plus layers;
50 MB zipped for a direct upload). Usage: python -m bench.sizes
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench.bundle import FUNCTION_LAYERS, layer
from infra.report import directory_sizes

MB = 1024 * 1024
TARGETS_ZIPPED = {"chat": 10 * MB, "image": 25 * MB, "rag": 50 * MB}
UNZIPPED_LIMIT, ZIPPED_LIMIT = 250 * MB, 50 * MB


def measure() -> dict[str, dict[str, int]]:
    layers = {name: directory_sizes(layer(name, "lambda").parent) for name in ("core", "rag", "image", "documents")}
    with tempfile.TemporaryDirectory() as tmp:
        from infra.bundling import write_code_asset

        write_code_asset(Path(tmp), json.loads(Path(_runtime_config()).read_text(encoding="utf-8")))
        code = directory_sizes(Path(tmp))
    result = {}
    for function, names in FUNCTION_LAYERS.items():
        result[function] = {
            "deps_unzipped": sum(layers[n][0] for n in names),
            "deps_zipped": sum(layers[n][1] for n in names),
            "code_unzipped": code[0],
            "code_zipped": code[1],
            "largest_zip": max([code[1], *(layers[n][1] for n in names)]),
        }
    return result


def _runtime_config() -> str:
    import os

    import tests.conftest  # noqa: F401  (renders the runtime config the stack would bundle)

    return os.environ["RUNTIME_CONFIG_PATH"]


def lines(result: dict[str, dict[str, int]]) -> list[str]:
    out = ["sizes per function: dependency layers (arm64 wheels, as synthesized) and the shared code asset"]
    out.append(
        f"  {'':<6} {'deps zipped':>12} {'target':>8} {'met':>4} {'deps+code unzipped':>19} {'of 250 MB':>10} {'biggest zip of 50 MB':>21}"
    )
    for function, fig in result.items():
        unzipped = fig["deps_unzipped"] + fig["code_unzipped"]
        target = TARGETS_ZIPPED[function]
        met = "yes" if fig["deps_zipped"] <= target else "NO"
        out.append(
            f"  {function:<6} {fig['deps_zipped'] / MB:>9.1f} MB {target / MB:>5.0f} MB {met:>4}"
            f" {unzipped / MB:>16.1f} MB {unzipped / UNZIPPED_LIMIT:>9.0%} {fig['largest_zip'] / ZIPPED_LIMIT:>20.0%}"
        )
    return out


def main() -> None:
    result = measure()
    print("\n".join(lines(result)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
