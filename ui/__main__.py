"""`python -m ui [--port 8501]`: the Streamlit UI on loopback, with this project's settings.

The stack it talks to: GENAI_OUTPUTS (a deployed stack's `cdk deploy --outputs-file` JSON), else the
local stack's `.local/outputs.json`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
MAX_UPLOAD_MB = 50  # limits.max_document_bytes: larger uploads would be refused by the API anyway


def streamlit_args(port: int) -> list[str]:
    return [
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--server.maxUploadSize",
        str(MAX_UPLOAD_MB),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m ui", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("UI_PORT", "8501")))
    from streamlit.web import cli

    sys.argv = streamlit_args(parser.parse_args().port)
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
