"""Print what `make synth` built: template size and resource count, and each Lambda asset's size.

Usage: python -m infra.report cdk.out
Sizes: unzipped = bytes on disk; zipped = a deflate zip of the directory, as CDK uploads it.
Lambda's limits: 250 MB unzipped for a function plus its layers; 50 MB zipped for a direct upload.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

UNZIPPED_LIMIT = 250 * 1024 * 1024


def directory_sizes(path: Path) -> tuple[int, int]:
    """(unzipped, zipped) bytes of a directory."""
    unzipped = 0
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            unzipped += file.stat().st_size
            archive.write(file, file.relative_to(path))
    return unzipped, buffer.tell()


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:8.2f} MB"


def _asset_dir(outdir: Path, resource: dict[str, Any]) -> Path | None:
    path = resource.get("Metadata", {}).get("aws:asset:path")
    return outdir / path if path else None


def report(outdir: Path) -> list[str]:
    lines: list[str] = []
    for template_file in sorted(outdir.glob("*.template.json")):
        template = json.loads(template_file.read_text())
        resources = template["Resources"]
        lines.append(f"{template_file.name}: {len(resources)} resources, {template_file.stat().st_size / 1024:.0f} KiB")
        sizes: dict[str, tuple[int, int]] = {}
        for logical_id, resource in resources.items():
            if resource["Type"] in ("AWS::Lambda::LayerVersion", "AWS::Lambda::Function"):
                directory = _asset_dir(outdir, resource)
                if directory and directory.is_dir() and logical_id not in sizes:
                    sizes[logical_id] = directory_sizes(directory)
        lines.append(f"  {'asset':<58} {'unzipped':>10} {'zipped':>10}")
        for logical_id, (unzipped, zipped) in sorted(sizes.items()):
            lines.append(f"  {logical_id:<58} {_mb(unzipped)} {_mb(zipped)}")
        for logical_id, resource in sorted(resources.items()):
            if resource["Type"] != "AWS::Lambda::Function" or logical_id not in sizes:
                continue
            all_layers = resource["Properties"].get("Layers", [])
            layers = [layer["Ref"] for layer in all_layers if "Ref" in layer]
            external = len(all_layers) - len(layers)  # published by others (the Lambda Web Adapter): no asset here
            total = sizes[logical_id][0] + sum(sizes.get(layer, (0, 0))[0] for layer in layers)
            zipped = sum(sizes.get(layer, (0, 0))[1] for layer in layers)
            verdict = "ok" if total < UNZIPPED_LIMIT else "OVER LIMIT"
            note = f" + {external} external layer(s) not measured" if external else ""
            lines.append(
                f"  {logical_id:<58} code+layers {_mb(total)} unzipped{note} (limit 250 MB: {verdict}); layers zipped {_mb(zipped)}"
            )
    return lines


def main() -> None:
    outdir = Path(sys.argv[1] if len(sys.argv) > 1 else "cdk.out")
    print("\n".join(report(outdir)))


if __name__ == "__main__":
    main()
