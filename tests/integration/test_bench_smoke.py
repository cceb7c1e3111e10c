"""The benches run end to end (a few seconds, four cameras). Their numbers are never asserted.

Two run at a time, started in the order of the tests (a module fixture): each spends its seconds
waiting on real-time streams at a tenth to half a core, and one after the other they took ~210 s.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.demo.clips import ClipSet
from tests.bench_runs import BenchRun, bench, run_bench
from tests.integration.conftest import TEST_CLIP_SECONDS
from tests.pg_server import pg_bin_dir

pytestmark = pytest.mark.heavy  # tests/conftest.py: never beside another heavy module

LANES = 2  # benches at once
INGEST_RESULT_KEYS = (
    "cpu_ratio_vs_pyav",
    "cpu_ratio_vs_ffmpeg",
    "fps_min",
    "fps_median",
    "rss_mib_per_stream",
    "all_live_s",
)


Benches = dict[str, Future[BenchRun]]  # each test's run, by test name


@dataclass(frozen=True)
class Bench:
    command: list[str]
    timeout_s: float
    env: dict[str, str] | None = None
    remove_after: Path | None = None  # a folder of its own, gone when it ends


def on_clips(command: list[str], clips: ClipSet) -> list[str]:
    """On the session's clips (nothing to encode)."""
    return [*command, "--clip-cache", str(clips.directory), "--clip-seconds", str(TEST_CLIP_SECONDS)]


def run(job: Bench) -> BenchRun:
    try:
        return run_bench(job.command, job.timeout_s, job.env)
    finally:
        if job.remove_after is not None:
            shutil.rmtree(job.remove_after, ignore_errors=True)


# Each test's bench, by test name: made from the session's clips and a folder of the test's own.
BENCHES: dict[str, Callable[[Callable[[], ClipSet], Path], Bench]] = {}


def bench_of(test: str) -> Callable[[Callable[[Callable[[], ClipSet], Path], Bench]], Callable[..., Bench]]:
    def register(make: Callable[[Callable[[], ClipSet], Path], Bench]) -> Callable[..., Bench]:
        BENCHES[test] = make
        return make

    return register


@pytest.fixture(scope="module")
def benches(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Benches]:
    """The selected tests' benches, started ``LANES`` at a time in the tests' order."""
    wanted = [i.name for i in request.session.items if getattr(i, "module", None) is request.module]
    root = tmp_path_factory.mktemp("benches")

    def clips() -> ClipSet:
        demo_clips: ClipSet = request.getfixturevalue("demo_clips")
        return demo_clips

    jobs = {}
    for name in (name for name in wanted if name in BENCHES):
        (root / name).mkdir()
        jobs[name] = BENCHES[name](clips, root / name)
    pool = ThreadPoolExecutor(LANES, thread_name_prefix="bench")
    try:
        yield {name: pool.submit(run, job) for name, job in jobs.items()}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def finished(benches: Benches, request: pytest.FixtureRequest) -> BenchRun:
    """This test's bench, ended with status 0 and a RESULT line (else the test fails here)."""
    return benches[request.node.name].result()


def result_keys(benches: Benches, request: pytest.FixtureRequest) -> set[str]:
    return set(finished(benches, request).values)


@bench_of("test_ingest_bench_runs_and_ends_with_result_line")
def _ingest(clips: Callable[[], ClipSet], folder: Path) -> Bench:
    command = bench("ingest", "--seconds", "2", "--cameras", "4", "--warmup", "1")
    command += ["--ffmpeg-frames", "300"]  # the default 2,700 a clip took ~11 s of the smoke run
    return Bench(on_clips(command, clips()), 240)


@pytest.mark.slow
@pytest.mark.peer
def test_ingest_bench_runs_and_ends_with_result_line(
    benches: Benches, request: pytest.FixtureRequest
) -> None:
    assert result_keys(benches, request) == set(INGEST_RESULT_KEYS)


@bench_of("test_detect_bench_runs_and_ends_with_result_line")
def _detect(clips: Callable[[], ClipSet], folder: Path) -> Bench:
    command = bench("detect", "--seconds", "4", "--cameras", "4", "--live", "2", "--warmup", "20")
    command += ["--overhead-seconds", "2"]
    # each round starts a raw ONNX Runtime process and pauses: 6 cost ~30 s, 2 ~15 s
    command += ["--rounds", "1"]
    return Bench(on_clips(command, clips()), 300)


@pytest.mark.slow
@pytest.mark.peer
def test_detect_bench_runs_and_ends_with_result_line(
    benches: Benches, request: pytest.FixtureRequest
) -> None:
    keys = result_keys(benches, request)
    assert keys == {"revisit_max_s", "revisit_median_s", "overhead_vs_ort", "cpu_left_cores"}


@bench_of("test_wall_bench_runs_and_ends_with_result_line")
def _wall(clips: Callable[[], ClipSet], folder: Path) -> Bench:
    command = bench("wall", "--seconds", "2", "--cameras", "4", "--warmup", "1", "--rounds", "1")
    return Bench(on_clips([*command, "--size", "960x540"], clips()), 240)


@pytest.mark.slow
@pytest.mark.peer
def test_wall_bench_runs_and_ends_with_result_line(benches: Benches, request: pytest.FixtureRequest) -> None:
    keys = result_keys(benches, request)
    assert keys == {"loop_p50_ms", "loop_p99_ms", "loop_p999_ms", "paint_ms", "cpu_ratio_vs_raw"}


@bench_of("test_soak_bench_runs_and_ends_with_result_line")
def _soak(clips: Callable[[], ClipSet], folder: Path) -> Bench:
    command = bench("soak", "--seconds", "12", "--warmup", "3", "--interval", "1", "--cameras", "4")
    command += ["--clip-seconds", "6", "--size", "960x540"]
    command += ["--scene-seconds", "18"]  # a fresh machine encoded 3 × 180 s of D1 + CIF scenes first
    env = dict(os.environ, XDG_DATA_HOME=str(folder / "data"))  # the demo's site file: not the user's
    return Bench(command, 240, env)


@pytest.mark.slow
@pytest.mark.peer
def test_soak_bench_runs_and_ends_with_result_line(benches: Benches, request: pytest.FixtureRequest) -> None:
    assert result_keys(benches, request) == {
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


@bench_of("test_faults_bench_runs_and_ends_with_result_line")
def _faults(clips: Callable[[], ClipSet], folder: Path) -> Bench:
    command = bench("faults", "--seconds", "10", "--cameras", "6", "--phase-s", "2")
    command += ["--scene-cache", str(clips().directory), "--scene-seconds", "18"]
    return Bench(on_clips(command, clips()), 600)


@pytest.mark.slow
@pytest.mark.peer
def test_faults_bench_runs_and_ends_with_result_line(
    benches: Benches, request: pytest.FixtureRequest
) -> None:
    """A short run (too short for the alert): the flaky camera cycles, the gaps are measured. The
    scenes are 18 s clips (the demo's scripts scaled down): 180 s ones took ~35 s to encode."""
    assert result_keys(benches, request) == {"healthy_gap_max_s", "alert_delay_s"}


@bench_of("test_detection_restart_bench_runs_and_ends_with_result_line")
def _detection_restart(clips: Callable[[], ClipSet], folder: Path) -> Bench:
    return Bench(bench("detection_restart", "--seconds", "8", "--kill-at", "3", "--runs", "1"), 300)


def test_detection_restart_bench_runs_and_ends_with_result_line(
    benches: Benches, request: pytest.FixtureRequest
) -> None:
    """A short run: the worker is killed 3 s in, long before any alert (the delays are then inf)."""
    ran = finished(benches, request)
    assert set(ran.values) == {"vending_delay_s", "bin_delay_s", "restart_s", "runs", "revisit_s"}
    assert "killed the worker at" in ran.stdout


@bench_of("test_demo_scenes_bench_runs_and_ends_with_result_line")
def _demo_scenes(clips: Callable[[], ClipSet], folder: Path) -> Bench:
    return Bench(bench("demo_scenes", "--seconds", "8", "--phases", "2", "--scenes", "moved_on"), 300)


def test_demo_scenes_bench_runs_and_ends_with_result_line(
    benches: Benches, request: pytest.FixtureRequest
) -> None:
    """The shortest run: 8 s of the moved-on scene from two phases (too short for its alert)."""
    ran = finished(benches, request)
    kinds = ("alert_min_s", "alert_max_s", "clear_after_min_s", "clear_after_max_s", "uncleared")
    assert set(ran.values) == {f"moved_on_{k}" for k in kinds}
    assert "moved_on loop 1: alert none (0 phases)" in ran.stdout


@bench_of("test_evidence_bench_runs_and_ends_with_result_line")
def _evidence(clips: Callable[[], ClipSet], folder: Path) -> Bench:
    return Bench(on_clips(bench("evidence", "--seconds", "15", "--stills", "1"), clips()), 300)


@pytest.mark.slow
@pytest.mark.peer
def test_evidence_bench_runs_and_ends_with_result_line(
    benches: Benches, request: pytest.FixtureRequest
) -> None:
    """The shortest run: a 10 s ring, one still, a clip with 3 s after the raise."""
    keys = {"evidence_cpu_ms", "still_cpu_ms", "clip_cpu_ms", "ring_mib_per_camera", "tap_cpu_ms_per_s"}
    assert result_keys(benches, request) == keys


@bench_of("test_alerts_bench_runs_and_ends_with_result_line")
def _alerts(clips: Callable[[], ClipSet], folder: Path) -> Bench:
    command = bench("alerts", "--seconds", "10", "--cameras", "4", "--warmup", "1", "--quiet", "2")
    command += ["--burst", "2", "--rate", "5", "--stills", "1", "--size", "960x540"]
    return Bench(on_clips(command, clips()), 300)


@pytest.mark.slow
@pytest.mark.peer
def test_alerts_bench_runs_and_ends_with_result_line(
    benches: Benches, request: pytest.FixtureRequest
) -> None:
    """A short run: four cameras, a 2 s burst of 5 alerts a second and triage, one evidence still."""
    keys = result_keys(benches, request)
    assert keys == {"gui_p999_ms", "write_p99_ms", "evidence_cpu_ms", "ring_mib_per_camera"}


@bench_of("test_cases_bench_runs_and_ends_with_result_line")
def _cases(clips: Callable[[], ClipSet], folder: Path) -> Bench:
    pg_cache = Path(tempfile.mkdtemp(prefix="citywall-bench-pg-"))  # in /tmp: the server's owner reaches it
    command = bench("cases", "--cases", "1000", "--seconds", "4", "--repeats", "2")
    command += ["--cache", str(folder / "cache"), "--pg-cache", str(pg_cache)]
    return Bench(command, 300, remove_after=pg_cache)


@pytest.mark.slow
@pytest.mark.peer
def test_cases_bench_runs_and_ends_with_result_line(benches: Benches, request: pytest.FixtureRequest) -> None:
    """A small year (1,000 cases, built into a cache of its own) and 4 s of list queries; PostgreSQL
    measured where it is installed (CI), else the bench says it could not start it."""
    ran = finished(benches, request)
    assert set(ran.values) == {"list_p95_ms", "figures_ms", "list_p95_ms_pg", "figures_ms_pg", "text_p95_ms"}
    assert "building 1,000 cases" in ran.stdout and "text 1-2 chars" in ran.stdout
    if pg_bin_dir() is not None:
        assert "== PostgreSQL: the case list" in ran.stdout, ran.output
        assert ran.values["list_p95_ms_pg"] != "nan"
    else:
        assert "PostgreSQL: not measured, it could not be started" in ran.stdout, ran.output


@bench_of("test_voice_bench_runs_and_ends_with_result_line")
def _voice(clips: Callable[[], ClipSet], folder: Path) -> Bench:
    command = bench("voice", "--seconds", "10", "--cameras", "4", "--speakers", "4", "--warmup", "1")
    command += ["--quiet", "2", "--every", "4", "--size", "960x540"]
    return Bench(on_clips(command, clips()), 300)


@pytest.mark.slow
@pytest.mark.peer
def test_voice_bench_runs_and_ends_with_result_line(benches: Benches, request: pytest.FixtureRequest) -> None:
    """A short run: four cameras, four speakers, two broadcasts; every speaker hears both."""
    ran = finished(benches, request)
    assert set(ran.values) == {"start_p95_ms", "pacing_err_pct", "gui_p999_ms"}
    assert "== 2 broadcasts to 4 speakers" in ran.stdout and "never heard: 0;" in ran.stdout, ran.output
    assert "8/8 streams byte for byte the clip" in ran.stdout, ran.output
