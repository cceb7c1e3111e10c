"""Options shared by the commands that open the wall."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.run_options import RunOptions


def add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offscreen", action="store_true", help="run without a display (smoke tests, servers)"
    )
    parser.add_argument("--seconds", type=float, help="quit after this many seconds")
    parser.add_argument("--screenshot", type=Path, help="save the wall to this PNG before quitting")
    parser.add_argument("--size", default="1600x900", help="window size WxH (default 1600x900)")
    parser.add_argument(
        "--lang", choices=("zh_CN", "en"), help="interface language (default: as last time, 中文 first)"
    )
    parser.add_argument("--profile", type=Path, help="folder for this operator's settings and views")
    parser.add_argument(
        "--fresh", action="store_true", help="start with the default wall, not the saved session"
    )
    parser.add_argument(
        "--wall-only", action="store_true", help="show only the wall (a wall display; F10 toggles)"
    )


def run_options(args: argparse.Namespace) -> RunOptions:
    width, _, height = str(args.size).partition("x")
    return RunOptions(
        offscreen=bool(args.offscreen),
        seconds=args.seconds,
        screenshot=args.screenshot,
        size=(int(width), int(height)),
        language=args.lang,
        profile_dir=args.profile,
        fresh=bool(args.fresh),
        wall_only=bool(args.wall_only),
    )
