"""How a wall run is asked for (by the CLI, the demo, tests and benches)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_SIZE = (1600, 900)  # the main window on first start


@dataclass(frozen=True)
class RunOptions:
    offscreen: bool = False
    seconds: float | None = None  # quit after this long (smoke runs, benches)
    screenshot: Path | None = None  # written just before quitting
    size: tuple[int, int] | None = None  # None: as the operator left it (DEFAULT_SIZE at first)
    language: str | None = None  # None: as last time (简体中文 on first start)
    profile_dir: Path | None = None  # per-user settings and views; None: the OS's app data folder
    fresh: bool = False  # ignore the saved session (windows, views, pages)
    wall_only: bool = False  # hide the panels, toolbar and menus: a display that only shows the wall
    data_dir: Path | None = None  # sites' data (zones, patrols, evidence, logs); None: the user's data folder
    log_level: str = "info"  # the log file's level (stderr shows warnings and worse)
    operator: str | None = None  # who is on shift; None: asked at start (the last name offered)
    role: str | None = None  # "operator" or "shift_leader" (what they may do to cases); None: as last time
