"""How a wall run is asked for (by the CLI, the demo, tests and benches)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RunOptions:
    offscreen: bool = False
    seconds: float | None = None  # quit after this long (smoke runs, benches)
    screenshot: Path | None = None  # written just before quitting
    size: tuple[int, int] = (1600, 900)
