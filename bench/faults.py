"""Fault bench: a camera that keeps breaking and a detection worker killed mid-dwell, on the demo's cameras.

    .venv/bin/python bench/faults.py [--seconds 150] [--cameras 40] [--workers 2] [--phase-s 5]
                                     [--kill-after 45] [--no-kill] [--scene-seconds 180]

The demo RTSP server serves ``--cameras`` demo cameras (the scripted scenes among them: a
stall that stands on the pavement from 15 s of its clip, a bin that fills up, another stall) on
``--workers`` decoder workers, every camera decoded live at a wall tile's size. One ordinary
camera is served by a server of its own that cycles, ``--phase-s`` seconds each, through
garbage H.264 → nobody there (connection refused) → good video → garbage …; the detection
service runs the demo's detection (stationary objects, 60 s dwell, revisit 2 s).

Measured:

* **healthy_gap_max_s**: the longest time any other camera went without a new picture (read from
  the frame board every 20 ms) over the whole run, the detection kill included.
* **alert_delay_s**: how late the vending alert came because of the kill. The stall's dwell
  starts when the detection first sees it standing in the no-vending zone (a stationary box with
  its bottom-centre in the zone); without a kill the alert is raised one dwell later (the
  scene's notes measured 58-62 s: within a revisit of the dwell). The worker is killed
  (SIGKILL) once the stall has been seen for ``--kill-after`` s; the delay is the raise time
  minus (first seen + dwell). ``inf`` when the run ended (or the stall left) without the alert,
  ``nan`` when the stall was never seen. ``--no-kill`` is the reference run.

The last line is ``RESULT healthy_gap_max_s=… alert_delay_s=…``; goals: healthy_gap_max_s ≤ 0.5
and alert_delay_s ≤ one revisit interval. It is a measurement: it exits 0 when goals are missed.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.media.supervisor import IngestSupervisor
    from app.services.detection.service import DetectionService
    from app.services.system_events import SystemEventLog
    from camera_config.models import SiteConfig

# Spawned children (decoder and detection workers) import this module again as their __main__:
# heavy imports live in main() and the functions that need them.

TILE = (192, 108)
GOAL_GAP_S = 0.5
FLAKY_PATH = "flaky"


@dataclass
class Result:
    healthy: int = 0
    gaps: dict[str, float] = field(default_factory=dict)
    worker_of: dict[str, int] = field(default_factory=dict)
    window_s: float = 0.0
    flaky_cycles: int = 0
    flaky_back: int = 0  # cycles in which the flaky camera showed pictures again
    flaky_events: list[str] = field(default_factory=list)
    other_camera_events: int = 0
    decoder_restarts: int = 0
    detection_restarts: int = 0
    revisit_s: float = 2.0
    dwell_s: float = 60.0
    stall_leaves_s: float = 115.0  # clip time (the demo's script)
    seen_at: float | None = None  # monotonic: the stall first seen in its zone
    killed_at: float | None = None
    raised_at: float | None = None
    clip_start: float | None = None  # monotonic: the scene camera's clip time 0

    def clip_time(self, t: float | None) -> float:
        """Where the scene camera's clip was at monotonic ``t`` (nan if unknown)."""
        return math.nan if t is None or self.clip_start is None else t - self.clip_start

    @property
    def healthy_gap_max_s(self) -> float:
        return max(self.gaps.values(), default=math.nan)

    @property
    def alert_delay_s(self) -> float:
        if self.seen_at is None:
            return math.nan
        expected = self.seen_at + self.dwell_s
        if self.raised_at is None:
            return math.inf
        return self.raised_at - expected


class FlakyCamera:
    """A camera's own server that cycles garbage → gone → good video, ``phase_s`` seconds each."""

    def __init__(self, clip: Path, phase_s: float) -> None:
        from app.demo.rtsp_server import DemoRtspServer, free_port

        self._port = free_port()
        self._phase_s = phase_s
        self._servers = {
            "garbage": DemoRtspServer({"mounts": [{"path": FLAKY_PATH, "mode": "garbage"}]}, port=self._port),
            "good": DemoRtspServer(
                {"mounts": [{"path": FLAKY_PATH, "file": str(clip), "mode": "loop"}]}, port=self._port
            ),
        }
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="flaky-camera", daemon=True)
        self.cycles = 0

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self._port}/{FLAKY_PATH}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for server in self._servers.values():
            server.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.cycles += 1
            for phase in ("garbage", "gone", "good"):
                server = self._servers.get(phase)
                if server is not None:
                    server.start()
                stopped = self._stop.wait(self._phase_s)
                if server is not None:
                    server.kill()  # as a camera losing power: no goodbye
                if stopped:
                    return


def in_zone(x: float, y: float, polygon: Sequence[tuple[float, float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def watch_detection(
    service: DetectionService,
    supervisor: IngestSupervisor,
    scene_camera: str,
    result: Result,
    args: argparse.Namespace,
    end: float,
) -> None:
    """Drain the detection service until ``end``: when the stall is first seen, kill the worker
    ``--kill-after`` s later (unless ``--no-kill``), note when the vending alert is raised."""
    from app.demo.scenes import VENDING_ZONE
    from app.services.detection.protocol import AlertRaised, DetectionUpdate

    while (left := end - time.monotonic()) > 0:
        time.sleep(min(0.2, left))
        if result.clip_start is None:
            meta = supervisor.frame_meta(scene_camera)
            if meta is not None:  # the shared loop mount started when our pull connected (15 fps)
                result.clip_start = time.monotonic() - meta.count / 15.0
        for event in service.drain():
            if (
                isinstance(event, DetectionUpdate)
                and event.camera_id == scene_camera
                and result.seen_at is None
            ):
                standing = [b for b in event.boxes if b.kind == "stationary"]
                if any(in_zone((b.x1 + b.x2) / 2, b.y2, VENDING_ZONE) for b in standing):
                    result.seen_at = event.checked_at
                    print(
                        f"  stall seen in its zone at {result.clip_time(result.seen_at):.0f} s of its clip",
                        flush=True,
                    )
            elif (
                isinstance(event, AlertRaised)
                and event.alert.camera_id == scene_camera
                and event.alert.rule == "vending"
                and result.raised_at is None
            ):
                result.raised_at = time.monotonic() - (time.time() - event.alert.raised_at)
                print(
                    f"  vending alert raised at {result.clip_time(result.raised_at):.0f} s of its clip",
                    flush=True,
                )
        if (
            not args.no_kill
            and result.killed_at is None
            and result.seen_at is not None
            and time.monotonic() - result.seen_at >= args.kill_after
            and service.pid is not None
        ):
            os.kill(service.pid, signal.SIGKILL)
            result.killed_at = time.monotonic()
            into = result.killed_at - result.seen_at
            print(f"  detection worker killed (SIGKILL) {into:.0f} s into the dwell", flush=True)


def healthy_demands(supervisor: IngestSupervisor) -> None:
    from app.media.protocol import ViewMode

    supervisor.set_demands("wall", {c: (ViewMode.LIVE, TILE) for c in supervisor.camera_ids})


def frames_of(supervisor: IngestSupervisor) -> Callable[[str], int]:
    def count(camera_id: str) -> int:
        meta = supervisor.frame_meta(camera_id)
        return 0 if meta is None else meta.count

    return count


def measure(args: argparse.Namespace) -> Result:
    """Start the peers, the ingest and detection; play the faults for ``--seconds``; collect."""
    from app.demo.clips import generate_demo_clips
    from app.demo.paths import default_cache_dir
    from app.demo.rtsp_server import DemoRtspServer
    from app.demo.scene_clips import generate_scene_clips
    from app.demo.scenes import (
        DEMO_DWELL_S,
        SCENE_CAMERAS,
        add_demo_scenes,
        scaled_scripts,
        with_scene_mounts,
    )
    from app.demo.site import build_demo_site, demo_manifest
    from app.media.protocol import SecretUrl
    from app.media.specs import site_specs
    from app.media.supervisor import IngestSupervisor
    from app.services.system_events import SystemEventLog

    clips = generate_demo_clips(
        args.clip_cache or default_cache_dir(), duration_s=args.clip_seconds, streams=("sub",)
    )
    scenes = generate_scene_clips(
        args.scene_cache or default_cache_dir(),
        streams=("sub",),
        **scaled_scripts(args.scene_seconds),
    )

    def demo_site(base: str) -> SiteConfig:
        ordinary = build_demo_site(base, n_cameras=args.cameras - len(SCENE_CAMERAS), clips=clips)
        return add_demo_scenes(ordinary, base, scenes)

    manifest = demo_manifest(demo_site("rtsp://127.0.0.1:1"), clips, tcp_only=True)  # paths only
    server = DemoRtspServer(with_scene_mounts(manifest, demo_site("rtsp://127.0.0.1:1"), scenes), port=0)
    server.start()
    flaky = FlakyCamera(clips.clip(clips.variants[0]), args.phase_s)
    evidence = Path(tempfile.mkdtemp(prefix="citywall-bench-faults-"))
    try:
        site = demo_site(server.base_url)
        result = Result(revisit_s=site.detection.revisit_s, dwell_s=DEMO_DWELL_S)
        result.stall_leaves_s = scenes.vending.leave_s
        flaky_id = site.cameras[-1].id  # an ordinary camera, served by the flaky server instead
        specs = [
            replace(s, sub_url=SecretUrl(flaky.url), main_url=None) if s.camera_id == flaky_id else s
            for s in site_specs(site)
        ]
        events = SystemEventLog()
        supervisor = IngestSupervisor(specs, workers=args.workers, events=events.publish)
        supervisor.start()
        try:
            play(args, site, supervisor, events, flaky, flaky_id, evidence, result)
        finally:
            supervisor.stop()
    finally:
        flaky.stop()
        server.stop()
        shutil.rmtree(evidence, ignore_errors=True)
    return result


def play(
    args: argparse.Namespace,
    site: SiteConfig,
    supervisor: IngestSupervisor,
    events: SystemEventLog,
    flaky: FlakyCamera,
    flaky_id: str,
    evidence: Path,
    result: Result,
) -> None:
    from app.core.system_events import SystemEventKind
    from app.demo.scenes import scene_camera_ids
    from app.media.frame_gaps import FrameGapMeter
    from app.services.detection.service import DetectionService

    healthy_demands(supervisor)
    healthy = [c for c in supervisor.camera_ids if c != flaky_id]
    count = frames_of(supervisor)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 60 and not all(count(c) > 0 for c in healthy):
        time.sleep(0.1)
    print(f"ingest: {sum(count(c) > 0 for c in healthy)}/{len(healthy)} healthy cameras with a picture "
          f"after {time.monotonic() - t0:.1f} s", flush=True)  # fmt: skip
    from app.adapters.storage.evidence_files import EvidenceFiles

    service = DetectionService.for_ingest(site, supervisor, EvidenceFiles(evidence))
    service.start()
    flaky.start()
    meter = FrameGapMeter(count, healthy).start()
    start = time.monotonic()
    try:
        watch_detection(
            service, supervisor, scene_camera_ids()["vending"], result, args, start + args.seconds
        )
    finally:
        result.window_s = time.monotonic() - start
        result.gaps = meter.stop()
        result.detection_restarts = service.restarts
        service.stop()
    result.healthy = len(healthy)
    result.worker_of = {c: supervisor.worker_of(c) for c in healthy}
    result.flaky_cycles = flaky.cycles
    result.decoder_restarts = supervisor.worker_restarts
    recent = events.recent()
    result.flaky_events = [e.kind.value for e in recent if e.camera_id == flaky_id]
    result.flaky_back = sum(e.kind == SystemEventKind.CAMERA_UP for e in recent if e.camera_id == flaky_id)
    result.other_camera_events = sum(e.camera_id not in (None, flaky_id) for e in recent)


def print_result(r: Result, args: argparse.Namespace) -> None:
    worst = sorted(r.gaps, key=lambda c: r.gaps[c], reverse=True)[:5]
    listed = ", ".join(f"{c} {r.gaps[c]:.2f} s (worker {r.worker_of.get(c, '?')})" for c in worst)
    print(f"\nwindow {r.window_s:.0f} s; {r.healthy} healthy cameras on {args.workers} decoder workers")
    print(f"  longest picture gaps of healthy cameras: {listed}")
    if r.gaps:
        print(f"  median of the cameras' longest gaps: {statistics.median(r.gaps.values()):.2f} s")
    flaky_events = ", ".join(f"{n} × {kind}" for kind, n in Counter(r.flaky_events).items()) or "none"
    print(f"  flaky camera: {r.flaky_cycles} cycles of garbage → gone → good video;")
    print(f"    pictures back {r.flaky_back} times; its events: {flaky_events}")
    print(f"  events about other cameras: {r.other_camera_events}")
    print(
        f"  decoder worker restarts: {r.decoder_restarts}; detection worker restarts: {r.detection_restarts}"
    )
    seen, killed, raised = (r.clip_time(t) for t in (r.seen_at, r.killed_at, r.raised_at))
    print(f"  vending scene, in clip time: stall seen {seen:.0f} s, worker killed {killed:.0f} s,")
    expected = seen + r.dwell_s
    print(f"    alert raised {raised:.0f} s; without a kill: {expected:.0f} s (seen + {r.dwell_s:g} s dwell)")
    if math.isinf(r.alert_delay_s):
        leaves = f"the stall leaves at {r.stall_leaves_s:g} s of its clip"
        print(f"  no vending alert by the end of the run ({leaves})")
    gap, delay = r.healthy_gap_max_s, r.alert_delay_s
    print(f"goal healthy_gap_max_s ≤ {GOAL_GAP_S}: {'met' if gap <= GOAL_GAP_S else 'MISSED'} ({gap:.2f} s)")
    met = "met" if delay <= r.revisit_s else "MISSED"
    print(f"goal alert_delay_s ≤ {r.revisit_s:g} (one revisit interval): {met} ({delay:.1f} s)")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    from app.demo.clips import DEFAULT_DURATION_S

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--seconds", type=float, default=150.0, help="length of the run (default 150)")
    ap.add_argument(
        "--cameras", type=int, default=40, help="demo cameras, the scripted scenes included (default 40)"
    )
    ap.add_argument("--workers", type=int, default=2, help="decoder workers (default 2)")
    ap.add_argument(
        "--phase-s", type=float, default=5.0, help="garbage / gone / good, each this long (default 5)"
    )
    ap.add_argument(
        "--kill-after", type=float, default=45.0, help="dwell seconds before the kill (default 45)"
    )
    ap.add_argument("--no-kill", action="store_true", help="the reference run: no detection worker kill")
    ap.add_argument("--clip-cache", type=Path, default=None, help="demo clip cache (default: the demo's)")
    ap.add_argument(
        "--clip-seconds", type=float, default=DEFAULT_DURATION_S, help="length of the CIF demo clips"
    )
    ap.add_argument("--scene-cache", type=Path, default=None, help="scene clip cache (default: the demo's)")
    ap.add_argument(
        "--scene-seconds",
        type=float,
        default=None,
        help="scene clips this long, their scripts scaled to fit (default: the demo's 180 s)",
    )
    args = ap.parse_args(argv)
    if args.cameras < 5 or args.seconds <= 0 or args.workers < 1 or args.phase_s <= 0:
        ap.error("--cameras must be >= 5, --seconds and --phase-s > 0, --workers >= 1")
    if args.scene_seconds is not None and args.scene_seconds <= 0:
        ap.error("--scene-seconds must be > 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("CITYWALL_NETWORK_GUARD", "loopback")  # inherited by every child we start
    from app.netguard import install_from_env

    install_from_env()
    kill = (
        "no kill (reference)"
        if args.no_kill
        else f"detection worker killed {args.kill_after:g} s into the dwell"
    )
    print(f"fault bench: {args.cameras} CIF@15 demo cameras on {args.workers} decoder workers, one cycling "
          f"garbage/gone/good every {args.phase_s:g} s; {kill}; {args.seconds:g} s", flush=True)  # fmt: skip
    result = measure(args)
    print_result(result, args)
    print(f"RESULT healthy_gap_max_s={result.healthy_gap_max_s:.2f} alert_delay_s={result.alert_delay_s:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
