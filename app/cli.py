"""`citywall` command line: one entry point, one sub-command per module in app.commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app.commands import audit_cmd, composite_cmd, config_cmd, demo_cmd, detect_cmds, replay_cmd, run_cmd


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citywall",
        description="CityWall — video wall and supervision console for a city-management command centre.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (demo_cmd, run_cmd, config_cmd, detect_cmds, replay_cmd, composite_cmd, audit_cmd):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
