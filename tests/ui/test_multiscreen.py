"""Multi-monitor: a wall window per extra screen, full screen there, restored on the next start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCREENS = {
    "screens": [
        {"name": "control", "x": 0, "y": 0, "width": 1600, "height": 900, "logicalDpi": 96, "dpr": 1},
        {"name": "wall-east", "x": 1600, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96, "dpr": 1},
    ]
}


def test_a_wall_per_extra_screen_is_opened_full_screen_and_restored(tmp_path: Path) -> None:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(SCREENS), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-m", "tests.ui.multiscreen_probe", str(tmp_path / "profile")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=root,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["screens"] == ["control", "wall-east"]
    assert result["wall_screen"] == "wall-east" and result["wall_full_screen"]
    assert result["wall_geometry"] == [1920, 1080]
    assert "wall-1" in result["demand_clients"]  # the extra wall asks for its own tiles
    assert result["restored_walls"] == [["wall-east", "1+5", 1]]
