"""`citywall replay SITE --camera ID --file CLIP`: a camera's detection over recorded footage.

Runs what the detection worker runs for one view (the camera's zones at one preset, the site's
detection settings: motion gate, detectors, rules with dwell and clear) over a video file, as fast
as the machine allows, and prints every alert with its clip time. This is how a change of rule,
model or zone is judged before the wall runs it: over negative footage (an empty labels file, or
``--negative``) it gives false alerts per camera-hour; with a labels file event precision and
recall (format: :mod:`detectors.replay`).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # decoder workers re-import the entry script: keep this module light
    from camera_config.models import SiteConfig, ZoneSpec
    from detectors.clip_samples import ClipInfo
    from detectors.replay import Alert, Interval, ReplayRun
    from detectors.types import HitState, Suppression

PROGRESS_EVERY_S = 5.0  # wall-clock seconds between progress lines on long clips
SAMPLE_BOX = (640, 480)  # frames are fitted into the worker's detect slots (FrameBoard's capacity)


class Text:
    """Every message of this module, in one place for translation."""

    HELP = "run a camera's detection over a video file and report its alerts (false alerts, recall)"
    DESCRIPTION = (
        "Runs the camera's zones and the site's detection settings (motion gate, detectors, rules with "
        "dwell and clear) over a video file faster than real time, as the detection worker would at "
        "one check every --every seconds, and prints each alert with its clip time (mm:ss) and zone. "
        "Zones operators drew in CityWall (zones.json in the site's data folder) win over the site "
        "file's, as on the wall. Over negative footage (--negative, or an empty labels file) it reports "
        "false alerts per camera-hour; with a labels file, event precision and recall."
    )
    LABELS = "labels file: {fmt}"
    UNKNOWN_CAMERA = "{file}: no camera {camera!r}; the site's cameras: {known}"
    NO_ZONES = (
        "camera {camera}: no no-vending or bin zone at {preset} (zones at: {presets}); draw zones in "
        "the zone editor or the site file, or choose --preset"
    )
    NO_PRESET_ZONES = "none"
    FIXED_VIEW = "the fixed view"
    PRESET = "preset {preset!r}"
    WARNING = "warning: {issue}"
    ZONES_PROBLEM = "warning: {problem}"
    SUPPRESSED = "{count} place(s) operators dismissed on this camera count no more ({path})"
    START = (
        "replaying {file} ({width}x{height}, {fps:g} fps, {length}{loops}) on camera {camera} at {preset}: "
        "{zones}; detectors {detectors}; a check every {every:g} s"
    )
    LOOPS = ", {loops} times"
    PROGRESS = "… {done} / {total} ({percent:.0f} %), {alerts} alert(s), {speed:.0f}× real time"
    RAISED = "{clip}{loop}  ALERT    {kind} {event}  zone {zone}  score {score:.2f}{box}"
    CLEARED = "{clip}{loop}  cleared  {kind} {event}  zone {zone}  (raised at {raised}, {held})"
    BOX = "  box {x1:.0f},{y1:.0f}-{x2:.0f},{y2:.0f}"
    LOOP = " (loop {n})"
    STILL_OPEN = "{count} alert(s) still open at the end of the clip"
    SUMMARY = (
        "clip {length} × {loops} = {video} of video; {checks} checks; {alerts} alert(s) ({vending} vending, "
        "{bins} bin); replayed in {wall:.1f} s = {speed:.0f}× real time"
    )
    NEGATIVE = "false alerts: {false} in {hours:.3f} camera-hours = {rate:.2f} per camera-hour"
    EVENTS = (
        "{kind}: event precision {precision} ({true}/{alerts} alerts in a labelled interval), "
        "recall {recall} ({found}/{intervals} intervals found)"
    )
    UNLABELLED = "no labels (--labels FILE or --negative): alerts are listed, not judged"
    INTERRUPTED = "interrupted at {at} of video: the figures below cover what was replayed"
    BAD_EVERY = "--every must be at least 0.1 s"
    BAD_LOOP = "--loop must be 1 or more"


def register(sub: Any) -> None:
    from detectors.replay import LABELS_HELP

    parser = sub.add_parser(
        "replay",
        help=Text.HELP,
        description=Text.DESCRIPTION,
        epilog=Text.LABELS.format(fmt=LABELS_HELP),
    )
    parser.add_argument("site", type=Path, metavar="SITE.yaml")
    parser.add_argument("--camera", required=True, metavar="ID", help="the camera whose zones are used")
    parser.add_argument(
        "--file", required=True, type=Path, metavar="CLIP", help="the video (any FFmpeg format)"
    )
    parser.add_argument(
        "--labels", type=Path, metavar="FILE", help="when a vendor is present / a bin is full"
    )
    parser.add_argument(
        "--negative",
        action="store_true",
        help="the clip shows no vendor and no full bin (= an empty labels file)",
    )
    parser.add_argument(
        "--every",
        type=float,
        metavar="S",
        help="seconds between checks (default: the site's detection.revisit_s)",
    )
    parser.add_argument(
        "--preset", metavar="P", help="the preset whose zones are used (default: the fixed view)"
    )
    parser.add_argument("--loop", type=int, default=1, metavar="N", help="play the clip N times in a row")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="the sites' data folder, where drawn zones are kept (as for citywall run)",
    )
    parser.set_defaults(handler=replay_command)


def replay_command(args: argparse.Namespace) -> int:
    from camera_config.issues import ConfigError
    from camera_config.loader import load_site_report
    from detectors.clip_samples import ClipError, probe
    from detectors.registry import DetectorLoadError
    from detectors.replay import LabelsError, read_labels

    if args.every is not None and args.every < 0.1:
        return _fail(Text.BAD_EVERY)
    if args.loop < 1:
        return _fail(Text.BAD_LOOP)
    try:
        site, warnings = load_site_report(args.site, resolve_secrets=False)
    except ConfigError as exc:
        for issue in exc.issues:
            _err(str(issue))
        return 1
    for warning in warnings:
        _err(Text.WARNING.format(issue=warning))
    known = [c.id for c in site.cameras]
    if args.camera not in known:
        return _fail(Text.UNKNOWN_CAMERA.format(file=args.site, camera=args.camera, known=", ".join(known)))
    try:
        labels = read_labels(args.labels) if args.labels is not None else ([] if args.negative else None)
        info = probe(args.file)
        return _run(args, site, labels, info)
    except (LabelsError, ClipError, ValueError, DetectorLoadError) as exc:
        return _fail(str(exc))


def _run(args: argparse.Namespace, site: SiteConfig, labels: list[Interval] | None, info: ClipInfo) -> int:
    from app.services.detection.setup import load_detectors, pipeline_config, scene_geometry
    from detectors.clip_samples import clip_samples
    from detectors.pipeline import ScenePipeline
    from detectors.replay import ReplayRun, clock, replay

    zones = _zones(args, site)
    preset_text = Text.FIXED_VIEW if args.preset is None else Text.PRESET.format(preset=args.preset)
    geometry = scene_geometry(args.camera, args.preset, zones)
    if geometry is None:
        presets = sorted({Text.FIXED_VIEW if z.preset is None else repr(z.preset) for z in zones})
        return _fail(
            Text.NO_ZONES.format(
                camera=args.camera, preset=preset_text, presets=", ".join(presets) or Text.NO_PRESET_ZONES
            )
        )
    config = pipeline_config(site.detection)
    every = float(args.every if args.every is not None else site.detection.revisit_s)
    shared = load_detectors(config)
    pipe = ScenePipeline(geometry, config, shared)
    suppressed = _suppressions(args, site)
    pipe.set_suppressions(suppressed)  # what operators dismissed counts no more, as on the wall
    watched = [z for z in zones if z.preset == args.preset and z.kind in ("no_vending", "bin")]
    print(
        Text.START.format(
            file=args.file,
            width=info.width,
            height=info.height,
            fps=info.fps,
            length=clock(info.duration_s) if math.isfinite(info.duration_s) else "?",
            loops=Text.LOOPS.format(loops=args.loop) if args.loop > 1 else "",
            camera=args.camera,
            preset=preset_text,
            zones=", ".join(f"{z.kind} {z.id}" for z in watched),
            detectors=", ".join(config.detectors) or "-",
            every=every,
        ),
        flush=True,
    )
    progress = _Progress(info.duration_s * args.loop)
    looping = args.loop > 1

    def said(alert: Alert, state: HitState) -> None:
        progress.alerts += state.value == "raised"
        print(_alert_line(alert, state, looping), flush=True)

    began = time.perf_counter()
    run = ReplayRun()
    interrupted = False
    try:
        samples = clip_samples(args.file, every, loops=args.loop, size=SAMPLE_BOX, progress=progress)
        first = (lambda frame: pipe.set_bin_reference(frame)) if geometry.bins else None
        replay(pipe, samples, first_check=first, on_hit=said, into=run)
        run.video_s = progress.last_t + 1.0 / info.fps  # as decoded (a container's length may be off)
    except KeyboardInterrupt:  # Ctrl+C on a long clip: what was replayed is still worth reading
        interrupted = True
        print(Text.INTERRUPTED.format(at=clock(run.video_s)), flush=True)
    finally:
        pipe.close()
        for det in shared.values():
            det.close()
    clip_s = run.video_s / args.loop
    if interrupted:  # one play as the container says (what was decoded is not all of it)
        clip_s = info.duration_s if math.isfinite(info.duration_s) and info.duration_s > 0 else run.video_s
    _summary(run, labels, clip_s, every, time.perf_counter() - began, partial=interrupted)
    return 130 if interrupted else 0


def _zones(args: argparse.Namespace, site: SiteConfig) -> tuple[ZoneSpec, ...]:
    """The camera's zones in effect: the site file's, with those drawn in CityWall in their place."""
    from app.services.zone_store import ZoneStore

    store = ZoneStore.for_site(site, site_data_dir(site, args.data_dir) / "zones.json")
    for problem in store.problems:
        _err(Text.ZONES_PROBLEM.format(problem=problem))
    return store.zones(args.camera)


def _suppressions(args: argparse.Namespace, site: SiteConfig) -> tuple[Suppression, ...]:
    """The places operators dismissed on this camera (suppressions.json beside the zones)."""
    from app.services.suppression_store import SuppressionStore, suppression_file_beside
    from app.services.suppressions import detector_suppressions

    path = suppression_file_beside(site_data_dir(site, args.data_dir) / "zones.json")
    if not path.exists():
        return ()
    store = SuppressionStore.open(path)
    for problem in store.problems:
        _err(Text.ZONES_PROBLEM.format(problem=problem))
    found = detector_suppressions(store.of_camera(args.camera), args.camera)
    if found:
        _err(Text.SUPPRESSED.format(count=len(found), path=path))
    return found


def site_data_dir(site: SiteConfig, data_dir: Path | None) -> Path:
    """The site's data folder, as :func:`app.main.site_data_dir` finds it (that module pulls in the
    whole GUI: seconds of start-up this command does not need)."""
    import platformdirs

    from app.adapters.data_folder import site_folder

    if site.site.shared_views is not None:
        return Path(site.site.shared_views).parent
    root = data_dir if data_dir is not None else Path(platformdirs.user_data_dir("citywall")) / "sites"
    return site_folder(root, site.site.name)


def _alert_line(alert: Alert, state: HitState, looping: bool) -> str:
    from detectors.replay import clock

    loop = Text.LOOP.format(n=alert.loop + 1) if looping else ""
    if state.value == "raised":
        box = (
            Text.BOX.format(x1=alert.box[0], y1=alert.box[1], x2=alert.box[2], y2=alert.box[3])
            if alert.box
            else ""
        )
        return Text.RAISED.format(
            clip=clock(alert.raised_clip_s),
            loop=loop,
            kind=alert.kind,
            event=alert.event,
            zone=alert.zone_id,
            score=alert.score,
            box=box,
        )
    cleared_s = alert.cleared_s if alert.cleared_s is not None else alert.raised_s
    return Text.CLEARED.format(
        clip=clock(alert.cleared_clip_s or 0.0),
        loop=Text.LOOP.format(n=(alert.cleared_loop or 0) + 1) if looping else "",
        kind=alert.kind,
        event=alert.event,
        zone=alert.zone_id,
        raised=clock(alert.raised_clip_s),
        held=f"{cleared_s - alert.raised_s:.0f} s",
    )


def _summary(
    run: ReplayRun,
    labels: list[Interval] | None,
    clip_s: float,
    every: float,
    wall: float,
    *,
    partial: bool = False,
) -> None:
    """The figures of ``run`` (``clip_s``: one play of the clip; the labels repeat at that period).
    ``partial``: the replay was interrupted: an interval it did not reach the end of is not judged."""
    from detectors.replay import clock, looped, score

    loops = max(1, math.ceil(run.video_s / clip_s - 1e-6)) if clip_s > 0 else 1
    still = sum(a.cleared_s is None for a in run.alerts)
    if still:
        print(Text.STILL_OPEN.format(count=still))
    print(
        Text.SUMMARY.format(
            length=clock(clip_s),
            loops=loops,
            video=clock(run.video_s),
            checks=run.checks,
            alerts=len(run.alerts),
            vending=sum(a.kind == "vending" for a in run.alerts),
            bins=sum(a.kind == "bin" for a in run.alerts),
            wall=wall,
            speed=run.video_s / wall if wall > 0 else math.inf,
        )
    )
    if labels is None:
        print(Text.UNLABELLED)
        return
    intervals = looped(labels, clip_s, loops)
    if partial:
        intervals = [i for i in intervals if i.end_s <= run.video_s]
    figures = score(run.alerts, intervals, run.video_s, slack_s=every)
    print(Text.NEGATIVE.format(false=figures.false_alerts, hours=figures.hours, rate=figures.false_per_hour))
    for kind in sorted({i.kind for i in labels}):
        f = score(run.alerts, intervals, run.video_s, slack_s=every, kinds=[kind])
        print(
            Text.EVENTS.format(
                kind=kind,
                precision=_ratio(f.precision),
                true=f.true_alerts,
                alerts=f.alerts,
                recall=_ratio(f.recall),
                found=f.found,
                intervals=f.intervals,
            )
        )


def _ratio(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}"


class _Progress:
    """A progress line on stderr every few seconds on long clips (stdout keeps the alerts)."""

    def __init__(self, total_s: float) -> None:
        self.total_s, self.alerts, self.last_t = total_s, 0, 0.0
        self._began = time.perf_counter()
        self._next = self._began + PROGRESS_EVERY_S

    def __call__(self, t: float) -> None:
        from detectors.replay import clock

        self.last_t = t
        now = time.perf_counter()
        if now < self._next:
            return
        self._next = now + PROGRESS_EVERY_S
        total = self.total_s if math.isfinite(self.total_s) and self.total_s > 0 else math.nan
        _err(
            Text.PROGRESS.format(
                done=clock(t),
                total=clock(total) if math.isfinite(total) else "?",
                percent=100 * t / total if math.isfinite(total) else 0,
                alerts=self.alerts,
                speed=t / (now - self._began),
            )
        )


def _fail(text: str) -> int:
    _err(text)
    return 1


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
