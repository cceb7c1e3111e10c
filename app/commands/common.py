"""Options shared by the commands that open the wall."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.log_setup import DEFAULT_LEVEL, LEVELS
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
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="folder for the sites' data: zones, patrols, evidence, logs (default: the user's data folder)",
    )
    parser.add_argument(
        "--operator",
        metavar="NAME",
        help="who is on shift (goes on every alert event and PTZ lock); default: asked at start",
    )
    parser.add_argument(
        "--role",
        choices=("operator", "shift_leader"),
        help="the role on shift: operator (座席员) or shift_leader (值班长: files, cancels, closes cases); "
        "default: as last time, else operator",
    )
    parser.add_argument(
        "--log-level",
        choices=LEVELS,
        default=DEFAULT_LEVEL,
        help="detail of the log file in the site's data folder (default info; stderr shows warnings)",
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
        data_dir=args.data_dir,
        log_level=str(args.log_level),
        operator=args.operator,
        role=args.role,
    )


def start_problem(title: str, text: str, *, offscreen: bool) -> int:
    """A start that cannot go on: said on stderr, and in a message box where there is a screen
    (a wall started from a desktop shortcut has no terminal). Returns the exit code, 2."""
    print(f"{title}\n{text}", file=sys.stderr)
    if not offscreen and has_display():
        from app.ui.runner import show_start_problem

        show_start_problem(title, text)
    return 2


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def data_folder_problem(folder: Path, reason: str, *, offscreen: bool) -> int:
    title = "CityWall 无法启动 / CityWall cannot start"
    text = (
        f"数据文件夹无法使用：{folder}（{reason}）。请检查权限或磁盘，或用 --data-dir 指定其他文件夹。\n"
        f"The data folder cannot be used: {folder} ({reason}). Check its permissions and disk, "
        "or choose another folder with --data-dir."
    )
    return start_problem(title, text, offscreen=offscreen)


def alert_store_problem(exc: Exception, *, offscreen: bool) -> int:
    """The alert store cannot be opened (a newer schema, a read-only or full folder, a server that
    does not answer): said in both languages, and nothing is started."""
    title = "CityWall 无法启动 / CityWall cannot start"
    text = f"告警数据库无法打开：{exc}\nThe alert database cannot be opened: {exc}"
    return start_problem(title, text, offscreen=offscreen)
