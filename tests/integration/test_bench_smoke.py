"""The benches run end to end (a few seconds, four cameras). Their numbers are never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.demo.clips import ClipSet
from tests.integration.conftest import TEST_CLIP_SECONDS

ROOT = Path(__file__).resolve().parents[2]
RESULT_KEYS = (
    "cpu_ratio_vs_pyav",
    "cpu_ratio_vs_ffmpeg",
    "fps_min",
    "fps_median",
    "rss_mib_per_stream",
    "all_live_s",
)


@pytest.mark.slow
@pytest.mark.peer
def test_ingest_bench_runs_and_ends_with_result_line(demo_clips: ClipSet) -> None:
    command = [sys.executable, str(ROOT / "bench" / "ingest.py")]
    command += ["--seconds", "2", "--cameras", "4", "--warmup", "1"]
    # The session's clips: nothing to encode.
    command += ["--clip-cache", str(demo_clips.directory), "--clip-seconds", str(TEST_CLIP_SECONDS)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    keys = {item.split("=", 1)[0] for item in last.removeprefix("RESULT ").split()}
    assert keys == set(RESULT_KEYS), last


@pytest.mark.slow
@pytest.mark.peer
def test_detect_bench_runs_and_ends_with_result_line(demo_clips: ClipSet) -> None:
    command = [sys.executable, str(ROOT / "bench" / "detect.py")]
    command += [
        "--seconds",
        "4",
        "--cameras",
        "4",
        "--live",
        "2",
        "--warmup",
        "20",
        "--overhead-seconds",
        "2",
    ]
    command += ["--clip-cache", str(demo_clips.directory), "--clip-seconds", str(TEST_CLIP_SECONDS)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    keys = {item.split("=", 1)[0] for item in last.removeprefix("RESULT ").split()}
    assert keys == {"revisit_max_s", "revisit_median_s", "overhead_vs_ort", "cpu_left_cores"}, last


@pytest.mark.slow
@pytest.mark.peer
def test_wall_bench_runs_and_ends_with_result_line(demo_clips: ClipSet) -> None:
    command = [sys.executable, str(ROOT / "bench" / "wall.py")]
    command += ["--seconds", "2", "--cameras", "4", "--warmup", "1", "--rounds", "1", "--size", "960x540"]
    command += ["--clip-cache", str(demo_clips.directory), "--clip-seconds", str(TEST_CLIP_SECONDS)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    keys = {item.split("=", 1)[0] for item in last.removeprefix("RESULT ").split()}
    assert keys == {"loop_p50_ms", "loop_p99_ms", "loop_p999_ms", "paint_ms", "cpu_ratio_vs_raw"}, last
