"""Soak bench: the demo app for a long while. Does its memory, threads or open files grow?

    .venv/bin/python bench/soak.py --seconds 1800

Runs ``citywall demo`` headless, with everything an operator's shift has: the wall, its decoder
workers, the detection worker with its alerts, the PTZ patrols and the scripted scenes. Every
``--interval`` seconds it samples the app's processes: the GUI process and its children (decoder
and detection workers). The demo's RTSP server is a stand-in for the cameras, not the app, and
is left out.

Each sample records unique memory (USS: the pages only that process holds, so the shared frame
board is not counted once per process), resident memory (RSS, shared pages counted in each
process), threads, open files and the CPU time used so far. The first ``--warmup`` seconds fill
caches and buffers by design and are not judged. After them a straight line is fitted through
each memory series: its slope is the growth per hour. A workstation that runs 8-hour shifts
needs it near zero.

Last line: ``RESULT rss_mib=… uss_growth_mib_per_h=… gui_uss_growth_mib_per_h=… threads_delta=…
fds_delta=…``. The numbers are measurements; the bench exits 0 whatever they are (non-zero only
when the app itself fails).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CAMERA_STAND_IN = "gst_rtsp_server"  # the demo RTSP server's script: the cameras, not the app
GUI, WORKERS = "GUI process", "workers"
SITE_READY = "Demo site:"  # what the demo prints as it starts its cameras and opens the window


@dataclass
class Sample:
    t: float
    uss: dict[str, float] = field(default_factory=dict)  # MiB by role
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
            taken.uss[role] = taken.uss.get(role, 0.0) + memory.uss / 2**20
            taken.rss[role] = taken.rss.get(role, 0.0) + memory.rss / 2**20
            taken.threads += process.num_threads()
            taken.fds += open_handles(process)
            cpu = process.cpu_times()
            taken.cpu_s += cpu.user + cpu.system
            taken.processes += 1
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue  # a worker being restarted: the next sample sees its successor
    return taken


def slope_per_hour(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, value) points, per hour; 0 with fewer than two."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return 0.0
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / spread * 3600


def run(args: argparse.Namespace) -> int:
    profile = Path(tempfile.mkdtemp(prefix="citywall-soak-"))
    command = [sys.executable, "-m", "app", "demo", "--offscreen", "--fresh", "--profile", str(profile)]
    command += ["--seconds", f"{args.seconds:g}", "--cameras", str(args.cameras), "--size", args.size]
    command += ["--lang", "zh_CN"]
    if args.clip_seconds is not None:
        command += ["--clip-seconds", f"{args.clip_seconds:g}"]
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
                gui, workers = taken.uss.get(GUI, 0.0), taken.uss.get(WORKERS, 0.0)
                print(
                    f"  {taken.t:7.0f} s  USS GUI {gui:6.1f} MiB, workers {workers:6.1f} MiB;"
                    f"  threads {taken.threads}, files {taken.fds}, processes {taken.processes}",
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

    def total(series: dict[str, float]) -> float:
        return sum(series.values())

    first, last = judged[0], judged[-1]
    uss_growth = slope_per_hour([(s.t, total(s.uss)) for s in judged])
    gui_growth = slope_per_hour([(s.t, s.uss.get(GUI, 0.0)) for s in judged])
    worker_growth = slope_per_hour([(s.t, s.uss.get(WORKERS, 0.0)) for s in judged])
    print(
        f"\n== judged: {first.t:.0f} s to {last.t:.0f} s, {len(judged)} samples (warm-up {args.warmup:g} s)"
    )
    for role, growth in ((GUI, gui_growth), (WORKERS, worker_growth)):
        print(
            f"  {role}: USS {first.uss.get(role, 0.0):.1f} → {last.uss.get(role, 0.0):.1f} MiB, "
            f"RSS {first.rss.get(role, 0.0):.1f} → {last.rss.get(role, 0.0):.1f} MiB; "
            f"fitted growth {growth:+.1f} MiB/h"
        )
    print(f"  threads {first.threads} → {last.threads}; open files {first.fds} → {last.fds}")
    middle = judged[len(judged) // 2]
    if middle is not first and middle is not last:  # CPU creeping up would be the other kind of leak
        early = (middle.cpu_s - first.cpu_s) / (middle.t - first.t)
        late = (last.cpu_s - middle.cpu_s) / (last.t - middle.t)
        print(f"  CPU: {early:.3f} cores in the first half of that window, {late:.3f} in the second")
    print(f"  over an 8-hour shift at this rate: {uss_growth * 8:+.0f} MiB")
    print(
        f"RESULT rss_mib={total(last.rss):.0f} uss_growth_mib_per_h={uss_growth:.1f} "
        f"gui_uss_growth_mib_per_h={gui_growth:.1f} threads_delta={last.threads - first.threads} "
        f"fds_delta={last.fds - first.fds}"
    )
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
    args = parser.parse_args(argv)
    if args.warmup >= args.seconds:
        parser.error("--warmup must be shorter than --seconds")
    os.environ.setdefault("CITYWALL_NETWORK_GUARD", "loopback")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
