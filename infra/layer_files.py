"""What a dependency layer drops after pip installs it: files that only ever serve documentation.

The RAG layer carries its own boto3/botocore (langchain-aws needs a newer one than the Lambda runtime
may have). Their request examples (`botocore/data/<service>/<version>/examples-1.json`, 2.6 MB across
~270 services, and `boto3/examples/`) are read only when botocore renders API documentation, never
by a client; they also hold AWS's sample credentials (AKIA...EXAMPLE), which secret scanners flag.
No CDK import here: the benchmarks build layers with it too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

DOCUMENTATION_ONLY = ("boto3/examples", "botocore/data/*/*/examples-1.json", "botocore/data/*/*/examples-1.json.gz")


def drop_documentation(target: Path) -> int:
    """Delete the documentation-only files under a layer's `python/` directory; returns the bytes freed."""
    freed = 0
    for pattern in DOCUMENTATION_ONLY:
        for path in target.glob(pattern):
            if path.is_dir():
                freed += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
                shutil.rmtree(path)
            else:
                freed += path.stat().st_size
                path.unlink()
    return freed
