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
    parser.add_argument(
        "--size", type=window_size, help="window size WxH (default: as last time; 1600x900 at first)"
    )
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


def window_size(text: str) -> tuple[int, int]:
    """``1920x1080`` → (1920, 1080); argparse reports anything else as a bad --size."""
    width, sep, height = text.lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1600x900")
    return int(width), int(height)


def run_options(args: argparse.Namespace) -> RunOptions:
    return RunOptions(
        offscreen=bool(args.offscreen),
        seconds=args.seconds,
        screenshot=args.screenshot,
        size=args.size,
        language=args.lang,
        profile_dir=args.profile,
        fresh=bool(args.fresh),
        wall_only=bool(args.wall_only),
    )
