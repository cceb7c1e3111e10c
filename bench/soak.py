"""Soak bench: the demo app for a long while. Does its memory, threads or open files grow?

    .venv/bin/python bench/soak.py --seconds 1800

Runs ``citywall demo`` headless, with everything an operator's shift has: the wall, its decoder
workers, the detection worker with its alerts, the PTZ patrols and the scripted scenes. Every
``--interval`` seconds it samples the app's processes: the GUI process and its children (decoder
and detection workers). The demo's RTSP server is a stand-in for the cameras, not the app, and
is left out.

Each sample records, per role (the GUI process; the workers together):

- *heap*: private anonymous memory, what the process itself allocated (Python objects, numpy
  arrays, Qt images, decoder buffers; Linux: RSS less its file and shared-memory pages, Windows:
  private bytes). A leak shows here. It does not move when other processes come and go.
- *USS*: the pages only that process maps. Heap, plus the pages of libraries, fonts and the shared
  frame board that no other process happens to map at that moment. Those turn private when another
  process that mapped the same files exits (another Qt program on the machine, a restarted worker)
  and shared again when one starts: USS then steps by tens of MiB while RSS and heap stay flat.
- *RSS*, threads, open files and the CPU time used so far.

The first ``--warmup`` seconds fill caches and buffers by design and are not judged. After them
each series is judged by bench/trend.py: one step (and its size and time) is told apart from a
slope, and the slope is a robust one (Theil–Sen, net of the step). A heap growing by
``--limit-mib-per-shift`` or more over an 8-hour shift is *growing*; a one-off step that stays
flat afterwards is a *step*; else *flat*. Threads and open files are judged the same way: one
more every hour is growing; Qt's pool threads that come and go (one per core at most, each with
an eventfd, retired after 30 s idle) or a file open for a moment are not.

Last line: ``RESULT rss_mib=… heap_mib=… heap_growth_mib_per_h=… gui_heap_growth_mib_per_h=…
uss_growth_mib_per_h=… uss_step_mib=… threads_delta=… fds_delta=… verdict=flat|step|growing``
(growth rates are the robust ones, per hour). The numbers are measurements; the bench exits 0
whatever they are (non-zero only when the app itself fails).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/soak.py` from the repo root

from bench.trend import Trend, Verdict, judge

ROOT = Path(__file__).resolve().parents[1]
CAMERA_STAND_IN = "gst_rtsp_server"  # the demo RTSP server's script: the cameras, not the app
GUI, WORKERS = "GUI process", "workers"
ROLES = (GUI, WORKERS)
SITE_READY = "Demo site:"  # what the demo prints as it starts its cameras and opens the window
MIB = 2**20
COUNT_LIMIT_PER_SHIFT = 8.0  # threads or files: one more every hour is a leak


@dataclass
class Sample:
    t: float
    heap: dict[str, float] = field(default_factory=dict)  # MiB by role
    uss: dict[str, float] = field(default_factory=dict)
    rss: dict[str, float] = field(default_factory=dict)
    threads: int = 0
    fds: int = 0
    processes: int = 0
    cpu_s: float = 0.0  # CPU time the app's processes have used so far (user + system)


def role_of(process: psutil.Process, root: int) -> str | None:
    """GUI, WORKERS, or None for what is not the app (the demo's camera stand-in)."""
    if process.pid == root:
        return GUI
    if any(CAMERA_STAND_IN in part for part in process.cmdline()):
        return None
    return WORKERS


def open_handles(process: psutil.Process) -> int:
    """Open files and sockets (POSIX file descriptors; Windows handles)."""
    if sys.platform == "win32":
        return process.num_handles()
    return process.num_fds()


def private_heap(process: psutil.Process, uss: int) -> int:
    """Bytes of private anonymous memory: what the process allocated itself (see the docstring)."""
    info = process.memory_info()
    if sys.platform.startswith("linux"):
        return int(info.rss - info.shared)  # RssAnon: `shared` is its file and shared-memory pages
    if sys.platform == "win32":
        return int(info.private)
    return uss  # elsewhere the nearest figure there is


def sample(root: psutil.Process, t: float) -> Sample | None:
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return None
    taken = Sample(t)
    for process in processes:
        try:
            role = role_of(process, root.pid)
            if role is None:
                continue
            memory = process.memory_full_info()
            heap = private_heap(process, memory.uss)
            for series, value in ((taken.heap, heap), (taken.uss, memory.uss), (taken.rss, memory.rss)):
                series[role] = series.get(role, 0.0) + value / MIB
            taken.threads += process.num_threads()
            taken.fds += open_handles(process)
            cpu = process.cpu_times()
            taken.cpu_s += cpu.user + cpu.system
            taken.processes += 1
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue  # a worker being restarted: the next sample sees its successor
    return taken


@dataclass(frozen=True)
class CountTrend:
    """Threads or open files over the judged window."""

    delta: int  # robust growth over the window (Theil–Sen), net of a one-off step
    ranges: tuple[tuple[int, int], tuple[int, int]]  # (min, max) in the first and the last third
    growing: bool


def count_trend(points: Sequence[tuple[float, int]]) -> CountTrend:
    """A count that climbs (one thread or file more every so often) is growing; one that comes and
    goes within a bound (Qt's pool threads, a file open for a moment) is not, nor a one-off step."""
    third = max(1, len(points) // 3)
    first, last = [v for _, v in points[:third]], [v for _, v in points[-third:]]
    trend = judge([(t, float(v)) for t, v in points], limit_per_shift=COUNT_LIMIT_PER_SHIFT, min_step=1)
    hours = (points[-1][0] - points[0][0]) / 3600 if points else 0.0
    delta = round(trend.slope_per_h * hours)
    ranges = ((min(first), max(first)), (min(last), max(last)))
    return CountTrend(delta, ranges, trend.verdict is Verdict.GROWING)


def _span(count: CountTrend) -> str:
    (a, b), (c, d) = count.ranges
    return f"{a}–{b} in the first third, {c}–{d} in the last"


def describe(trend: Trend) -> str:
    step = f", a step of {trend.step:+.1f} MiB at {trend.step_at:.0f} s" if trend.step_at is not None else ""
    line = f"one line through it all: {trend.line_slope_per_h:+.1f} MiB/h"
    return f"{trend.slope_per_h:+.1f} MiB/h{step} ({line})"


def report(samples: Sequence[Sample], args: argparse.Namespace) -> None:
    first, last = samples[0], samples[-1]

    def total(series: dict[str, float]) -> float:
        return sum(series.values())

    def trend_of(series: Callable[[Sample], dict[str, float]], role: str | None = None) -> Trend:
        """The trend of one role's figure, or of the roles' total (None)."""
        points = [(s.t, series(s).get(role, 0.0) if role else total(series(s))) for s in samples]
        return judge(points, limit_per_shift=args.limit_mib_per_shift, min_step=args.min_step_mib)

    def heap_of(s: Sample) -> dict[str, float]:
        return s.heap

    def uss_of(s: Sample) -> dict[str, float]:
        return s.uss

    def rss_of(s: Sample) -> dict[str, float]:
        return s.rss

    heap = {role: trend_of(heap_of, role) for role in ROLES}
    uss = {role: trend_of(uss_of, role) for role in ROLES}
    heap_total, uss_total = trend_of(heap_of), trend_of(uss_of)
    print(
        f"\n== judged: {first.t:.0f} s to {last.t:.0f} s, {len(samples)} samples (warm-up {args.warmup:g} s)"
    )
    for role in ROLES:

        def span(series: Callable[[Sample], dict[str, float]], r: str = role) -> str:
            return f"{series(first).get(r, 0.0):.1f} → {series(last).get(r, 0.0):.1f} MiB"

        print(f"  {role}:")
        print(f"    heap {span(heap_of)}: {heap[role].verdict}, {describe(heap[role])}")
        print(f"    USS  {span(uss_of)}: {describe(uss[role])}")
        print(f"    RSS  {span(rss_of)}")
        if heap[role].verdict is Verdict.FLAT and uss[role].verdict is not Verdict.FLAT:
            print(
                "    its USS moved while its heap did not: pages of libraries, fonts or shared memory"
                " that another process stopped (or started) mapping too, not memory the app allocated"
            )
    threads = count_trend([(s.t, s.threads) for s in samples])
    fds = count_trend([(s.t, s.fds) for s in samples])
    print(
        f"  threads {_span(threads)}, {threads.delta:+d} over the window; open files {_span(fds)},"
        f" {fds.delta:+d}"
    )
    middle = samples[len(samples) // 2]
    if middle is not first and middle is not last:  # CPU creeping up would be the other kind of leak
        early = (middle.cpu_s - first.cpu_s) / (middle.t - first.t)
        late = (last.cpu_s - middle.cpu_s) / (last.t - middle.t)
        print(f"  CPU: {early:.3f} cores in the first half of that window, {late:.3f} in the second")
    verdicts = {heap[role].verdict for role in ROLES}
    verdict = next((v for v in (Verdict.GROWING, Verdict.STEP) if v in verdicts), Verdict.FLAT)
    if threads.growing or fds.growing:
        verdict = Verdict.GROWING
    print(f"  heap over an 8-hour shift at this rate: {heap_total.shift_growth():+.0f} MiB ({verdict})")
    print(
        f"RESULT rss_mib={total(last.rss):.0f} heap_mib={total(last.heap):.0f} "
        f"heap_growth_mib_per_h={heap_total.slope_per_h:.1f} "
        f"gui_heap_growth_mib_per_h={heap[GUI].slope_per_h:.1f} "
        f"uss_growth_mib_per_h={uss_total.slope_per_h:.1f} uss_step_mib={uss_total.step:.1f} "
        f"threads_delta={threads.delta} fds_delta={fds.delta} verdict={verdict}"
    )


def run(args: argparse.Namespace) -> int:
    profile = Path(tempfile.mkdtemp(prefix="citywall-soak-"))
    command = [sys.executable, "-m", "app", "demo", "--offscreen", "--fresh", "--profile", str(profile)]
    command += ["--seconds", f"{args.seconds:g}", "--cameras", str(args.cameras), "--size", args.size]
    command += ["--lang", "zh_CN"]
    if args.clip_seconds is not None:
        command += ["--clip-seconds", f"{args.clip_seconds:g}"]
    if args.scene_seconds is not None:
        command += ["--scene-seconds", f"{args.scene_seconds:g}"]
    print(f"soak: citywall {' '.join(command[3:])}", flush=True)
    log = profile / "app.log"
    samples: list[Sample] = []
    with log.open("w") as out:
        # The app runs its --seconds from its window on (a first run makes the footage before)
        # and quits by itself; the watch starts with the site and stops short of the quit.
        app = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        root = psutil.Process(app.pid)
        try:
            while app.poll() is None and SITE_READY not in log.read_text(errors="replace"):
                time.sleep(0.5)
            started = time.monotonic()
            last_sample = args.seconds - max(2 * args.interval, 5.0)
            while app.poll() is None and time.monotonic() - started + args.interval <= last_sample:
                time.sleep(args.interval)
                taken = sample(root, time.monotonic() - started)
                if taken is None or not taken.processes:
                    continue
                samples.append(taken)
                print(
                    f"  {taken.t:7.0f} s  heap/USS/RSS GUI "
                    + "/".join(f"{m.get(GUI, 0.0):.1f}" for m in (taken.heap, taken.uss, taken.rss))
                    + " MiB, workers "
                    + "/".join(f"{m.get(WORKERS, 0.0):.1f}" for m in (taken.heap, taken.uss, taken.rss))
                    + f" MiB;  threads {taken.threads}, files {taken.fds}, processes {taken.processes}",
                    flush=True,
                )
            try:
                app.wait(args.interval * 4 + 60)
            except subprocess.TimeoutExpired:
                print("soak: the app did not quit at the end of its --seconds", file=sys.stderr)
        finally:
            if app.poll() is None:  # interrupted or hung (its workers and RTSP server follow it out)
                app.terminate()
                try:
                    app.wait(30)
                except subprocess.TimeoutExpired:
                    app.kill()
                    app.wait()
    judged = [s for s in samples if s.t >= args.warmup]
    if app.returncode != 0 or len(judged) < 2:
        print(log.read_text()[-3000:], file=sys.stderr)
        print(
            f"soak: app exit code {app.returncode}; {len(judged)} samples after the warm-up", file=sys.stderr
        )
        return 1
    report(judged, args)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=1800.0, help="how long the app runs (default 1800)")
    parser.add_argument("--warmup", type=float, default=600.0, help="not judged: caches fill (default 600)")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between samples (default 30)")
    parser.add_argument("--cameras", type=int, default=100)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--clip-seconds", type=float, default=None, help="demo clip length (default: demo's)")
    parser.add_argument(
        "--scene-seconds", type=float, default=None, help="scene clip length, scaled (default: demo's)"
    )
    parser.add_argument(
        "--limit-mib-per-shift",
        type=float,
        default=64.0,
        help="heap growth over an 8-hour shift from which a series is judged growing (default 64)",
    )
    parser.add_argument(
        "--min-step-mib", type=float, default=4.0, help="smallest step reported as one (default 4)"
    )
    args = parser.parse_args(argv)
    if args.warmup >= args.seconds:
        parser.error("--warmup must be shorter than --seconds")
    os.environ.setdefault("CITYWALL_NETWORK_GUARD", "loopback")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
