"""The wide scene a demo PTZ camera looks around in, and the view it sees at a pan/tilt/zoom.

The scene is a seamless 360-degree panorama made from the real street footage: each frame is
``[frame | mirrored frame]`` (the mirror joins both edges without a seam), so 768 source pixels
cover 180 degrees. The mirrored half shows the footage ``MIRROR_LAG_S`` later, so people there are
not the mirror twins of those on the other half (the background, which is still, stays seamless).
A copy of the first ``WRAP_MARGIN`` columns is appended on the right, so any view up to the widest
field of view is one rectangle of the clip, even across the 180/-180 seam: the RTSP server crops
it without stitching.

The demo RTSP server (``mode: ptz`` mounts) crops and scales this clip live to the current view,
which the PTZ simulator computes with :func:`view_rect` and sends it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from app.core.ptz_geometry import HeadRange, clamp
from app.demo import clips, synthetic
from app.demo.encode import ClipWriter, StreamProfile
from app.demo.paths import default_cache_dir
from app.demo.variants import Image, as_image

log = logging.getLogger(__name__)

PANORAMA_VERSION = 1
SOURCE_SIZE = (768, 576)  # vtest.avi and the synthetic street
TILE_WIDTH = 2 * SOURCE_SIZE[0]  # 360 degrees
HEIGHT = SOURCE_SIZE[1]
HFOV_WIDE_DEG = 60.0  # horizontal field of view at 1x, a typical 20x dome
WRAP_MARGIN = 256  # >= TILE_WIDTH * HFOV_WIDE_DEG / 360, a multiple of 16
CLIP_WIDTH = TILE_WIDTH + WRAP_MARGIN
VIEW_ASPECT = 16 / 9
# Baseline (CAVLC) at 2 Mbit/s: the server decodes this clip once per PTZ mount, and CAVLC decodes
# about 30 % cheaper than CABAC at hardly any loss for this footage.
PANORAMA_PROFILE = StreamProfile("main", CLIP_WIDTH, HEIGHT, 15, "baseline", 2_000_000, 15)
DEFAULT_DURATION_S = 36.0
MIRROR_LAG_S = 17.0


@dataclass(frozen=True)
class ViewRect:
    """A view in panorama coordinates: ``x`` and ``w`` are fractions of 360 degrees (x in [0, 1),
    wrapping), ``y`` and ``h`` fractions of the panorama's height."""

    x: float
    y: float
    w: float
    h: float

    def as_list(self) -> list[float]:
        return [round(self.x, 6), round(self.y, 6), round(self.w, 6), round(self.h, 6)]


@dataclass(frozen=True)
class PanoramaClip:
    path: Path
    source: Literal["vtest", "synthetic"]
    tile_width: int = TILE_WIDTH
    width: int = CLIP_WIDTH
    height: int = HEIGHT
    fps: int = PANORAMA_PROFILE.fps


def view_rect(pan_deg: float, tilt_deg: float, zoom: float, ranges: HeadRange | None = None) -> ViewRect:
    """What a head at (pan, tilt, zoom) sees of the panorama.

    Pan 0 looks at the centre of the original footage, pan 180 at the centre of its mirror image.
    The field of view narrows as 1/zoom; tilt moves the view from the top (the highest the head
    looks, ``tilt_min``) to the bottom (straight down) of the scene.
    """
    r = ranges or HeadRange()
    magnification = clamp(zoom, r.zoom_min, r.zoom_max)
    w = HFOV_WIDE_DEG / magnification / 360.0
    h = min(1.0, w * TILE_WIDTH / VIEW_ASPECT / HEIGHT)
    centre = (0.25 + pan_deg / 360.0) % 1.0
    t = (clamp(tilt_deg, r.tilt_min, r.tilt_max) - r.tilt_min) / (r.tilt_max - r.tilt_min)
    return ViewRect((centre - w / 2.0) % 1.0, t * (1.0 - h), w, h)


def aim(x_px: float, y_px: float, zoom: float, ranges: HeadRange | None = None) -> tuple[float, float, float]:
    """The (pan, tilt, zoom) whose view is centred on pixel (x, y) of the original footage: presets
    that show something (the walkway, the doorway, the junction), whatever the dome's home."""
    r = ranges or HeadRange()
    w = HFOV_WIDE_DEG / clamp(zoom, r.zoom_min, r.zoom_max) / 360.0
    h = min(1.0, w * TILE_WIDTH / VIEW_ASPECT / HEIGHT)
    pan = (x_px / TILE_WIDTH - 0.25) * 360.0
    t = clamp((y_px / HEIGHT - h / 2.0) / max(1e-9, 1.0 - h), 0.0, 1.0)
    return pan, r.tilt_min + t * (r.tilt_max - r.tilt_min), zoom


def panorama_frame(frame: Image, later: Image | None = None) -> Image:
    """A panorama row: [frame | mirrored ``later`` (default: frame) | first WRAP_MARGIN columns again]."""

    def fit(img: Image) -> Image:
        if (img.shape[1], img.shape[0]) == SOURCE_SIZE:
            return img
        return as_image(cv2.resize(img, SOURCE_SIZE, interpolation=cv2.INTER_AREA))

    frame = fit(frame)
    tile = np.hstack([frame, fit(later if later is not None else frame)[:, ::-1]])
    return np.ascontiguousarray(np.hstack([tile, tile[:, :WRAP_MARGIN]]))


def generate_panorama_clip(
    cache_dir: Path | None = None,
    *,
    duration_s: float = DEFAULT_DURATION_S,
    source: Path | Literal["auto", "synthetic"] = "auto",
    progress: clips.ProgressFn | None = None,
) -> PanoramaClip:
    """Make (or find in the cache) the panorama clip of the demo PTZ cameras."""
    directory = cache_dir or default_cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    src = clips.find_vtest() if source == "auto" else None if source == "synthetic" else Path(source)
    params = {
        "gen": PANORAMA_VERSION,
        "src": clips._fingerprint(src),
        "profile": asdict(PANORAMA_PROFILE),
        "margin": WRAP_MARGIN,
        "mirror_lag_s": MIRROR_LAG_S,
        "duration_s": duration_s,
    }
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    path = directory / f"panorama_{digest}.mp4"
    report = progress or (lambda _f, _m: None)
    if not path.exists():
        _encode(path, src, duration_s, report)
    report(1.0, f"PTZ panorama ready: {path.name}")
    return PanoramaClip(path, "vtest" if src else "synthetic")


def _frames(src: Path | None, fps: int, count: int) -> Iterator[tuple[Image, Image]]:
    """(frame at t, frame at t + MIRROR_LAG_S, or at t when the source is too short)."""

    def source(n: int) -> Iterator[Image]:
        return synthetic.frames(fps, n) if src is None else clips._source_frames(src, fps, n)

    lag = int(MIRROR_LAG_S * fps)
    later = source(count + lag)
    for _ in range(lag):
        if next(later, None) is None:
            later = iter(())
            break
    for frame in source(count):
        yield frame, next(later, frame)


def _encode(path: Path, src: Path | None, duration_s: float, report: clips.ProgressFn) -> None:
    fps = PANORAMA_PROFILE.fps
    count = clips._frame_count(src, fps, duration_s)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.part.mp4")
    writer = ClipWriter(tmp, PANORAMA_PROFILE)
    try:
        for n, (frame, later) in enumerate(_frames(src, fps, count)):
            writer.write(panorama_frame(frame, later))
            if n % fps == 0:
                report(n / count, f"encoding the PTZ panorama ({n // fps} of {count // fps} s)")
        writer.close()
        tmp.replace(path)
        log.info("PTZ panorama written: %s", path)
    finally:
        writer.close()
        tmp.unlink(missing_ok=True)
