"""Demo scene timing bench: when do the real detectors raise and clear each scripted scene's alert?

    .venv/bin/python bench/demo_scenes.py [--seconds 360] [--phases 30] [--scenes vending,moved_on]

Each scene is rendered as its clip shows it (the clip loops, as the demo server plays it) and checked
at the demo's revisit (2 s) by the real detection pipeline (the demo detection settings, the CIF
stream), once from each of ``--phases`` sampling phases spread over the revisit: the scheduler's
checks fall anywhere within it. For every scene and loop it prints when the alert was raised
(clip time), how long after the object left (the stall pushed away, the bin emptied) it cleared,
and at how many phases it did not clear within the loop.

The demo's voice ladder is timed against these numbers (app/demo/voice_site.py; the constants in
app/demo/scenes.py keep the measured ranges, rounded outwards). Last line:
``RESULT <scene>_alert_min_s=… <scene>_alert_max_s=… <scene>_clear_after_min_s=…
<scene>_clear_after_max_s=… <scene>_uncleared=…`` for each scene, over all loops.
Measurements only: the bench exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.demo.clips import find_vtest  # noqa: E402
from app.demo.encode import SUB  # noqa: E402
from app.demo.scene_clips import source_frames  # noqa: E402
from app.demo.scenes import (  # noqa: E402
    SCENE_KEYS,
    BinScene,
    Scene,
    SceneKey,
    demo_detection_settings,
    make_scenes,
    scene_zones,
)
from app.demo.variants import Image, shrink  # noqa: E402
from app.services.detection.setup import pipeline_config, scene_geometry  # noqa: E402
from detectors.pipeline import ScenePipeline  # noqa: E402
from detectors.types import HitState  # noqa: E402


@dataclass
class Loop:
    """One scene in one loop of its clip, over all phases."""

    raised: list[float] = field(default_factory=list)  # clip times
    cleared_after: list[float] = field(default_factory=list)  # seconds after the object left
    uncleared: int = 0  # phases at which an alert raised in this loop did not clear within it


def gone_s(scene: Scene) -> float:
    """When the scene's object has left (the stall pushed away, the bin emptied)."""
    return scene.script.emptied_s if isinstance(scene, BinScene) else scene.script.leave_s


def clip_frames(fps: int, length_s: float, loops: int) -> Iterator[tuple[int, Image]]:
    """(frame number in the clip, street frame), the clip played ``loops`` times."""
    count = round(length_s * fps)
    for _ in range(loops):
        yield from enumerate(source_frames(find_vtest(), fps, count))


def measure(keys: Sequence[SceneKey], seconds: float, phases: int) -> dict[SceneKey, list[Loop]]:
    settings = demo_detection_settings()
    config = pipeline_config(settings)
    scenes = make_scenes()
    fps = SUB.fps
    every = round(settings.revisit_s * fps)
    offsets = sorted({round(i * every / phases) for i in range(phases)})
    length = max(scenes[k].script.length_s for k in keys)
    loops = math.ceil(seconds / length)
    zones = scene_zones()
    pipes: dict[tuple[SceneKey, int], ScenePipeline] = {}
    for key in keys:
        geometry = scene_geometry(f"scene-{key}", None, zones[key])
        assert geometry is not None
        for o in offsets:
            pipes[key, o] = ScenePipeline(geometry, config)
    hits: dict[tuple[SceneKey, int], list[tuple[HitState, int, float]]] = {k: [] for k in pipes}
    frames = itertools.islice(clip_frames(fps, length, loops), round(seconds * fps))
    for n, (m, street) in enumerate(frames):
        o = n % every
        if o not in offsets:
            continue
        t_clip, loop = m / fps, n // round(length * fps)
        for key in keys:
            picture = shrink(scenes[key].frame(street, t_clip, m), SUB.size)
            pipe = pipes[key, o]
            if n == o and pipe.bin_monitor is not None:
                pipe.set_bin_reference(picture)  # (as the worker does on a view's first check)
            hits[key, o] += [(h.state, loop, t_clip) for h in pipe.process(picture, n / fps).hits]
    out: dict[SceneKey, list[Loop]] = {k: [Loop() for _ in range(loops)] for k in keys}
    for (key, _), events in hits.items():
        left = gone_s(scenes[key])
        for loop, stats in enumerate(out[key]):
            mine = [(state, t) for state, lp, t in events if lp == loop]
            raised = [t for state, t in mine if state is HitState.RAISED]
            cleared = [t for state, t in mine if state is HitState.CLEARED and t > left]
            stats.raised += raised[:1]
            stats.cleared_after += [cleared[0] - left] if cleared else []
            stats.uncleared += 1 if raised and not cleared else 0
    return out


def _range(values: Sequence[float]) -> str:
    return f"{min(values):.1f}-{max(values):.1f} s" if values else "none"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--seconds", type=float, default=360.0, help="clip seconds checked (default 360)")
    ap.add_argument("--phases", type=int, default=30, help="sampling phases over the revisit (default 30)")
    ap.add_argument(
        "--scenes", default="vending,moved_on", help=f"comma-separated, of {', '.join(SCENE_KEYS)}"
    )
    args = ap.parse_args(argv)
    args.keys = [k.strip() for k in args.scenes.split(",") if k.strip()]
    unknown = [k for k in args.keys if k not in SCENE_KEYS]
    if unknown or not args.keys:
        ap.error(f"--scenes: unknown {', '.join(unknown) or '(none given)'}; known: {', '.join(SCENE_KEYS)}")
    if args.seconds <= 0 or args.phases < 1:
        ap.error("--seconds must be > 0, --phases >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if find_vtest() is None:
        print("vtest.avi absent (scripts/setup.sh fetches it): the scenes are timed on the real footage")
    began = time.perf_counter()
    results = measure(args.keys, args.seconds, args.phases)
    fields = []
    for key, loops in results.items():
        for i, s in enumerate(loops):
            print(
                f"{key} loop {i + 1}: alert {_range(s.raised)} ({len(s.raised)} phases), "
                f"cleared {_range(s.cleared_after)} after the object left, uncleared at {s.uncleared}",
                flush=True,
            )
        raised = [t for s in loops for t in s.raised]
        after = [t for s in loops for t in s.cleared_after]
        fields += [
            f"{key}_alert_min_s={min(raised, default=math.nan):.1f}",
            f"{key}_alert_max_s={max(raised, default=math.nan):.1f}",
            f"{key}_clear_after_min_s={min(after, default=math.nan):.1f}",
            f"{key}_clear_after_max_s={max(after, default=math.nan):.1f}",
            f"{key}_uncleared={sum(s.uncleared for s in loops)}",
        ]
    print(f"({time.perf_counter() - began:.0f} s)")
    print("RESULT " + " ".join(fields))
    return 0


if __name__ == "__main__":
    sys.exit(main())
