"""Voice bench: 20 loudspeakers announced at once beside the running 100-camera wall.

The whole app in this process, as bench/alerts.py runs it (the demo site's CIF streams from the
demo RTSP server, the real decoder supervisor, the main window offscreen, the alert side on SQLite
in a temporary data folder), with voice composed as the app composes it (``app.main_voice``: the
delivery router over the RTP, SIP, back-channel and HTTP transports, the prompt library, the voice
service and the ladder) and wired into the window (the voice keys, the tile badges, the ladder's
one-second timer). The site gains ``--speakers`` RTP speakers (unicast on 127.0.0.1, PCMU and PCMA
by turns, one on each of the first cameras); their receivers run in a process of their own
(:mod:`bench.voice_receivers`), so their CPU and GIL are not the app's.

Timeline after all cameras are live and a warm-up: ``--quiet`` seconds of the wall alone (the
baseline), then every ``--every`` seconds the shift leader's emergency broadcast of a shipped
prompt (``--prompt``, from ``resources/voice`` through the prompt library) to every speaker, as
the key does it: Ctrl+Shift+H's action, its confirmation dialog shown and "Broadcast now" clicked
at once, ``VoiceService.emergency``, the router's 20 threads.

Measured:

- start_p95_ms: from the click on "Broadcast now" (just before ``VoiceService.emergency`` is
  called on the GUI thread) to each speaker's first packet at its receiver, p95 over speakers ×
  rounds; both ends on the machine's wall clock (``time.time()`` here, the kernel's receive
  timestamp there: CLOCK_REALTIME). A speaker that heard nothing counts as infinitely late.
- pacing_err_pct: the mean packet rate's error against 20 ms a packet, per stream, the worst
  stream (the duration error, the worst inter-arrival jitter and the lag behind the schedule are
  printed beside it; :mod:`bench.voice_figures` says how each is taken);
- gui_p999_ms: lateness of a 5 ms precise timer on the GUI thread (bench/wall.py's probe), p99.9
  from the first broadcast to the end (the quiet baseline printed beside it).

Also printed: where the start goes (the key to the click: the dialog; the click to the service's
start notice: the router handing the play to its threads; on to the first packet), every
stream's content against the clip (byte for byte, in its law), what the app recorded (each play's
outcome), CPU of the GUI thread and of the other processes on the machine. ``--profile`` adds the
GUI thread's top functions during the rounds (cProfile; it slows the GUI, so such a run's
figures are not the bench's).

    .venv/bin/python bench/voice.py --seconds 40

A measurement: it exits 0 whatever the numbers. Last line ``RESULT start_p95_ms=…
pacing_err_pct=… gui_p999_ms=…``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/voice.py` from the repo root

from bench.alerts import OPERATOR, Boosts, open_store, others_cpu, others_line, paint_figures, stats_line
from bench.ingest import add_clip_arguments
from bench.voice_figures import Heard, assign, expected_payload, pacing, spread
from bench.voice_receivers import HOST, Receivers, Stream
from bench.wall import LIVE_TIMEOUT_S, PROBE_MS, percentile

if TYPE_CHECKING:
    from app.core.voice import Clip, Codec, VoicePlay
    from app.services.voice import VoiceNotice
    from camera_config.models import SiteConfig

GOALS = {"start_p95_ms": 300.0, "pacing_err_pct": 2.0, "gui_p999_ms": 50.0}
TAIL_S = 1.0  # after a clip's last packet, before the next broadcast may start (and the run end)
START_WINDOW_S = 0.5  # the GUI's lateness in this long after the key counts as the broadcast's start
CONFIRM_TRIES = 500  # × 2 ms: how long the bench looks for the confirmation dialog


@dataclass
class Round:
    key_at: float  # wall clock: Ctrl+Shift+H's action triggered
    click_at: float = math.nan  # "Broadcast now" clicked
    noticed_at: float = math.nan  # the service's start notice (announce returned), GUI thread
    play: VoicePlay | None = None  # what the app recorded


@dataclass
class Run:
    all_live_s: float = 0.0
    quiet: list[float] = field(default_factory=list)  # probe lateness, ms
    busy: list[float] = field(default_factory=list)
    busy_at: list[float] = field(default_factory=list)  # wall clock of each busy sample
    quiet_gui_cores: float = 0.0
    busy_gui_cores: float = 0.0
    quiet_app_cores: float = 0.0  # the whole GUI process (GUI thread, voice threads, the rest)
    busy_app_cores: float = 0.0
    quiet_paint: tuple[float, float] = (0.0, 0.0)
    busy_paint: tuple[float, float] = (0.0, 0.0)
    rounds: list[Round] = field(default_factory=list)
    said: str = ""  # the voice's last status-bar message at the end (the last round's outcome)
    others: str = ""
    profile: str = ""


def codec_of(n: int) -> Codec:
    """The ``n``-th speaker's law: µ-law and A-law by turns."""
    from app.core.voice import Codec

    return Codec.PCMU if n % 2 == 0 else Codec.PCMA


def with_speakers(site: SiteConfig, ports: Sequence[int]) -> SiteConfig:
    """``site`` with an RTP speaker at each port (PCMU and PCMA by turns), one per camera in order."""
    from camera_config.voice import SpeakerSpec

    cameras = [c.id for c in site.cameras if c.enabled]
    specs = [
        SpeakerSpec(
            id=f"bench-spk-{n + 1:02d}",
            name=f"测试音柱 {n + 1:02d}",
            kind="rtp",
            address=f"rtp://{HOST}:{port}",
            codec=codec_of(n).value,
            cameras=(cameras[n % len(cameras)],),
        )
        for n, port in enumerate(ports)
    ]
    return site.model_copy(update={"speakers": tuple(specs)})


def round_starts(args: argparse.Namespace, clip_s: float) -> list[float]:
    """When each broadcast starts, seconds after the quiet baseline began: every ``--every`` s
    from the quiet's end, each one's clip heard out before the run ends."""
    starts: list[float] = []
    at = args.quiet
    while at + clip_s + TAIL_S <= args.seconds:
        starts.append(at)
        at += args.every
    return starts


def run_wall(site: SiteConfig, args: argparse.Namespace, clip_s: float) -> Run:
    from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    from app.core.stream_health import StreamState
    from app.core.voice import VoicePriority
    from app.main import WallClock, build_supervisor, site_ui_for
    from app.main_voice import open_voice
    from app.run_options import RunOptions
    from app.ui.main_window import AlertWiring
    from app.ui.runner import build_window, ensure_application, settle_heap
    from app.ui.voice.dialogs import EmergencyDialog

    run = Run()
    app = ensure_application(offscreen=True)
    folder = Path(tempfile.mkdtemp(prefix="citywall-voicebench-"))
    data = folder / "data"
    data.mkdir()
    store = open_store(site, data, Boosts())
    clock = WallClock()
    voice = open_voice(site, data, store.events, store.service, store.evidence, clock)
    supervisor = build_supervisor(site)
    supervisor.start()
    width, _, height = args.size.partition("x")
    options = RunOptions(
        offscreen=True, size=(int(width), int(height)), language="zh_CN", profile_dir=folder / "profile",
        fresh=True, operator=OPERATOR, role="shift_leader",
    )  # fmt: skip
    window = build_window(
        supervisor, site_ui_for(site, folder / "snapshots"), None, options, events=store.events,
        alerts=AlertWiring(store.service, store.intake, store.evidence, site.site.timezone),
        voice=voice.wiring(clock, emergency_prompt=args.prompt),
    )  # fmt: skip
    hub = window.voice
    assert hub is not None
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

    def noticed(notice: VoiceNotice) -> None:  # on the GUI thread at the start, a voice thread at the end
        if notice.priority is not VoicePriority.EMERGENCY or not run.rounds:
            return
        if notice.play is None:
            run.rounds[-1].noticed_at = time.time()
        else:
            pending = [r for r in run.rounds if r.play is None]
            if pending:
                pending[0].play = notice.play

    voice.service.subscribe(noticed)
    lateness: list[float] = []
    stamps: list[float] = []  # wall clock of each sample (which ones fell inside a play)
    last = [0.0]
    gui_cpu: dict[str, float] = {}
    app_cpu: dict[str, float] = {}
    paint: dict[str, tuple[float, int]] = {}
    others: list[dict[int, tuple[str, float]]] = []
    compositor = window.pane.compositor
    profiler = cProfile.Profile() if args.profile else None

    def tick() -> None:
        now = time.perf_counter()
        if last[0]:
            lateness.append(max(0.0, (now - last[0]) * 1000 - PROBE_MS))
            stamps.append(time.time())
        last[0] = now

    def confirm(tries: int = CONFIRM_TRIES) -> None:  # the shift leader clicks "Broadcast now"
        dialog = hub.dialog
        if isinstance(dialog, EmergencyDialog) and dialog.isVisible():
            run.rounds[-1].click_at = time.time()
            dialog.ok.click()
        elif tries:
            QTimer.singleShot(2, lambda: confirm(tries - 1))
        elif isinstance(modal := QApplication.activeModalWidget(), QDialog):
            modal.reject()  # not the broadcast's dialog: the run goes on (that round hears nothing)

    def broadcast() -> None:
        run.rounds.append(Round(key_at=time.time()))
        QTimer.singleShot(0, confirm)  # runs in the dialog's own event loop, once it is up
        hub.actions_by_id["voice_emergency"].trigger()  # Ctrl+Shift+H

    def begin() -> None:
        others.append(others_cpu())
        gui_cpu["begin"], app_cpu["begin"] = time.thread_time(), time.process_time()
        paint["begin"] = (compositor.paint_seconds, compositor.paints)
        probe.start()

    def start_rounds() -> None:
        run.quiet, lateness[:], stamps[:] = list(lateness), [], []
        gui_cpu["rounds"], app_cpu["rounds"] = time.thread_time(), time.process_time()
        paint["rounds"] = (compositor.paint_seconds, compositor.paints)
        if profiler is not None:
            profiler.enable()

    def end() -> None:
        if profiler is not None:
            profiler.disable()
        probe.stop()
        run.busy, run.busy_at = list(lateness), list(stamps)
        gui_cpu["end"], app_cpu["end"] = time.thread_time(), time.process_time()
        paint["end"] = (compositor.paint_seconds, compositor.paints)
        run.others = others_line(others[0], others_cpu(), args.seconds)
        run.said = hub.last_message
        app.quit()

    probe = QTimer(interval=PROBE_MS, timerType=Qt.TimerType.PreciseTimer)
    probe.timeout.connect(tick)
    warmup_ms = int(args.warmup * 1000)
    QTimer.singleShot(warmup_ms, begin)
    QTimer.singleShot(warmup_ms + int(args.quiet * 1000), start_rounds)
    for at in round_starts(args, clip_s):
        QTimer.singleShot(warmup_ms + int(at * 1000), broadcast)
    QTimer.singleShot(warmup_ms + int(args.seconds * 1000), end)
    app.exec()
    busy_s = args.seconds - args.quiet
    run.quiet_gui_cores = (gui_cpu["rounds"] - gui_cpu["begin"]) / max(args.quiet, 1e-9)
    run.busy_gui_cores = (gui_cpu["end"] - gui_cpu["rounds"]) / max(busy_s, 1e-9)
    run.quiet_app_cores = (app_cpu["rounds"] - app_cpu["begin"]) / max(args.quiet, 1e-9)
    run.busy_app_cores = (app_cpu["end"] - app_cpu["rounds"]) / max(busy_s, 1e-9)
    run.quiet_paint = paint_figures(paint["begin"], paint["rounds"], args.quiet)
    run.busy_paint = paint_figures(paint["rounds"], paint["end"], busy_s)
    if profiler is not None:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
        run.profile = text.getvalue()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    voice.close()  # the last play's record is written before the store closes
    supervisor.stop()
    store.close()
    shutil.rmtree(folder, ignore_errors=True)  # the evidence of every play, the store, the profile
    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=40.0, help="measured window (default 40)")
    parser.add_argument("--cameras", type=int, default=100)
    parser.add_argument("--speakers", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=5.0, help="after all cameras are live (default 5)")
    parser.add_argument("--quiet", type=float, default=5.0, help="the wall alone first (default 5)")
    parser.add_argument("--every", type=float, default=4.0, help="seconds between broadcasts (default 4)")
    parser.add_argument("--prompt", default="no_stall", help="a shipped prompt's id (default no_stall)")
    parser.add_argument("--size", default="1920x1080", help="main window size (default 1920x1080)")
    parser.add_argument("--profile", action="store_true", help="cProfile the GUI thread during the rounds")
    add_clip_arguments(parser)
    args = parser.parse_args(argv)
    os.environ.setdefault("CITYWALL_NETWORK_GUARD", "loopback")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from app.demo.clips import generate_demo_clips
    from app.demo.paths import default_cache_dir
    from app.demo.rtsp_server import DemoRtspServer
    from app.demo.site import build_demo_site, demo_manifest
    from app.services.prompt_library import PromptLibrary

    with tempfile.TemporaryDirectory(prefix="citywall-voicebench-prompts-") as nothing_of_the_sites:
        library = PromptLibrary(Path(nothing_of_the_sites))  # the shipped prompts alone
        library.reload()
        clip = library.clip(args.prompt) if args.prompt in {p.id for p in library.prompts()} else None
    if clip is None:
        parser.error(
            f"--prompt {args.prompt}: not a shipped prompt ({', '.join(p.id for p in library.prompts())})"
        )
    clip_s = len(list(clip.frames())) * 0.020
    if args.every < clip_s + TAIL_S:
        parser.error(
            f"--every must leave the {clip_s:.2f} s clip and {TAIL_S:g} s after it (≥ {clip_s + TAIL_S:.2f})"
        )
    if not round_starts(args, clip_s):
        parser.error("--seconds leaves no room for a broadcast after --quiet")
    clips = generate_demo_clips(args.clip_cache or default_cache_dir(), duration_s=args.clip_seconds)
    manifest = demo_manifest(build_demo_site("rtsp://127.0.0.1:1", args.cameras, clips), clips, tcp_only=True)
    print(
        f"voice bench: {args.cameras} cameras, window {args.size} offscreen; {args.speakers} RTP speakers "
        f"(PCMU/PCMA, receivers in their own process); {args.quiet:g} s quiet, then an emergency broadcast "
        f"of “{clip.name}” ({clip_s:.2f} s) every {args.every:g} s, {args.seconds:g} s in all; machine "
        f"load {os.getloadavg()[0]:.2f} (1-min average, {os.cpu_count()} CPUs)",
        flush=True,
    )
    receivers = Receivers.start(args.speakers)  # before the wall: its imports are not measured
    try:
        server = DemoRtspServer(manifest, port=0).start()
        try:
            demo = build_demo_site(server.base_url, n_cameras=args.cameras, clips=clips)
            run = run_wall(with_speakers(demo, receivers.ports), args, clip_s)
        finally:
            server.stop()
    finally:
        streams = receivers.stop()
    codecs = {port: codec_of(n) for n, port in enumerate(receivers.ports)}
    return report(run, assign([r.click_at for r in run.rounds], codecs, streams), streams, clip, args)


def gui_phases(run: Run, heard: Sequence[Heard]) -> dict[str, list[float]]:
    """The rounds' probe samples split: the first half second of each broadcast (the key, the
    dialog, the hand-out, the first packets), the rest of its play, and between plays."""
    spans = []
    for r, round_ in enumerate(run.rounds):
        ends = [h.stream.last for h in heard if h.round == r and h.stream is not None]
        spans.append((round_.key_at, round_.key_at + START_WINDOW_S, max(ends, default=round_.key_at)))
    phases: dict[str, list[float]] = {
        "the start (0.5 s)": [],
        "the rest of the play": [],
        "between plays": [],
    }
    for at, late in zip(run.busy_at, run.busy, strict=True):
        # a sample is stamped when it ends: it belongs to the phase its wait began in
        began = at - (late + PROBE_MS) / 1000
        span = next((s for s in spans if s[0] <= began <= max(s[1], s[2])), None)
        if span is None:
            phases["between plays"].append(late)
        else:
            phases["the start (0.5 s)" if began <= span[1] else "the rest of the play"].append(late)
    return phases


def report(run: Run, heard: list[Heard], streams: list[Stream], clip: Clip, args: argparse.Namespace) -> int:
    from app.core.voice import Codec

    print(f"\n== the wall: all live after {run.all_live_s:.1f} s; machine load now {os.getloadavg()[0]:.2f}")
    print(f"  other processes on the machine while it was measured: {run.others}")
    print(f"== GUI event loop (a {PROBE_MS} ms timer's lateness)")
    print(
        stats_line(f"quiet ({args.quiet:g} s)", run.quiet)
        + f"; GUI thread {run.quiet_gui_cores:.2f} cores, GUI process {run.quiet_app_cores:.2f}"
    )
    print(
        stats_line("broadcast rounds", run.busy)
        + f"; GUI thread {run.busy_gui_cores:.2f} cores, GUI process {run.busy_app_cores:.2f}"
    )
    for name, samples in gui_phases(run, heard).items():
        print(stats_line(f"  of which {name}", samples))
    for name, (cores, per_paint) in (("quiet", run.quiet_paint), ("broadcast rounds", run.busy_paint)):
        print(f"  the wall's paint, {name}: {cores:.2f} cores, {per_paint:.2f} CPU-ms per paint")

    rounds = run.rounds
    print(f"== {len(rounds)} broadcasts to {args.speakers} speakers")
    dialog_ms = [(r.click_at - r.key_at) * 1000 for r in rounds if not math.isnan(r.click_at)]
    handed_ms = [(r.noticed_at - r.click_at) * 1000 for r in rounds if not math.isnan(r.noticed_at)]
    print(f"  the key to the click (the confirmation dialog built and shown): {spread(dialog_ms, 'ms')}")
    print(f"  the click to the service's start notice (the router has the play): {spread(handed_ms, 'ms')}")
    start = [h.start_ms for h in heard]
    got = [h for h in heard if h.stream is not None]
    print(f"  the click to the first packet at each speaker: {spread(start, 'ms')}")
    for r, round_ in enumerate(rounds):
        mine = sorted(h.start_ms for h in heard if h.round == r)
        play = round_.play
        outcome = (
            f"{len(play.delivered)} delivered, {len(play.failures)} failed"
            + (f" ({'; '.join(f'{s}: {w}' for s, w in play.failures[:3])})" if play.failures else "")
            if play is not None else "no record"
        )  # fmt: skip
        print(
            f"  round {r + 1}: heard by {sum(math.isfinite(s) for s in mine)}/{len(mine)}, first packets "
            f"{mine[0]:.0f}–{mine[-1]:.0f} ms after the click (the service had it after "
            f"{(round_.noticed_at - round_.click_at) * 1000:.0f} ms); recorded: {outcome}"
        )
    missing = len(heard) - len(got)
    stray = len(streams) - len(got)
    print(f"  never heard: {missing}; streams heard outside any round: {stray}")
    print(f"  the status bar at the end: {run.said}")

    expected = {codec: expected_payload(clip, codec) for codec in Codec}
    frames = len(list(clip.frames()))
    paced = [pacing(h.stream, frames, expected[h.codec], h.codec) for h in got if h.stream is not None]
    print(
        f"== pacing ({len(paced)} streams; arrival times: the kernel's"
        + (")" if all(s.kernel_stamps for s in streams) else ", some the receiver's read)")
    )
    rate = [p.rate_err_pct for p in paced]
    print(f"  mean-rate error per stream: {spread(rate, '%', 3)}")
    durations = [p.duration_err_pct for p in paced]
    print(f"  duration error per stream (heard vs the clip's {frames * 20} ms): {spread(durations, '%', 3)}")
    print(f"  worst inter-arrival jitter per stream: {spread([p.jitter_ms for p in paced], 'ms')}")
    print(f"  worst lag behind the 20 ms schedule per stream: {spread([p.lag_ms for p in paced], 'ms')}")
    lost = sum(p.lost for p in paced)
    exact = sum(p.exact for p in paced)
    laws = sum(p.right_law for p in paced)
    print(
        f"  content: {exact}/{len(paced)} streams byte for byte the clip in their speaker's law "
        f"({laws} in the right payload type); {lost} of {frames * len(paced)} packets lost"
    )
    if run.profile:
        print("== GUI thread during the rounds (cProfile, cumulative)\n" + run.profile)
    values = {
        "start_p95_ms": percentile(start, 95),
        "pacing_err_pct": max(rate, default=math.nan),
        "gui_p999_ms": percentile(run.busy, 99.9),
    }
    print("== goals (pacing_err_pct: the worst stream's mean-rate error)")
    for key, value in values.items():
        print(f"  {'PASS' if value <= GOALS[key] else 'MISS'}  {key} {value:.2f} (goal ≤ {GOALS[key]:g})")
    print("RESULT " + " ".join(f"{key}={value:.2f}" for key, value in values.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
