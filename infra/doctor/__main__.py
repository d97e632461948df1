"""`python -m infra.doctor [--profile dev] [--region R] [--config FILE] [--stack NAME] [--aws-profile P]`.

The options mirror the make variables (PROFILE, REGION, CONFIG, STACK); AWS credentials come from the usual
places (AWS_PROFILE or --aws-profile, environment variables, SSO). Exit status 1 when a check failed.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from infra.doctor.run import run
from infra.doctor.target import Options


def parser(prog: str = "python -m infra.doctor") -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(prog=prog, description="Read-only preflight checks before `make deploy` (exit 1 when one fails).")
    found.add_argument("--profile", help="configuration profile in cdk.json (make PROFILE=; default: cdk.json's `profile`)")
    found.add_argument("--region", help="deploy region (make REGION=; default: as the CDK app resolves it)")
    found.add_argument("--config", dest="config_file", help="override file (make CONFIG=)")
    found.add_argument("--stack", dest="stack_name", help="stack name (make STACK=)")
    found.add_argument("--aws-profile", help="AWS named profile for the credentials (default: AWS_PROFILE or the default chain)")
    found.add_argument("--today", type=date.fromisoformat, help="date lifecycle checks use (YYYY-MM-DD; default: today)")
    return found


def main(argv: list[str] | None = None, prog: str = "python -m infra.doctor") -> int:
    args = parser(prog).parse_args(sys.argv[1:] if argv is None else argv)
    return run(Options(**vars(args)))


if __name__ == "__main__":
    sys.exit(main())
