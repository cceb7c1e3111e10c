"""The benches run end to end (a few seconds, four cameras). Their numbers are never asserted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.demo.clips import ClipSet
from tests.integration.conftest import TEST_CLIP_SECONDS
from tests.pg_server import pg_bin_dir

ROOT = Path(__file__).resolve().parents[2]
INGEST_RESULT_KEYS = (
    "cpu_ratio_vs_pyav",
    "cpu_ratio_vs_ffmpeg",
    "fps_min",
    "fps_median",
    "rss_mib_per_stream",
    "all_live_s",
)


def result_keys(command: list[str], clips: ClipSet, timeout_s: float) -> set[str]:
    """Run a bench on the session's clips (nothing to encode); the keys of its last line, RESULT."""
    command = [*command, "--clip-cache", str(clips.directory), "--clip-seconds", str(TEST_CLIP_SECONDS)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout_s, check=False)
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    return {item.split("=", 1)[0] for item in last.removeprefix("RESULT ").split()}


@pytest.mark.slow
@pytest.mark.peer
def test_ingest_bench_runs_and_ends_with_result_line(demo_clips: ClipSet) -> None:
    command = [sys.executable, str(ROOT / "bench" / "ingest.py")]
    command += ["--seconds", "2", "--cameras", "4", "--warmup", "1"]
    command += ["--ffmpeg-frames", "300"]  # the default 2,700 a clip took ~11 s of the smoke run
    assert result_keys(command, demo_clips, 240) == set(INGEST_RESULT_KEYS)


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
        "--rounds",  # each round starts a raw ONNX Runtime process and pauses: 6 cost ~30 s, 2 ~15 s
        "1",
    ]
    keys = result_keys(command, demo_clips, 300)
    assert keys == {"revisit_max_s", "revisit_median_s", "overhead_vs_ort", "cpu_left_cores"}


@pytest.mark.slow
@pytest.mark.peer
def test_wall_bench_runs_and_ends_with_result_line(demo_clips: ClipSet) -> None:
    command = [sys.executable, str(ROOT / "bench" / "wall.py")]
    command += ["--seconds", "2", "--cameras", "4", "--warmup", "1", "--rounds", "1", "--size", "960x540"]
    keys = result_keys(command, demo_clips, 240)
    assert keys == {"loop_p50_ms", "loop_p99_ms", "loop_p999_ms", "paint_ms", "cpu_ratio_vs_raw"}


@pytest.mark.slow
@pytest.mark.peer
def test_soak_bench_runs_and_ends_with_result_line(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "bench" / "soak.py"), "--seconds", "12", "--warmup", "3"]
    command += ["--interval", "1", "--cameras", "4", "--clip-seconds", "6", "--size", "960x540"]
    command += ["--scene-seconds", "18"]  # a fresh machine encoded 3 × 180 s of D1 + CIF scenes first
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"))  # the demo's site file: not the user's
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=240, env=env, check=False
    )
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    keys = {item.split("=", 1)[0] for item in last.removeprefix("RESULT ").split()}
    assert keys == {
        "rss_mib",
        "heap_mib",
        "heap_growth_mib_per_h",
        "gui_heap_growth_mib_per_h",
        "uss_growth_mib_per_h",
        "uss_step_mib",
        "threads_delta",
        "fds_delta",
        "verdict",
    }


@pytest.mark.slow
@pytest.mark.peer
def test_faults_bench_runs_and_ends_with_result_line(demo_clips: ClipSet) -> None:
    """A short run (too short for the alert): the flaky camera cycles, the gaps are measured. The
    scenes are 18 s clips (the demo's scripts scaled down): 180 s ones took ~35 s to encode."""
    command = [sys.executable, str(ROOT / "bench" / "faults.py"), "--seconds", "10", "--cameras", "6"]
    command += ["--phase-s", "2", "--scene-cache", str(demo_clips.directory), "--scene-seconds", "18"]
    assert result_keys(command, demo_clips, 600) == {"healthy_gap_max_s", "alert_delay_s"}


def test_detection_restart_bench_runs_and_ends_with_result_line() -> None:
    """A short run: the worker is killed 3 s in, long before any alert (the delays are then inf)."""
    command = [sys.executable, str(ROOT / "bench" / "detection_restart.py")]
    command += ["--seconds", "8", "--kill-at", "3", "--runs", "1"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    keys = {item.split("=", 1)[0] for item in last.removeprefix("RESULT ").split()}
    assert keys == {"vending_delay_s", "bin_delay_s", "restart_s", "runs", "revisit_s"}
    assert "killed the worker at" in done.stdout


def test_demo_scenes_bench_runs_and_ends_with_result_line() -> None:
    """The shortest run: 8 s of the moved-on scene from two phases (too short for its alert)."""
    command = [sys.executable, str(ROOT / "bench" / "demo_scenes.py")]
    command += ["--seconds", "8", "--phases", "2", "--scenes", "moved_on"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    keys = {item.split("=", 1)[0] for item in last.removeprefix("RESULT ").split()}
    kinds = ("alert_min_s", "alert_max_s", "clear_after_min_s", "clear_after_max_s", "uncleared")
    assert keys == {f"moved_on_{k}" for k in kinds}
    assert "moved_on loop 1: alert none (0 phases)" in done.stdout


@pytest.mark.slow
@pytest.mark.peer
def test_evidence_bench_runs_and_ends_with_result_line(demo_clips: ClipSet) -> None:
    """The shortest run: a 10 s ring, one still, a clip with 3 s after the raise."""
    command = [sys.executable, str(ROOT / "bench" / "evidence.py"), "--seconds", "15", "--stills", "1"]
    keys = {"evidence_cpu_ms", "still_cpu_ms", "clip_cpu_ms", "ring_mib_per_camera", "tap_cpu_ms_per_s"}
    assert result_keys(command, demo_clips, 300) == keys


@pytest.mark.slow
@pytest.mark.peer
def test_alerts_bench_runs_and_ends_with_result_line(demo_clips: ClipSet) -> None:
    """A short run: four cameras, a 2 s burst of 5 alerts a second and triage, one evidence still."""
    command = [sys.executable, str(ROOT / "bench" / "alerts.py"), "--seconds", "10", "--cameras", "4"]
    command += ["--warmup", "1", "--quiet", "2", "--burst", "2", "--rate", "5", "--stills", "1"]
    command += ["--size", "960x540"]
    keys = result_keys(command, demo_clips, 300)
    assert keys == {"gui_p999_ms", "write_p99_ms", "evidence_cpu_ms", "ring_mib_per_camera"}


@pytest.mark.slow
@pytest.mark.peer
def test_cases_bench_runs_and_ends_with_result_line(tmp_path: Path) -> None:
    """A small year (1,000 cases, built into a cache of its own) and 4 s of list queries; PostgreSQL
    measured where it is installed (CI), else the bench says it could not start it."""
    command = [sys.executable, str(ROOT / "bench" / "cases.py"), "--cases", "1000", "--seconds", "4"]
    pg_cache = Path(tempfile.mkdtemp(prefix="citywall-bench-pg-"))  # in /tmp: the server's owner reaches it
    command += ["--repeats", "2", "--cache", str(tmp_path / "cache"), "--pg-cache", str(pg_cache)]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    finally:
        shutil.rmtree(pg_cache, ignore_errors=True)
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    values = dict(item.split("=", 1) for item in last.removeprefix("RESULT ").split())
    assert set(values) == {"list_p95_ms", "figures_ms", "list_p95_ms_pg", "figures_ms_pg", "text_p95_ms"}
    assert "building 1,000 cases" in done.stdout and "text 1-2 chars" in done.stdout
    if pg_bin_dir() is not None:
        assert "== PostgreSQL: the case list" in done.stdout, output
        assert values["list_p95_ms_pg"] != "nan"
    else:
        assert "PostgreSQL: not measured, it could not be started" in done.stdout, output


@pytest.mark.slow
@pytest.mark.peer
def test_voice_bench_runs_and_ends_with_result_line(demo_clips: ClipSet) -> None:
    """A short run: four cameras, four speakers, two broadcasts; every speaker hears both."""
    command = [sys.executable, str(ROOT / "bench" / "voice.py"), "--seconds", "10", "--cameras", "4"]
    command += ["--speakers", "4", "--warmup", "1", "--quiet", "2", "--every", "4", "--size", "960x540"]
    command += ["--clip-cache", str(demo_clips.directory), "--clip-seconds", str(TEST_CLIP_SECONDS)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    keys = {item.split("=", 1)[0] for item in last.removeprefix("RESULT ").split()}
    assert keys == {"start_p95_ms", "pacing_err_pct", "gui_p999_ms"}
    assert "== 2 broadcasts to 4 speakers" in done.stdout and "never heard: 0;" in done.stdout, output
    assert "8/8 streams byte for byte the clip" in done.stdout, output
