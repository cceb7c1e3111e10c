"""The detection quality bench runs end to end (seconds of footage). Its numbers are never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_detect_quality_bench_runs_and_ends_with_result_line(tmp_path: Path) -> None:
    """The shortest run: 20 s of the demo street as negative footage (no shared data: an empty
    folder) and of each vending scene from one phase: too short for any stay to be judged."""
    command = [sys.executable, str(ROOT / "bench" / "detect_quality.py"), "--seconds", "20", "--phases", "1"]
    command += ["--data", str(tmp_path), "--bin-scene"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    values = dict(item.split("=", 1) for item in last.removeprefix("RESULT ").split())
    assert set(values) == {"false_alerts_per_cam_hour", "vending_event_recall", "bin_pair_accuracy"}
    assert "vtest.avi: 0 false alert(s) in 0.006 camera-hours" in done.stdout, output
    assert "only the demo footage is replayed" in done.stdout
    assert "scene moved_on phase 0.00 s: 0/0 stays found" in done.stdout
    assert "bin events found: 0/0" in done.stdout
    assert "or vtest.avi absent: not measured" in done.stdout and values["bin_pair_accuracy"] == "nan"
