"""Detection quality bench: what an operator would get from the detectors on real footage.

    .venv/bin/python bench/detect_quality.py [--seconds 600] [--phases 4] [--data ../shared/data]

* **false alerts per camera-hour** on real negative footage (no vendor, no bin): every clip in
  ``DATA/real/video`` and the demo's vtest.avi street, each replayed (looped) for ``--seconds`` of
  video through the site's *default* detection settings (the weight-free stationary detector, a
  check every ``revisit_s`` = 10 s, 3 min dwell) with a no-vending zone over the whole picture, as
  ``citywall replay --negative`` does;
* **vending event recall** on the scripted real-footage scenes (the demo's vending and moved-on
  scenes: vtest.avi with a stall pushed in and out on a known timeline) with the demo's detection
  settings (a check every 2 s, 60 s dwell), from ``--phases`` sampling phases over the revisit (the
  scheduler's checks fall anywhere within it), ``--seconds`` of each scene per phase; a labelled
  stay counts once it has ended within the replay;
* **bin pair accuracy**: the full bin judgement on the fresh held-out real (clean reference, later
  picture) pairs of ``scripts/make_bin_pairs.py --fresh`` (the tuning and the old held-out pairs
  printed beside); see :func:`bin_pair_accuracy`.

Last line: ``RESULT false_alerts_per_cam_hour=… vending_event_recall=… bin_pair_accuracy=…``.
Goals (issue 20): 0 false alerts per camera-hour, recall ≥ 0.9, pair accuracy ≥ 0.90. Measurements
only: the bench exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.demo.clips import find_vtest  # noqa: E402
from app.demo.encode import SUB  # noqa: E402
from app.demo.scene_replay import scene_labels, scene_samples  # noqa: E402
from app.demo.scenes import SceneKey, demo_detection_settings, make_scenes, scene_zones  # noqa: E402
from app.services.detection.setup import pipeline_config, scene_geometry  # noqa: E402
from camera_config.models import DetectionSettings, ZoneSpec  # noqa: E402
from detectors.clip_samples import clip_samples, probe  # noqa: E402
from detectors.pipeline import ScenePipeline  # noqa: E402
from detectors.replay import ReplayRun, clock, looped, replay, score  # noqa: E402

VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".mov")
SAMPLE_BOX = (640, 480)  # as citywall replay (the worker's detect slots)
WHOLE_PICTURE = ZoneSpec(
    id="whole", kind="no_vending", polygon=((0.02, 0.02), (0.98, 0.02), (0.98, 0.98), (0.02, 0.98))
)
VENDING_SCENES: tuple[SceneKey, ...] = ("vending", "moved_on")


def negative_clips(data: Path) -> list[Path]:
    videos = data / "real" / "video"
    found = (
        sorted(p for p in videos.glob("*") if p.suffix.lower() in VIDEO_SUFFIXES) if videos.is_dir() else []
    )
    vtest = find_vtest()
    return [*found, *([vtest] if vtest is not None else [])]


def false_alerts(clip: Path, seconds: float, settings: DetectionSettings) -> tuple[ReplayRun, float]:
    """The clip looped to ``seconds`` of video through ``settings``: the run and its wall time."""
    info = probe(clip)
    loops = max(1, math.ceil(seconds / info.duration_s)) if info.duration_s > 0 else 1
    geometry = scene_geometry("negative", None, (WHOLE_PICTURE,))
    assert geometry is not None
    pipe = ScenePipeline(geometry, pipeline_config(settings))
    began = time.perf_counter()
    samples = clip_samples(clip, settings.revisit_s, loops=loops, size=SAMPLE_BOX)
    samples = itertools.takewhile(lambda s: s.t < seconds, samples)  # the rest is not decoded
    run = replay(pipe, samples)
    pipe.close()
    run.video_s = min(seconds, loops * info.duration_s)
    return run, time.perf_counter() - began


def scene_recall(keys: Sequence[SceneKey], seconds: float, phases: int) -> tuple[int, int, int, float]:
    """(events found, events, alerts outside an event, wall seconds) over the scenes ``keys``."""
    settings = demo_detection_settings()
    config = pipeline_config(settings)
    scenes = make_scenes()
    found = events = false = 0
    began = time.perf_counter()
    for key in keys:
        scene = scenes[key]
        geometry = scene_geometry(f"scene-{key}", None, scene_zones()[key])
        assert geometry is not None
        length = scene.script.length_s
        intervals = [
            i for i in looped(scene_labels(scene), length, math.ceil(seconds / length)) if i.end_s <= seconds
        ]
        for k in range(phases):
            phase = k * settings.revisit_s / phases
            pipe = ScenePipeline(geometry, config)
            samples = scene_samples(scene, settings.revisit_s, seconds, phase_s=phase, size=SUB.size)
            # the worker takes a bin's clean reference at a view's first check
            first = (lambda f, p=pipe: p.set_bin_reference(f)) if geometry.bins else None
            run = replay(pipe, samples, first_check=first)
            pipe.close()
            figures = score(run.alerts, intervals, seconds, slack_s=settings.revisit_s)
            raised = ", ".join(clock(a.raised_clip_s) for a in run.alerts) or "none"
            print(
                f"scene {key} phase {phase:.2f} s: {figures.found}/{figures.intervals} stays found, "
                f"alerts at {raised} ({figures.false_alerts} outside a stay)",
                flush=True,
            )
            found, events, false = (
                found + figures.found,
                events + figures.intervals,
                false + figures.false_alerts,
            )
    return found, events, false, time.perf_counter() - began


def _box(box: tuple[float, float, float, float] | None) -> str:
    return "" if box is None else "box {:.0f},{:.0f}-{:.0f},{:.0f}".format(*box)


# --- bin pairs ---------------------------------------------------------------------------------------
def bin_pair_accuracy(data: Path) -> float:
    """Accuracy of the full bin judgement (``detectors.bin_pairs.evaluate_pairs``, at the rule's
    threshold) on the *fresh* held-out real pairs (``make_bin_pairs.py --fresh``: spots and source
    photos of their own, nothing tuned on them), with the tuning (dev) and old held-out (test) pairs
    printed beside: frames of vtest.avi and of ``DATA/real/video``'s parking-lot clip, real rubbish
    cut from ``DATA/real``'s Amsterdam photos pasted for "overflow" (``detectors/real_pairs.py``;
    built once into build/bin_pairs and build/bin_pairs_fresh, about 30 s each). NaN without them."""
    from detectors.bin_pairs import MANIFEST, evaluate_pairs
    from detectors.real_pairs import PARKING_CLIP, make_fresh_pairs, make_real_pairs

    real, vtest = data / "real", find_vtest()
    if vtest is None or not (real / "bins" / "overflow").is_dir() or not (real / PARKING_CLIP).is_file():
        print(f"bin pairs: {real} (photos, parking-lot clip) or vtest.avi absent: not measured")
        return math.nan
    clips = {"vtest": vtest, "parking": real / PARKING_CLIP}
    old, fresh = ROOT / "build" / "bin_pairs", ROOT / "build" / "bin_pairs_fresh"
    for out, make in ((old, make_real_pairs), (fresh, make_fresh_pairs)):
        if not (out / MANIFEST).is_file():
            print(f"== building the real bin pairs into {out}", flush=True)
            make(real, clips, out)
    accuracy = math.nan
    for folder, split, what in (
        (old, "dev", "tuning"),
        (old, "test", "old held-out"),
        (fresh, "fresh", "fresh held-out"),
    ):
        ev = evaluate_pairs(folder, split=split)
        print(
            f"== bin judgement on {ev.n} {what} real pairs ({folder}, split {split}): accuracy "
            f"{ev.accuracy:.3f}, overflow precision {ev.precision:.3f} recall {ev.recall:.3f} "
            f"at the rule's threshold {ev.threshold:.2f}",
            flush=True,
        )
        accuracy = ev.accuracy  # the key figure: the fresh held-out pairs
    return accuracy


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--seconds", type=float, default=600.0, help="video seconds per clip and per scene phase")
    ap.add_argument("--phases", type=int, default=4, help="sampling phases of the scenes (default 4)")
    ap.add_argument(
        "--bin-scene", action="store_true", help="also the bin scene's event recall (not in RESULT)"
    )
    default_data = Path(os.environ.get("CITYWALL_SHARED_DATA", ROOT.parent / "shared" / "data"))
    ap.add_argument(
        "--data", type=Path, default=default_data, help="the shared data (default ../shared/data)"
    )
    args = ap.parse_args(argv)
    if args.seconds <= 0 or args.phases < 1:
        ap.error("--seconds must be > 0, --phases >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    settings = DetectionSettings()
    clips = negative_clips(args.data)
    if not (args.data / "real" / "video").is_dir():
        print(f"{args.data / 'real' / 'video'} absent: only the demo footage is replayed as negative footage")
    print(
        f"== negative footage: default detection ({', '.join(settings.detectors)}, a check every "
        f"{settings.revisit_s:g} s), a no-vending zone over the whole picture, "
        f"{clock(args.seconds)} per clip",
        flush=True,
    )
    total_false, total_h, total_video, total_wall = 0, 0.0, 0.0, 0.0
    for clip in clips:
        run, wall = false_alerts(clip, args.seconds, settings)
        figures = score(run.alerts, [], run.video_s)
        total_false, total_h = total_false + figures.false_alerts, total_h + figures.hours
        total_video, total_wall = total_video + run.video_s, total_wall + wall
        raised = ", ".join(f"{clock(a.raised_s)} {_box(a.box)}" for a in run.alerts) or "none"
        print(
            f"{clip.name}: {figures.false_alerts} false alert(s) in {figures.hours:.3f} camera-hours = "
            f"{figures.false_per_hour:.2f} per camera-hour ({run.checks} checks, "
            f"{run.video_s / wall:.0f}× real time); alerts at {raised}",
            flush=True,
        )
    rate = total_false / total_h if total_h > 0 else math.nan
    print(f"all negative footage: {total_false} in {total_h:.3f} camera-hours = {rate:.2f} per camera-hour")
    print(
        f"== vending scenes: demo detection, {args.phases} phase(s), {clock(args.seconds)} each", flush=True
    )
    found, events, false, wall = scene_recall(VENDING_SCENES, args.seconds, args.phases)
    recall = found / events if events else math.nan
    print(f"vending events found: {found}/{events}; alerts outside a stay: {false} ({wall:.0f} s)")
    if not events:
        print("(no stay ended within --seconds: recall not measured; give at least 120 s)")
    if args.bin_scene:
        print(
            f"== bin scene (full 70-140 s of each loop): demo detection, {args.phases} phase(s)", flush=True
        )
        b_found, b_events, b_false, b_wall = scene_recall(("bin",), args.seconds, args.phases)
        print(f"bin events found: {b_found}/{b_events}; alerts outside: {b_false} ({b_wall:.0f} s)")
    accuracy = bin_pair_accuracy(args.data)
    speed = total_video / total_wall if total_wall > 0 else math.nan
    print(f"replay speed on negative footage: {speed:.0f}× real time")
    print(
        f"RESULT false_alerts_per_cam_hour={rate:.2f} vending_event_recall={recall:.2f} "
        f"bin_pair_accuracy={accuracy:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
