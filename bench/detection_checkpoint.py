"""Detection checkpoint file bench: how big is what detection learnt, and how long does keeping it take?

    .venv/bin/python bench/detection_checkpoint.py [--seconds 90] [--cameras 100] [--writes 5]

The demo's scene views (the street stalls, 占道经营, and the overflowing bin, 垃圾满溢; the demo
detection settings: the weight-free stationary detector, bin references, 60 s dwell, 2 s revisit)
are checked for ``--seconds`` of scene time at the revisit, as the worker checks them; their
checkpoints (rules, background, bin references, one open alert each) stand in for every camera of a
``--cameras`` wall in which every camera is watched (the worst case: in the demo only the scene
cameras have zones). The file is then written ``--writes`` times as the service writes it
(encoding, atomic write with fsync) and read back as the composition root reads it at start.

Last line: ``RESULT views=… file_mib=… write_ms=… write_max_ms=… load_ms=…`` (write_ms: the median).
Measurements only: the bench exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.core.alerts import Alert, Rule  # noqa: E402
from app.demo.clips import find_vtest  # noqa: E402
from app.demo.encode import SUB  # noqa: E402
from app.demo.scene_clips import source_frames  # noqa: E402
from app.demo.scenes import SceneKey, demo_detection_settings, make_scenes, scene_zones  # noqa: E402
from app.demo.variants import shrink  # noqa: E402
from app.services.detection.protocol import ViewCheckpoint  # noqa: E402
from app.services.detection.saved_views import SavedViews  # noqa: E402
from app.services.detection.setup import pipeline_config, scene_geometry  # noqa: E402
from camera_config.models import Camera, CameraDetection, FileSource, SiteConfig, SiteInfo  # noqa: E402
from detectors.pipeline import PipelineState, ScenePipeline  # noqa: E402


def learnt(seconds: float) -> dict[SceneKey, PipelineState]:
    """Each scene view's state after ``seconds`` of checks every revisit."""
    settings = demo_detection_settings()
    config = pipeline_config(settings)
    scenes = make_scenes(size=SUB.size)
    zones = scene_zones()
    fps = SUB.fps
    step = round(settings.revisit_s * fps)
    pipes = {}
    for key in scenes:
        geometry = scene_geometry(f"scene-{key}", None, zones[key])
        assert geometry is not None
        pipes[key] = ScenePipeline(geometry, config)
    for n, street in enumerate(source_frames(find_vtest(), fps, round(seconds * fps))):
        if n % step:
            continue
        for key, pipe in pipes.items():
            frame = shrink(scenes[key].frame(street, n / fps, n), SUB.size)
            if n == 0 and pipe.bin_monitor is not None:
                pipe.set_bin_reference(frame)  # (as the worker does on a view's first check)
            pipe.process(frame, n / fps)
    return {key: pipe.snapshot() for key, pipe in pipes.items()}


Views = list[tuple[ViewCheckpoint, float]]


def wall_of(states: dict[SceneKey, PipelineState], cameras: int) -> tuple[SiteConfig, Views]:
    zones = scene_zones()
    keys = sorted(states)
    site_cameras, views = [], []
    for i in range(cameras):
        key, camera_id = keys[i % len(keys)], f"cam{i + 1:03d}"
        site_cameras.append(
            Camera(
                id=camera_id,
                name=camera_id,
                source=FileSource(path=Path("unused.mp4")),
                detection=CameraDetection(zones=zones[key]),
            )
        )
        state = states[key]
        state = replace(state, geometry=replace(state.geometry, camera_id=camera_id))
        zone = (state.geometry.zones or state.geometry.bins)[0].id
        rule = Rule.VENDING if state.geometry.zones else Rule.BIN_OVERFLOW
        alert = Alert(f"{camera_id}-a", camera_id, None, zone, rule, "0501", time.time(), 0.9, "人行道")
        views.append((ViewCheckpoint(camera_id, None, float("-inf"), state, (alert,)), 1.0))
    site = SiteConfig(
        site=SiteInfo(name="bench"), cameras=tuple(site_cameras), detection=demo_detection_settings()
    )
    return site, views


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--seconds", type=float, default=90.0, help="scene seconds checked (default 90)")
    ap.add_argument("--cameras", type=int, default=100, help="watched cameras (default 100)")
    ap.add_argument("--writes", type=int, default=5, help="writes timed (default 5)")
    args = ap.parse_args(argv)
    if args.seconds <= 0 or args.cameras < 1 or args.writes < 1:
        ap.error("--seconds must be > 0, --cameras and --writes >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"checking the demo scenes for {args.seconds:g} s …", flush=True)
    site, views = wall_of(learnt(args.seconds), args.cameras)
    with tempfile.TemporaryDirectory(prefix="citywall-checkpoint-bench-") as tmp:
        saved = SavedViews(Path(tmp) / "detection_views.npz")
        times = []
        for _ in range(args.writes):
            start = time.perf_counter()
            assert saved.save(views)
            times.append(time.perf_counter() - start)
        size = saved.path.stat().st_size
        start = time.perf_counter()
        loaded = saved.load(site)
        load_s = time.perf_counter() - start
    print(f"{len(views)} views: {size / 2**20:.2f} MiB ({size / len(views) / 1024:.1f} KiB a view)")
    print(f"write (encode + atomic write + fsync): {', '.join(f'{1000 * t:.0f}' for t in times)} ms")
    print(f"read back at start: {1000 * load_s:.0f} ms; {loaded.describe()}")
    print(
        f"RESULT views={len(loaded.views)} file_mib={size / 2**20:.2f} "
        f"write_ms={1000 * statistics.median(times):.0f} write_max_ms={1000 * max(times):.0f} "
        f"load_ms={1000 * load_s:.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
