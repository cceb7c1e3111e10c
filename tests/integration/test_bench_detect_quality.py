"""The detection quality bench runs end to end (seconds of footage). Its numbers are never asserted."""

from __future__ import annotations

from pathlib import Path

from tests.bench_runs import bench, run_bench


def test_detect_quality_bench_runs_and_ends_with_result_line(tmp_path: Path) -> None:
    """The shortest run: 20 s of the demo street as negative footage (no shared data: an empty
    folder) and of each vending scene from one phase: too short for any stay to be judged."""
    command = bench(
        "detect_quality", "--seconds", "20", "--phases", "1", "--data", str(tmp_path), "--bin-scene"
    )
    ran = run_bench(command, 300)
    assert set(ran.values) == {"false_alerts_per_cam_hour", "vending_event_recall", "bin_pair_accuracy"}
    assert "vtest.avi: 0 false alert(s) in 0.006 camera-hours" in ran.stdout, ran.output
    assert "only the demo footage is replayed" in ran.stdout
    assert "scene moved_on phase 0.00 s: 0/0 stays found" in ran.stdout
    assert "bin events found: 0/0" in ran.stdout
    assert "or vtest.avi absent: not measured" in ran.stdout and ran.values["bin_pair_accuracy"] == "nan"
