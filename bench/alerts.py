"""Alerts bench: the 100-camera demo wall while a burst of alerts is raised and triaged.

The whole app in this process, as bench/wall.py runs it (the demo site's CIF streams from the
demo RTSP server, the real decoder supervisor, the main window offscreen), with its alert side as
the composition root builds it: the SQLite alert store (WAL) in a temporary data folder, its one
writer thread, the AlertService, the detection intake (the worker's priority boosts are recorded,
no detection worker runs) handed to the window. Timeline after all cameras are live and a warm-up:

- ``--quiet`` seconds of the wall alone (the baseline of the GUI event loop);
- a burst: ``--rate`` alerts a second for ``--burst`` seconds, each the core's ``Alert`` made as
  the detection worker makes it (its ``OpenAlerts.on_hit``) for a demo camera and one of the demo
  scenes' zones (a vending zone, a bin), handed to the service by the detection intake on the GUI
  thread every 200 ms, as the window's detection poll does;
- from the burst's start to the end, triage at ``--triage-rate`` commands a second, as a person at
  the keyboard: take the most urgent alert nobody has acknowledged (acknowledge), then give it a
  verdict (dismiss with a reason, or every third one confirm), as the on-shift operator.

Measured:

- gui_p999_ms: lateness of a 5 ms precise timer on the GUI thread (bench/wall.py's probe), p99.9
  over the burst and triage (the quiet baseline printed beside it);
- write_p99_ms: the writer's latency per write (submitted to committed, queueing included), p99
  over every write of the burst and triage;
- evidence_cpu_ms, ring_mib_per_camera: bench/evidence.py's measurement (a still from the main
  stream plus a clip cut from a 10 s packet ring of the sub-stream, in thread CPU-ms; the ring's
  peak), run beside the wall in a process of its own against the same RTSP server: its load is on
  the machine as the app's evidence capture would be, its GIL is not the probe's.

Also printed (info): where the GUI time of one alert change goes (the whole call, and the part in
the window's listeners: the list, the wall overlay, the status bar), the writer's queue, what the
store holds afterwards, and the rows the alert list shows at the end. ``--profile`` adds the GUI
thread's top functions during the burst (cProfile; it slows the GUI, so the figures of such a run
are not the bench's).

    .venv/bin/python bench/alerts.py --seconds 40

A measurement: it exits 0 whatever the numbers. Last line ``RESULT gui_p999_ms=… write_p99_ms=…
evidence_cpu_ms=… ring_mib_per_camera=…``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import multiprocessing
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/alerts.py` from the repo root

from bench.evidence import EvidenceFigures, measure
from bench.ingest import add_clip_arguments
from bench.wall import LIVE_TIMEOUT_S, PROBE_MS, percentile

if TYPE_CHECKING:
    from app.adapters.storage.evidence_files import EvidenceFiles
    from app.adapters.storage.repository import SqlAlertRepository
    from app.adapters.storage.writer import AlertWriter
    from app.core.alerts import Alert, AlertChange
    from app.services.alerts import AlertService
    from app.services.detection.alert_feed import DetectionAlerts
    from app.services.system_events import SystemEventLog
    from app.ui.main_window import MainWindow
    from camera_config.models import SiteConfig

OPERATOR = "张伟"  # who is on shift (every triage command carries the name)
POLL_MS = 200  # the window's detection poll (DETECTION_POLL_MS)
VERDICT_EVERY = 3  # every third verdict confirms, the others dismiss
GOALS = {"gui_p999_ms": 50.0, "write_p99_ms": 20.0, "evidence_cpu_ms": 50.0, "ring_mib_per_camera": 2.0}
EVIDENCE_SUB, EVIDENCE_MAIN = "evidence-sub", "evidence-main"  # the evidence measurement's mounts
T = TypeVar("T")


@dataclass
class Calls:
    """GUI-thread seconds of one kind of alert change: the whole call and its views' part."""

    total_s: list[float] = field(default_factory=list)
    views_s: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)  # the GUI thread's CPU in the call

    def line(self, name: str) -> str:
        if not self.total_s:
            return f"  {name}: none"
        total = [s * 1000 for s in self.total_s]
        views = [s * 1000 for s in self.views_s]
        return (
            f"  {name}: {len(total)} calls, {statistics.fmean(total):.2f} ms mean, p50 "
            f"{percentile(total, 50):.2f}, p99 {percentile(total, 99):.2f}, max {max(total):.2f} ms; "
            f"in the window's listeners {statistics.fmean(views):.2f} ms mean, "
            f"p99 {percentile(views, 99):.2f}; GUI thread CPU "
            f"{statistics.fmean(self.cpu_s) * 1000:.2f} ms mean"
        )


@dataclass
class Run:
    all_live_s: float = 0.0
    quiet: list[float] = field(default_factory=list)  # probe lateness, ms
    busy: list[float] = field(default_factory=list)
    quiet_gui_cores: float = 0.0
    busy_gui_cores: float = 0.0
    quiet_paint: tuple[float, float] = (0.0, 0.0)  # the wall's paint: CPU cores, ms per paint
    busy_paint: tuple[float, float] = (0.0, 0.0)
    raised: int = 0  # raises handed to the service
    new_alerts: int = 0  # of which new alerts (the others continued an open one of the same key)
    commands: dict[str, int] = field(default_factory=dict)
    refused: int = 0  # triage commands the service refused (should be none)
    raises: Calls = field(default_factory=Calls)
    triage: Calls = field(default_factory=Calls)
    writes_s: list[float] = field(default_factory=list)
    queue_peak: int = 0
    unwritten: int = 0
    stored_alerts: int = -1
    stored_events: int = -1
    rows_listed: int | None = None
    open_alerts: int = 0
    awaiting: int = 0
    boosted_cameras: int = 0
    others: str = ""  # what other processes used while it ran
    profile: str = ""


class Boosts:
    """Stands in for the detection worker's priority boosts (no worker runs): the cameras boosted."""

    def __init__(self) -> None:
        self.cameras: set[str] = set()

    def boost(self, camera_id: str, on: bool) -> None:
        (self.cameras.add if on else self.cameras.discard)(camera_id)


class ListenerClock:
    """Subscribed before and after the window's listeners: how long the window took on one change."""

    def __init__(self) -> None:
        self._began = 0.0
        self.views_s = 0.0

    def begin(self, _change: AlertChange) -> None:
        self._began = time.perf_counter()

    def end(self, _change: AlertChange) -> None:
        self.views_s = time.perf_counter() - self._began


def burst_alerts(site: SiteConfig, count: int, t0: float) -> list[Alert]:
    """``count`` alerts as the detection worker makes them: camera by camera over the site, a vending
    zone then a bin (the demo scenes' zones), a box each; more than two per camera continue one."""
    import numpy as np

    from app.core.alerts import Box
    from app.demo.scenes import scene_zones
    from app.services.detection.alerting import OpenAlerts
    from app.services.detection.protocol import AlertRaised
    from detectors.types import Evidence, Hit, HitState

    zones = scene_zones()
    kinds = [("vending", "0501", zones["vending"][0]), ("bin_overflow", "0102", zones["bin"][0])]
    cameras = [c for c in site.cameras if c.enabled]
    worker = OpenAlerts()  # the worker's: a key raised again gets a new id, the service continues it
    out: list[Alert] = []
    for i in range(count):
        camera = cameras[i % len(cameras)]
        rule, event, zone = kinds[(i // len(cameras)) % len(kinds)]
        wall = t0 + i * 0.05
        no_boxes = np.zeros((0, 6), dtype=np.float32)
        hit = Hit(rule, event, HitState.RAISED, camera.id, None, zone.id, wall, 0.9,
                  Evidence(None, no_boxes, zone.id, rule))  # fmt: skip
        box = Box(0.30, 0.45, 0.52, 0.92, "stall" if rule == "vending" else "bin", 0.9)
        message = worker.on_hit(hit, wall, zone.name, (box,), camera.grid_code)
        assert isinstance(message, AlertRaised)
        out.append(message.alert)
    return out


class Person:
    """Triage at the keyboard: acknowledge the most urgent new alert, then give it a verdict."""

    def __init__(self, service: AlertService, name: Callable[[], str]) -> None:
        self._service, self._name = service, name
        self._verdicts: deque[str] = deque()
        self._given = 0

    def step(self) -> tuple[str, Callable[[], object]] | None:
        """The next command (its name and the call), or None when there is nothing to do."""
        from app.core.alerts import DismissReason

        by = self._name()
        if self._verdicts:
            alert_id = self._verdicts.popleft()
            self._given += 1
            if self._given % VERDICT_EVERY == 0:
                return "confirm", lambda: self._service.confirm(alert_id, by, "现场核实")
            reasons = [r for r in DismissReason if r is not DismissReason.OTHER]
            reason = reasons[self._given % len(reasons)]
            return "dismiss", lambda: self._service.dismiss(alert_id, by, reason)
        waiting = self._service.awaiting_acknowledgement()
        if not waiting:
            return None
        alert_id = waiting[0].id
        self._verdicts.append(alert_id)
        return "acknowledge", lambda: self._service.acknowledge(alert_id, by)


@dataclass
class Store:
    """The alert side as the composition root builds it, the writer kept for its latencies."""

    repository: SqlAlertRepository
    writer: AlertWriter
    service: AlertService
    evidence: EvidenceFiles
    events: SystemEventLog
    intake: DetectionAlerts

    def close(self) -> None:
        self.intake.close()
        self.service.close()  # the writer finishes what it was given, then closes the repository


def open_store(site: SiteConfig, data: Path, boosts: Boosts) -> Store:
    """As app.main.open_alerts_store opens it (SQLite in ``data``), and the detection intake."""
    from app.adapters.storage.evidence_files import EvidenceFiles
    from app.adapters.storage.repository import open_repository
    from app.adapters.storage.writer import AlertWriter
    from app.main import WallClock, evidence_dir_for
    from app.services.alerts import AlertService
    from app.services.detection.alert_feed import DetectionAlerts
    from app.services.system_events import SystemEventLog

    events = SystemEventLog()
    repository = open_repository(None, data)
    writer = AlertWriter(repository)
    service = AlertService(writer, WallClock(), events.publish)
    evidence = EvidenceFiles(evidence_dir_for(site, data))
    return Store(repository, writer, service, evidence, events, DetectionAlerts(service, boosts))


def others_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds so far of every process that is not this bench's (other engineers' runs)."""
    import psutil

    me = psutil.Process()
    mine = {me.pid, *(c.pid for c in me.children(recursive=True))}
    out: dict[int, tuple[str, float]] = {}
    for proc in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        times = proc.info["cpu_times"]
        if proc.pid in mine or times is None:
            continue
        words = proc.info["cmdline"] or [proc.info["name"] or "?"]
        out[proc.pid] = (" ".join(Path(words[0]).name if i == 0 else w for i, w in enumerate(words))[:70],
                         times.user + times.system)  # fmt: skip
    return out


def others_line(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], s: float) -> str:
    used = sorted(
        ((cpu - before.get(pid, ("", 0.0))[1], name) for pid, (name, cpu) in after.items()), reverse=True
    )
    top = "; ".join(f"{cpu / s:.2f} {name}" for cpu, name in used[:3] if cpu / s >= 0.02)
    return f"{sum(cpu for cpu, _ in used) / s:.2f} cores" + (f" (most: {top})" if top else "")


def listed_rows(window: MainWindow) -> int | None:
    """Rows the alert list shows (the first list or table in the alerts dock), if there is one."""
    from PySide6.QtWidgets import QAbstractItemView

    widget = window.alerts_dock.widget()
    if widget is None:
        return None
    # Creation order: the current list before history; a combo box's popup list is not the list.
    views = [v for v in widget.findChildren(QAbstractItemView) if v.window() is window]
    model = views[0].model() if views else None
    return model.rowCount() if model is not None else None


def run_wall(site: SiteConfig, args: argparse.Namespace, evidence: Callable[[], object]) -> Run:
    """The wall with the alert side; ``evidence`` is started when the probe starts."""
    from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer

    from app.core.alerts import InvalidAlertTransition
    from app.core.stream_health import StreamState
    from app.main import build_supervisor, site_ui_for
    from app.run_options import RunOptions
    from app.services.detection.protocol import AlertRaised
    from app.ui.main_window import AlertWiring
    from app.ui.runner import build_window, ensure_application, settle_heap

    run = Run()
    app = ensure_application(offscreen=True)
    folder = Path(tempfile.mkdtemp(prefix="citywall-alertbench-"))
    (folder / "data").mkdir()
    boosts = Boosts()
    store = open_store(site, folder / "data", boosts)
    supervisor = build_supervisor(site)
    supervisor.start()
    service, writer, intake = store.service, store.writer, store.intake
    clock = ListenerClock()
    service.subscribe(clock.begin)  # after the intake's, before the window's
    wiring = AlertWiring(service, intake, store.evidence, site.site.timezone)
    width, _, height = args.size.partition("x")
    options = RunOptions(
        offscreen=True, size=(int(width), int(height)), language="zh_CN", profile_dir=folder / "profile",
        fresh=True, operator=OPERATOR,
    )  # fmt: skip
    window = build_window(
        supervisor, site_ui_for(site, folder / "snapshots"), None, options, events=store.events, alerts=wiring
    )
    service.subscribe(clock.end)  # after the window's
    window.show()
    window.start()
    settle_heap()  # as run_wall does
    cameras = [t.info.camera_id for t in window.pane.compositor.tiles() if t.info is not None]
    t_live = time.monotonic()
    while time.monotonic() - t_live < LIVE_TIMEOUT_S:
        app.processEvents()
        if all(supervisor.health(c).state == StreamState.LIVE for c in cameras):
            break
        time.sleep(0.02)
    run.all_live_s = time.monotonic() - t_live

    burst: list[Alert] = []
    lateness: list[float] = []
    last = [0.0]
    marks: dict[str, float] = {}
    gui_cpu: dict[str, float] = {}
    profiler = cProfile.Profile() if args.profile else None
    person = Person(service, lambda: window.operator().name)
    writes_before = [0]

    def tick() -> None:
        now = time.perf_counter()
        if last[0]:
            lateness.append(max(0.0, (now - last[0]) * 1000 - PROBE_MS))
        last[0] = now

    def timed(calls: Calls, call: Callable[[], T]) -> T:
        clock.views_s = 0.0
        t0, cpu0 = time.perf_counter(), time.thread_time()
        result = call()
        calls.total_s.append(time.perf_counter() - t0)
        calls.cpu_s.append(time.thread_time() - cpu0)
        calls.views_s.append(clock.views_s)
        return result

    def poll() -> None:  # the detection poll: the raises due since the last one
        due = min(len(burst), math.floor((time.monotonic() - marks["burst"]) * args.rate))
        while run.raised < due:
            message = AlertRaised(burst[run.raised])
            run.raised += 1
            change = timed(run.raises, lambda m=message: intake.take(m))  # type: ignore[misc]
            run.new_alerts += change is not None and change.before is None
        run.queue_peak = max(run.queue_peak, writer.pending)
        if run.raised >= len(burst):
            poller.stop()

    def triage() -> None:
        step = person.step()
        if step is None:
            return
        name, call = step
        try:
            timed(run.triage, call)
        except InvalidAlertTransition:
            run.refused += 1
            return
        run.commands[name] = run.commands.get(name, 0) + 1

    probe = QTimer(interval=PROBE_MS, timerType=Qt.TimerType.PreciseTimer)
    probe.timeout.connect(tick)
    poller = QTimer(interval=POLL_MS)
    poller.timeout.connect(poll)
    person_timer = QTimer(interval=max(1, round(1000 / args.triage_rate)))
    person_timer.timeout.connect(triage)

    others: list[dict[int, tuple[str, float]]] = []

    compositor = window.pane.compositor
    paint: dict[str, tuple[float, int]] = {}

    def begin() -> None:  # the quiet baseline
        others.append(others_cpu())
        evidence()
        gui_cpu["begin"] = time.thread_time()
        paint["begin"] = (compositor.paint_seconds, compositor.paints)
        probe.start()

    def start_burst() -> None:
        run.quiet, lateness[:] = list(lateness), []
        gui_cpu["burst"] = time.thread_time()
        paint["burst"] = (compositor.paint_seconds, compositor.paints)
        marks["burst"] = time.monotonic()
        burst[:] = burst_alerts(site, round(args.rate * args.burst), time.time())
        writes_before[0] = len(writer.latencies_s)
        if profiler is not None:
            profiler.enable()
        poller.start()
        person_timer.start()

    def end() -> None:
        if profiler is not None:
            profiler.disable()
        probe.stop()
        poller.stop()
        person_timer.stop()
        run.busy = list(lateness)
        gui_cpu["end"] = time.thread_time()
        paint["end"] = (compositor.paint_seconds, compositor.paints)
        run.others = others_line(others[0], others_cpu(), args.seconds)
        app.quit()

    warmup_ms = int(args.warmup * 1000)
    QTimer.singleShot(warmup_ms, begin)
    QTimer.singleShot(warmup_ms + int(args.quiet * 1000), start_burst)
    QTimer.singleShot(warmup_ms + int(args.seconds * 1000), end)
    app.exec()
    busy_s = args.seconds - args.quiet
    run.quiet_gui_cores = (gui_cpu["burst"] - gui_cpu["begin"]) / max(args.quiet, 1e-9)
    run.busy_gui_cores = (gui_cpu["end"] - gui_cpu["burst"]) / max(busy_s, 1e-9)
    run.quiet_paint = paint_figures(paint["begin"], paint["burst"], args.quiet)
    run.busy_paint = paint_figures(paint["burst"], paint["end"], busy_s)
    if service.last_write is not None:
        service.last_write.exception(timeout=60)  # writes finish in order: the last one done, all done
    run.writes_s = list(writer.latencies_s)[writes_before[0] :]
    run.unwritten = service.unwritten
    run.stored_alerts = store.repository.count("alerts")
    run.stored_events = store.repository.count("audit_events")
    run.rows_listed = listed_rows(window)
    run.open_alerts = len(service.open_alerts())
    run.awaiting = len(service.awaiting_acknowledgement())
    run.boosted_cameras = len(boosts.cameras)
    if profiler is not None:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
        run.profile = text.getvalue()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    supervisor.stop()
    store.close()
    return run


def paint_figures(start: tuple[float, int], end: tuple[float, int], seconds: float) -> tuple[float, float]:
    """The wall's paint between two readings: CPU cores, and CPU-ms per paint."""
    cpu, paints = end[0] - start[0], end[1] - start[1]
    return cpu / max(seconds, 1e-9), cpu * 1000 / max(paints, 1)


def stats_line(name: str, values: Sequence[float]) -> str:
    if not values:
        return f"  {name}: no samples"
    return (
        f"  {name}: p50 {percentile(values, 50):.2f} ms, p99 {percentile(values, 99):.2f} ms, p99.9 "
        f"{percentile(values, 99.9):.2f} ms, max {max(values):.2f} ms ({len(values)} samples)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=40.0, help="measured window (default 40)")
    parser.add_argument("--cameras", type=int, default=100)
    parser.add_argument("--warmup", type=float, default=5.0, help="after all cameras are live (default 5)")
    parser.add_argument("--quiet", type=float, default=5.0, help="the wall alone first (default 5)")
    parser.add_argument("--rate", type=float, default=20.0, help="alerts raised a second (default 20)")
    parser.add_argument("--burst", type=float, default=10.0, help="seconds of raising (default 10)")
    parser.add_argument("--triage-rate", type=float, default=3.0, help="triage commands a second (default 3)")
    parser.add_argument("--stills", type=int, default=5, help="evidence stills measured (default 5)")
    parser.add_argument("--size", default="1920x1080", help="main window size (default 1920x1080)")
    parser.add_argument("--profile", action="store_true", help="cProfile the GUI thread during the burst")
    add_clip_arguments(parser)
    args = parser.parse_args(argv)
    if args.quiet + args.burst > args.seconds:
        parser.error("--quiet plus --burst must fit in --seconds")
    os.environ.setdefault("CITYWALL_NETWORK_GUARD", "loopback")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from app.demo.clips import generate_demo_clips
    from app.demo.paths import default_cache_dir
    from app.demo.rtsp_server import DemoRtspServer
    from app.demo.site import build_demo_site, demo_manifest

    clips = generate_demo_clips(args.clip_cache or default_cache_dir(), duration_s=args.clip_seconds)
    manifest = demo_manifest(build_demo_site("rtsp://127.0.0.1:1", args.cameras, clips), clips, tcp_only=True)
    manifest["mounts"] += [
        {"path": EVIDENCE_SUB, "file": str(clips.clip("full", "sub")), "mode": "loop"},
        {"path": EVIDENCE_MAIN, "file": str(clips.clip("full", "main")), "mode": "loop"},
    ]
    print(
        f"alerts bench: {args.cameras} cameras, window {args.size} offscreen; {args.quiet:g} s quiet, then "
        f"{args.rate:g} alerts/s for {args.burst:g} s and triage at {args.triage_rate:g} commands/s, "
        f"{args.seconds:g} s in all; evidence measured beside it (its own process, same RTSP server); "
        f"machine load {os.getloadavg()[0]:.2f} (1-min average, {os.cpu_count()} CPUs)",
        flush=True,
    )
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    evidence: list[Future[EvidenceFigures]] = []
    server = DemoRtspServer(manifest, port=0).start()
    try:
        pool.submit(os.getpid).result()  # the evidence process starts (imports) before anything is measured
        site = build_demo_site(server.base_url, n_cameras=args.cameras, clips=clips)
        sub, main = server.url(EVIDENCE_SUB), server.url(EVIDENCE_MAIN)
        run = run_wall(
            site, args, lambda: evidence.append(pool.submit(measure, sub, main, args.seconds, args.stills))
        )
        figures = evidence[0].result(timeout=args.seconds + 90) if evidence else None
    finally:
        pool.shutdown(cancel_futures=True)
        server.stop()
    return report(run, figures, args)


def report(run: Run, figures: EvidenceFigures | None, args: argparse.Namespace) -> int:
    print(f"\n== the wall: all live after {run.all_live_s:.1f} s; machine load now {os.getloadavg()[0]:.2f}")
    print(f"  other processes on the machine while it was measured: {run.others}")
    print(f"== GUI event loop (a {PROBE_MS} ms timer's lateness)")
    print(
        stats_line(f"quiet ({args.quiet:g} s)", run.quiet) + f"; GUI thread {run.quiet_gui_cores:.2f} cores"
    )
    print(stats_line("burst and triage", run.busy) + f"; GUI thread {run.busy_gui_cores:.2f} cores")
    for name, (cores, per_paint) in (("quiet", run.quiet_paint), ("burst and triage", run.busy_paint)):
        print(f"  the wall's paint, {name}: {cores:.2f} cores, {per_paint:.2f} CPU-ms per paint")
    print("== alert changes on the GUI thread (the call; the window's listeners: list, wall, status bar)")
    print(run.raises.line(f"raises ({run.raised} raised, {run.new_alerts} new alerts)"))
    done = ", ".join(f"{n} {k}" for k, n in sorted(run.commands.items())) or "none"
    print(run.triage.line(f"triage ({done}; {run.refused} refused)"))
    writes_ms = [s * 1000 for s in run.writes_s]
    print(f"== store (SQLite WAL, one writer): {len(writes_ms)} writes")
    print(stats_line("write latency (submitted to committed)", writes_ms) + f"; queue peak {run.queue_peak}")
    print(
        f"  stored afterwards: {run.stored_alerts} alerts, {run.stored_events} audit events; "
        f"{run.unwritten} change(s) the store refused"
    )
    rows = "(no list found)" if run.rows_listed is None else f"{run.rows_listed} rows"
    print(
        f"== at the end: the alert list shows {rows}; {run.open_alerts} open, {run.awaiting} not yet "
        f"acknowledged; detection boosted on {run.boosted_cameras} cameras"
    )
    evidence_ms = ring_mib = math.nan
    if figures is None or figures.cut is None:
        print(f"== evidence: no clip ({figures.problem if figures else 'not measured'})")
    else:
        evidence_ms, ring_mib = figures.evidence_ms, figures.ring_mib
        cut = figures.cut
        print(
            f"== evidence per alert: still {figures.still_ms:.1f} CPU-ms (median of "
            f"{', '.join(f'{s:.1f}' for s in figures.stills_ms)}), clip {figures.clip_ms:.1f} CPU-ms "
            f"({cut.before_s:.1f} s before, {cut.after_s:.1f} s after, {len(cut.data) / 1024:.0f} KiB); "
            f"ring peak {ring_mib:.2f} MiB, tap {figures.tap_ms_per_s:.2f} CPU-ms/s"
        )
    if run.profile:
        print("== GUI thread during the burst (cProfile, cumulative)\n" + run.profile)
    values = {
        "gui_p999_ms": percentile(run.busy, 99.9),
        "write_p99_ms": percentile(writes_ms, 99),
        "evidence_cpu_ms": evidence_ms,
        "ring_mib_per_camera": ring_mib,
    }
    print("== goals")
    for key, value in values.items():
        print(f"  {'PASS' if value <= GOALS[key] else 'MISS'}  {key} {value:.2f} (goal ≤ {GOALS[key]:g})")
    print("RESULT " + " ".join(f"{key}={value:.2f}" for key, value in values.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
