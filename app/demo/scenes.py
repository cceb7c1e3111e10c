"""Scripted detection scenes for the demo: real street footage with things that come and go on cue.

Two demo cameras show OpenCV's real ``vtest.avi`` street (a synthetic street where it is missing),
each with a scripted story that loops with the clip, so that every detection rule can be seen
raising an alert and clearing it while the demo runs, and tests can rely on the timing:

* **vending** (占道经营, 0501): a stall with goods (:func:`detectors.synth.street_stall`) is pushed
  onto the pavement from the right, stands in the no-vending zone from ``appear_s`` and is pushed
  away at ``leave_s``;
* **bin** (垃圾满溢, 0102): a litter bin on the grass beside the path; from ``fill_from_s`` bags and
  boxes pile up on its lid and around its foot, one after the other until ``full_at_s``; at
  ``emptied_s`` the sanitation crew has taken everything away.

Both burn a capture clock into the top-left corner, as real cameras do (a mask zone covers it).
The objects are generated (numpy + OpenCV, seeded: same pictures on every machine), so the demo
works from a fresh clone; where ``../shared/data/real`` exists, one pile of bags beside the bin is
cut from a real street photo at generation time (nothing from there is ever stored in git).

Clips are D1 main + CIF sub like every demo camera, cached under a hash of everything that shapes
them (:func:`generate_scene_clips`). :func:`add_demo_scenes` adds the cameras, with their zones
and a demo :class:`~camera_config.models.DetectionSettings` whose short dwell (60 s instead of the
3-5 minutes control rooms use) is said in the camera names; :func:`with_scene_mounts` puts their
clips on the demo RTSP server.

Timeline of one loop, as measured with the real detectors (``detectors.pipeline``) sampling every
2 s, on the CIF stream and at the worker's 586x480 sample size, from several sampling phases
(tests/unit/test_demo_scenes.py runs one of them)::

    vending  0 ── 11-15 s stall pushed in ── ~20 s seen ── 78-82 s ALERT ── 115-119 s pushed away
             ── 136-176 s CLEARED ── cooldown 30 s ── 180 s loop (stall back at 195 s)
    bin      0 ── 25 s first bag ── 70 s full ── 91-94 s ALERT ── 140 s emptied
             ── 158-172 s CLEARED ── 180 s loop

The stationary-object detector needs frequent samples: at 1-2 s both scenes raise and clear every
loop; at 3 s the vending alert no longer clears, at 5 s walkers turn into stationary boxes. The demo
settings therefore ask for ``revisit_s: 2``. The bin's threshold (0.7) keeps the clean bin quiet
even where no clean reference picture was taken (the classifier alone gives it up to 0.55).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import av
import cv2
import numpy as np

from app.demo import synthetic
from app.demo.clips import find_vtest
from app.demo.district import CENTRE, DISTRICT_ADMIN_CODE
from app.demo.encode import MAIN, PROFILES, SUB, ClipWriter, StreamProfile
from app.demo.paths import default_cache_dir
from app.demo.variants import Image, Variant, as_image, render, shrink
from camera_config.models import (
    Camera,
    CameraDetection,
    DetectionSettings,
    FileSource,
    Group,
    Location,
    RtspSource,
    SiteConfig,
    StreamSource,
    ZoneSpec,
)
from detectors.synth import paste, street_stall

log = logging.getLogger(__name__)

SCENE_VERSION = 1  # bump when a script, a sprite, the placement or the clock changes the output
ProgressFn = Callable[[float, str], None]
SceneKey = Literal["vending", "bin"]
SCENE_KEYS: tuple[SceneKey, ...] = ("vending", "bin")
REAL_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
# A pile of black rubbish bags on a pavement (Amsterdam, MIT; see ../shared/data/real/README.md).
REAL_BAGS = ("bins", "overflow", "ams_mdc_photo_cdv_photo_012_1464463139152.jpg")
REAL_BAGS_CROP = (0.26, 0.50, 0.50, 0.67)  # x1, y1, x2, y2 of the photo (portrait, 2448x3264)

DEMO_DWELL_S = 60.0
SCENE_GROUP = "demo-scenes"
SCENE_GROUP_NAME = "检测演示场景"
CLOCK_START = datetime(2025, 6, 1, 9, 30, 0)  # the burned-in clock of a clip's first frame

# Framings of vtest.avi (fractions of the source): the whole street for the stall, the left
# stretch of the path (with the grass below it) for the bin, so the two look like two cameras.
VENDING_VIEW = Variant("scene-vending", (0.0, 0.0, 1.0, 1.0))
BIN_VIEW = Variant("scene-bin", (0.0, 0.17, 0.625, 0.80))

# Where things stand, in picture fractions of the camera's view (any resolution).
STALL_SPOT = (0.675, 0.465)  # top-left of the stall: on the pavement right of the lamp post
STALL_WIDTH = 0.15  # of the picture width
BIN_BOX = (0.21, 0.56, 0.295, 0.72)  # the bin's body (x1, y1, x2, y2)
BIN_LINE = 0.54  # the overflow line: a little above the rim
CLOCK_MASK: tuple[tuple[float, float], ...] = ((0.0, 0.0), (0.46, 0.0), (0.46, 0.075), (0.0, 0.075))
VENDING_ZONE: tuple[tuple[float, float], ...] = (  # the pavement along the kerb
    (0.56, 0.47),
    (0.83, 0.53),
    (0.83, 0.74),
    (0.56, 0.62),
)


@dataclass(frozen=True)
class VendingScript:
    """When the stall stands in its spot (it is pushed in/out over ``push_s`` before/after)."""

    length_s: float = 180.0
    appear_s: float = 15.0
    leave_s: float = 115.0
    push_s: float = 4.0

    def __post_init__(self) -> None:
        if self.appear_s - self.push_s < 0 or self.leave_s + self.push_s > self.length_s:
            raise ValueError("the stall must arrive and leave inside the clip")
        if not self.appear_s < self.leave_s:
            raise ValueError("the stall must leave after it appears")

    def present(self, t: float) -> bool:
        """Whether the stall stands in its spot at clip time ``t`` (seconds; loops)."""
        return self.appear_s <= t % self.length_s < self.leave_s


@dataclass(frozen=True)
class BinScript:
    """Bags pile up from ``fill_from_s`` to ``full_at_s``; everything is gone at ``emptied_s``."""

    length_s: float = 180.0
    fill_from_s: float = 25.0
    full_at_s: float = 70.0
    emptied_s: float = 140.0

    def __post_init__(self) -> None:
        if not 0 <= self.fill_from_s <= self.full_at_s < self.emptied_s <= self.length_s:
            raise ValueError("need 0 <= fill_from_s <= full_at_s < emptied_s <= length_s")

    def items_at(self, t: float, total: int) -> int:
        """How many of ``total`` litter items lie there at clip time ``t``."""
        t = t % self.length_s
        if t < self.fill_from_s or t >= self.emptied_s:
            return 0
        if total <= 1 or self.full_at_s <= self.fill_from_s:
            return total
        step = (self.full_at_s - self.fill_from_s) / (total - 1)
        return min(total, 1 + int((t - self.fill_from_s) / step + 1e-9))


@dataclass(frozen=True)
class SceneClips:
    """The generated scene clips: ``sub``/``main`` map a scene key to its MP4."""

    directory: Path
    source: Literal["vtest", "synthetic"]
    fps: int
    vending: VendingScript
    bin: BinScript
    real_photo: bool  # one pile of bags comes from a real photo
    sub: dict[str, Path] = field(default_factory=dict)
    main: dict[str, Path] = field(default_factory=dict)

    def clip(self, key: str, stream: Literal["sub", "main"] = "sub") -> Path:
        clips = self.sub if stream == "sub" else self.main
        if key not in clips:
            raise KeyError(f"no {stream} clip for scene {key!r} (generated: {', '.join(clips) or 'none'})")
        return clips[key]


# --- sprites ----------------------------------------------------------------------------------------

Sprite = tuple[Image, np.ndarray]  # (BGR uint8, alpha float32 0..1)


def _bin_sprite(width: int, height: int) -> Sprite:
    """A green street litter bin with a lid and a shadow, ``width`` x ``height`` pixels of body."""
    pad = max(2, width // 5)
    w, h = width + 2 * pad, height + pad
    img = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    foot = height
    cv2.ellipse(alpha, (w // 2, foot), (int(width * 0.75), max(2, height // 10)), 0, 0, 360, 0.45, -1)
    body = (45, 95, 50)
    x1, x2 = pad, pad + width
    lid = max(3, height // 10)
    cv2.rectangle(img, (x1, lid), (x2 - 1, foot - 1), body, -1)
    cv2.rectangle(alpha, (x1, lid), (x2 - 1, foot - 1), 1.0, -1)
    cv2.rectangle(img, (x1 - 2, 0), (x2 + 1, lid), (35, 70, 38), -1)  # lid, a little wider
    cv2.rectangle(alpha, (x1 - 2, 0), (x2 + 1, lid), 1.0, -1)
    cv2.rectangle(
        img, (x1 + width // 5, lid + height // 6), (x2 - width // 5, lid + height // 3), (70, 140, 80), -1
    )
    shade = np.linspace(1.15, 0.75, w, dtype=np.float32)[None, :, None]  # lit from the left
    img = img * shade
    rng = np.random.default_rng(305)
    img += rng.normal(0, 3.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), cv2.GaussianBlur(alpha, (3, 3), 0)


BAG_COLOURS = ((28, 28, 30), (40, 40, 46), (215, 215, 210), (40, 80, 170), (30, 30, 30), (60, 150, 70))


def _bag_sprite(size: int, colour: tuple[int, int, int], rng: np.random.Generator) -> Sprite:
    """A tied rubbish bag about ``size`` pixels wide."""
    w, h = int(size * 1.2), int(size * 1.35)
    img = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    cx, cy = w // 2, int(h * 0.6)
    axes = (int(size * 0.5), int(size * 0.42))
    cv2.ellipse(alpha, (cx, h - 2), (int(size * 0.55), max(2, size // 8)), 0, 0, 360, 0.4, -1)  # shadow
    cv2.ellipse(img, (cx, cy), axes, float(rng.uniform(-15, 15)), 0, 360, colour, -1)
    cv2.ellipse(alpha, (cx, cy), axes, 0, 0, 360, 1.0, -1)
    knot = (cx + int(rng.integers(-2, 3)), cy - axes[1] - max(2, size // 6))
    cv2.line(img, (cx, cy - axes[1] + 2), knot, colour, max(2, size // 8))
    cv2.line(alpha, (cx, cy - axes[1] + 2), knot, 1.0, max(2, size // 8))
    highlight = tuple(min(255, c + 60) for c in colour)
    cv2.ellipse(
        img,
        (cx - axes[0] // 3, cy - axes[1] // 3),
        (max(1, axes[0] // 4), max(1, axes[1] // 5)),
        30,
        0,
        360,
        highlight,
        -1,
    )
    img = img * np.linspace(1.1, 0.8, h, dtype=np.float32)[:, None, None]
    img += rng.normal(0, 3.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), cv2.GaussianBlur(alpha, (3, 3), 0)


def _box_sprite(size: int, rng: np.random.Generator) -> Sprite:
    """A flattened cardboard box about ``size`` pixels wide."""
    w, h = size, int(size * rng.uniform(0.55, 0.75))
    img = np.zeros((h + 3, w, 3), np.float32)
    alpha = np.zeros((h + 3, w), np.float32)
    card = np.array((70, 125, 175), np.float32) * rng.uniform(0.85, 1.1)
    cv2.rectangle(img, (0, 0), (w - 1, h - 1), card.tolist(), -1)
    cv2.rectangle(alpha, (0, 0), (w - 1, h - 1), 1.0, -1)
    cv2.rectangle(img, (0, 0), (w - 1, max(2, h // 4)), (card * 1.2).tolist(), -1)
    cv2.line(img, (w // 2, 0), (w // 2, h - 1), (card * 0.7).tolist(), 1)
    alpha[h:, :] = 0.35  # a thin shadow under it
    img += rng.normal(0, 3.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), cv2.GaussianBlur(alpha, (3, 3), 0)


def _real_bags(photos: Path, width: int) -> Sprite | None:
    """Real pixels: the pile of bags of one street photo, feathered at the edges; None if absent."""
    path = photos.joinpath(*REAL_BAGS)
    img = cv2.imread(str(path)) if path.is_file() else None
    if img is None:
        return None
    h, w = img.shape[:2]
    x1, y1, x2, y2 = REAL_BAGS_CROP
    crop = img[int(y1 * h) : int(y2 * h), int(x1 * w) : int(x2 * w)]
    height = max(8, round(width * crop.shape[0] / crop.shape[1]))
    patch = as_image(cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA))
    # the bags are black plastic on light paving: keep the dark pixels (and what they enclose)
    grey = cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY)
    k = max(3, width // 12) | 1
    closed = cv2.morphologyEx((grey < 70).astype(np.uint8) * 255, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    dark = cv2.morphologyEx(closed, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    alpha = cv2.GaussianBlur(np.asarray(dark, np.float32) / 255.0, (3, 3), 0)
    return patch, alpha


def _clock(img: Image, t: float) -> None:
    """The camera's burned-in capture time (white with a dark edge, top-left), as real cameras do."""
    text = (CLOCK_START + timedelta(seconds=int(t))).strftime("%Y-%m-%d %H:%M:%S")
    h = img.shape[0]
    scale = h / 576 * 0.75
    org = (max(4, round(h / 576 * 10)), max(12, round(h / 576 * 30)))
    thick = max(1, round(h / 576 * 2))
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20), thick + 2, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (235, 235, 235), thick, cv2.LINE_AA)


# --- scenes -----------------------------------------------------------------------------------------


class VendingScene:
    """Renders the vending scene at one size (width, height) from source frames of the street."""

    key: SceneKey = "vending"
    view = VENDING_VIEW

    def __init__(self, script: VendingScript, size: tuple[int, int]) -> None:
        self.script, self.size = script, size
        self.stall = street_stall(np.random.default_rng(501), round(STALL_WIDTH * size[0]))
        self.spot = (round(STALL_SPOT[0] * size[0]), round(STALL_SPOT[1] * size[1]))

    def stall_box(self) -> tuple[float, float, float, float]:
        """Where the stall stands once in place (x1, y1, x2, y2 in picture fractions)."""
        h, w = self.stall[0].shape[:2]
        x, y = self.spot
        return (x / self.size[0], y / self.size[1], (x + w) / self.size[0], (y + h) / self.size[1])

    def stall_x(self, t: float) -> int | None:
        """The stall's left edge at clip time ``t`` (pushed in from the right, later away), or None."""
        s = self.script
        t = t % s.length_s
        start, end = s.appear_s - s.push_s, s.leave_s + s.push_s
        if not start <= t < end:
            return None
        far = self.size[0] + 2
        if t < s.appear_s:
            return round(far + (self.spot[0] - far) * (t - start) / s.push_s)
        if t < s.leave_s:
            return self.spot[0]
        return round(self.spot[0] + (far - self.spot[0]) * (t - s.leave_s) / s.push_s)

    def frame(self, source: Image, t: float, n: int) -> Image:
        img = render(self.view, source, self.size)
        x = self.stall_x(t)
        if x is not None:
            img = paste(img, *self.stall, x, self.spot[1], np.random.default_rng(n))
        _clock(img, t)
        return img


@dataclass(frozen=True)
class _Litter:
    sprite: Sprite
    x: int  # top-left in the picture
    y: int


class BinScene:
    """Renders the bin scene at one size from source frames of the street."""

    key: SceneKey = "bin"
    view = BIN_VIEW

    def __init__(self, script: BinScript, size: tuple[int, int], photos: Path | None = None) -> None:
        self.script, self.size = script, size
        w, h = size
        bx1, by1, bx2, by2 = (
            round(BIN_BOX[0] * w),
            round(BIN_BOX[1] * h),
            round(BIN_BOX[2] * w),
            round(BIN_BOX[3] * h),
        )
        bw, bh = bx2 - bx1, by2 - by1
        self.bin = _bin_sprite(bw, bh)
        pad = (self.bin[0].shape[1] - bw) // 2
        self.bin_at = (bx1 - pad, by1)
        rng = np.random.default_rng(102)
        real = _real_bags(photos, int(bw * 1.6)) if photos is not None else None
        self.real_photo = real is not None

        def bag(k: int, scale: float) -> Sprite:
            return _bag_sprite(max(6, int(bw * scale)), BAG_COLOURS[k % len(BAG_COLOURS)], rng)

        # (sprite, centre x, bottom y) in the order they are dumped: on the lid and around the foot
        plan: list[tuple[Sprite, float, float]] = [
            (bag(0, 0.55), bx1 + 0.30 * bw, by1 + 0.08 * bh),
            (bag(1, 0.65), bx2 + 0.40 * bw, by2 + 0.04 * bh),
            (_box_sprite(int(bw * 0.8), rng), bx1 - 0.45 * bw, by2 + 0.02 * bh),
            (bag(2, 0.5), bx1 + 0.72 * bw, by1 + 0.02 * bh),
            (real or bag(3, 0.75), bx1 - 0.75 * bw if real else bx2 + 0.95 * bw, by2 + 0.10 * bh),
            (bag(4, 0.6), bx1 + 0.5 * bw, by1 - 0.22 * bh),
            (_box_sprite(int(bw * 0.7), rng), bx2 + 0.55 * bw, by2 + 0.14 * bh),
            (bag(5, 0.55), bx1 - 0.25 * bw, by2 + 0.12 * bh),
            (bag(6, 0.5), bx1 + 0.15 * bw, by1 - 0.15 * bh),
        ]
        self.litter = [
            _Litter(sprite, round(cx - sprite[0].shape[1] / 2), round(bottom - sprite[0].shape[0]))
            for sprite, cx, bottom in plan
        ]

    def frame(self, source: Image, t: float, n: int) -> Image:
        img = render(self.view, source, self.size)
        rng = np.random.default_rng(n)
        img = paste(img, *self.bin, *self.bin_at, rng)
        for item in self.litter[: self.script.items_at(t, len(self.litter))]:
            img = paste(img, *item.sprite, item.x, item.y, rng)
        _clock(img, t)
        return img


Scene = VendingScene | BinScene


def make_scenes(
    vending: VendingScript | None = None,
    bins: BinScript | None = None,
    size: tuple[int, int] = MAIN.size,
    photos: Path | None = None,
) -> dict[SceneKey, Scene]:
    """The scene renderers at ``size`` (tests render frames with them without encoding)."""
    return {
        "vending": VendingScene(vending or VendingScript(), size),
        "bin": BinScene(bins or BinScript(), size, photos),
    }


# --- clips ------------------------------------------------------------------------------------------


def source_frames(src: Path | None, fps: int, count: int) -> Iterator[Image]:
    """``count`` frames of the street at ``fps``: vtest.avi resampled and looped (nearest earlier
    frame, 10 → 15 fps), or the synthetic street when ``src`` is None."""
    if src is None:
        yield from synthetic.frames(fps, count)
        return
    n = 0
    while n < count:
        made = 0
        with av.open(str(src)) as container:
            stream = container.streams.video[0]
            src_fps = float(stream.average_rate or 10)
            decoded = container.decode(stream)
            first = next(decoded, None)
            if first is None:
                raise OSError(f"{src}: no video frames")
            current, index, start = first.to_ndarray(format="bgr24"), 0, n
            while n < count:
                want = int((n - start) * src_fps / fps)
                while index < want:
                    frame = next(decoded, None)
                    if frame is None:
                        break
                    current, index = frame.to_ndarray(format="bgr24"), index + 1
                if index < want:
                    break  # the footage ended: start it again
                yield as_image(current)
                n, made = n + 1, made + 1
        if made == 0:
            raise OSError(f"{src}: no usable frames")


def _fingerprint(src: Path | None) -> dict[str, object]:
    if src is None:
        return {"synthetic": synthetic.SCENE_VERSION}
    st = src.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _photo_fingerprint(photos: Path | None) -> dict[str, object] | None:
    if photos is None:
        return None
    path = photos.joinpath(*REAL_BAGS)
    if not path.is_file():
        return None
    return {"file": REAL_BAGS[-1], "size": path.stat().st_size}


def _clip_name(key: str, p: StreamProfile, params: Mapping[str, Any]) -> str:
    data = {"gen": SCENE_VERSION, "scene": key, "profile": asdict(p), **params}
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"scene_{key}_{p.name}_{digest}.mp4"


def generate_scene_clips(
    cache_dir: Path | None = None,
    *,
    source: Path | Literal["auto", "synthetic"] = "auto",
    vending: VendingScript | None = None,
    bins: BinScript | None = None,
    photos: Path | Literal["auto"] | None = "auto",
    streams: Sequence[Literal["sub", "main"]] = ("sub", "main"),
    progress: ProgressFn | None = None,
) -> SceneClips:
    """Make (or find in the cache) the scene clips; ``photos`` "auto" uses ``../shared/data/real``
    when it exists (None: generated objects only)."""
    vending, bins = vending or VendingScript(), bins or BinScript()
    directory = cache_dir or default_cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    src = find_vtest() if source == "auto" else None if source == "synthetic" else Path(source)
    photo_dir = (REAL_DATA if REAL_DATA.is_dir() else None) if photos == "auto" else photos
    photo_print = _photo_fingerprint(photo_dir)
    if photo_print is None:
        photo_dir = None
    scripts: dict[SceneKey, Any] = {"vending": vending, "bin": bins}
    profiles = [PROFILES[s] for s in streams]
    paths: dict[tuple[SceneKey, str], Path] = {}
    for key in SCENE_KEYS:
        params: dict[str, object] = {"src": _fingerprint(src), "script": asdict(scripts[key])}
        if key == "bin":
            params["photo"] = photo_print
        for p in profiles:
            paths[key, p.name] = directory / _clip_name(key, p, params)
    report = progress or (lambda _f, _m: None)
    missing = [k for k in paths if not paths[k].exists()]
    if missing:
        _make_clips(src, {k: paths[k] for k in missing}, vending, bins, photo_dir, report)
    report(1.0, f"demo scenes ready ({len(missing)} made, {len(paths) - len(missing)} cached) in {directory}")
    return SceneClips(
        directory=directory,
        source="vtest" if src else "synthetic",
        fps=SUB.fps,
        vending=vending,
        bin=bins,
        real_photo=photo_dir is not None,
        sub={k: v for (k, s), v in paths.items() if s == "sub"},
        main={k: v for (k, s), v in paths.items() if s == "main"},
    )


def _make_clips(
    src: Path | None,
    jobs: Mapping[tuple[SceneKey, str], Path],
    vending: VendingScript,
    bins: BinScript,
    photos: Path | None,
    report: ProgressFn,
) -> None:
    """Render every missing clip in one pass over the street footage, each scene once at its largest
    size (D1), then shrunk for the CIF sub stream."""
    fps = SUB.fps
    lengths = {"vending": vending.length_s, "bin": bins.length_s}
    wanted = {key for key, _ in jobs}
    count = max(round(lengths[k] * fps) for k in wanted)
    largest = max((PROFILES[s] for _, s in jobs), key=lambda p: p.width).size
    scenes = make_scenes(vending, bins, largest, photos)
    writers: list[tuple[SceneKey, Path, Path, ClipWriter]] = []
    try:
        for (key, stream), path in jobs.items():
            tmp = path.with_name(f".{path.stem}.{os.getpid()}.part.mp4")
            writers.append((key, path, tmp, ClipWriter(tmp, PROFILES[stream])))
        for n, street in enumerate(source_frames(src, fps, count)):
            t = n / fps
            for key in wanted:
                if n >= round(lengths[key] * fps):
                    continue
                img = scenes[key].frame(street, t, n)
                for k, _, _, writer in writers:
                    if k == key:
                        writer.write(shrink(img, writer.profile.size))
            if n % fps == 0:
                report(n / count, f"encoding demo scenes ({n // fps} of {count // fps} s)")
        for _, path, tmp, writer in writers:
            writer.close()
            tmp.replace(path)  # atomic: a crash never leaves a half clip under its final name
            log.info("demo scene clip written: %s", path)
    finally:
        for _, _, tmp, writer in writers:
            writer.close()
            tmp.unlink(missing_ok=True)


# --- the demo site ----------------------------------------------------------------------------------


def demo_detection_settings() -> DetectionSettings:
    """Detection for the demo: honest rules with a short dwell (60 s instead of 3-5 min) so that an
    alert is seen within a couple of minutes, a clear window short enough to see it clear."""
    persistence = {
        "dwell_s": DEMO_DWELL_S,
        "window_s": DEMO_DWELL_S,
        "raise_ratio": 0.6,
        "clear_ratio": 0.15,
        "clear_window_s": 20.0,
        "cooldown_s": 30.0,
        "min_samples": 3,
        "max_gap_s": 60.0,
    }
    return DetectionSettings(
        revisit_s=2.0,  # the stationary detector needs samples this often (see the module notes)
        warmup_s=8.0,
        detectors={"stationary": {}},
        rules={
            "vending": {"persistence": persistence},
            "bins": {"threshold": 0.7, "persistence": persistence},
        },
    )


def scene_zones() -> dict[SceneKey, tuple[ZoneSpec, ...]]:
    """The zones each scene camera comes with (fixed cameras: no preset)."""
    clock = ZoneSpec(id="osd-clock", name="时间水印", kind="mask", polygon=CLOCK_MASK)
    x1, y1, x2, y2 = BIN_BOX
    return {
        "vending": (
            ZoneSpec(id="no-vending-1", name="人行道禁摆区", kind="no_vending", polygon=VENDING_ZONE),
            clock,
        ),
        "bin": (
            ZoneSpec(
                id="bin-1",
                name="草坪旁垃圾桶",
                kind="bin",
                polygon=((x1, y1), (x2, y1), (x2, y2), (x1, y2)),
                overflow_line=BIN_LINE,
            ),
            clock,
        ),
    }


@dataclass(frozen=True)
class _SceneCamera:
    key: SceneKey
    camera_id: str
    name: str
    tag: str
    sequence: int


SCENE_CAMERAS = (
    _SceneCamera("vending", "scn001", "演示 占道经营 人行道（停留 60 秒告警）", "占道经营", 1),
    _SceneCamera("bin", "scn002", "演示 垃圾满溢 草坪垃圾桶（满溢 60 秒告警）", "垃圾满溢", 2),
)


def scene_camera_ids() -> dict[SceneKey, str]:
    return {c.key: c.camera_id for c in SCENE_CAMERAS}


def add_demo_scenes(
    site: SiteConfig,
    server_url_base: str | None,
    clips: SceneClips,
    *,
    settings: DetectionSettings | None = None,
    first: bool = True,
) -> SiteConfig:
    """``site`` with the scene cameras (their own group, zones preconfigured) and the demo detection
    settings (``settings`` overrides them). With ``server_url_base`` None they play the clips as
    files. ``first`` puts them at the head of the camera list, so they are on the wall's first page.
    """
    zones = scene_zones()
    cameras = []
    for spec in SCENE_CAMERAS:
        source: StreamSource
        if server_url_base is None:
            source = FileSource(path=clips.clip(spec.key, "main"))
        else:
            base = server_url_base.rstrip("/")
            source = RtspSource(
                main=f"{base}/{spec.camera_id}_main", sub=f"{base}/{spec.camera_id}", transport="tcp"
            )
        cameras.append(
            Camera(
                id=spec.camera_id,
                name=spec.name,
                group=SCENE_GROUP,
                grid_code=f"{DISTRICT_ADMIN_CODE}099001{spec.sequence:03d}",
                location=Location(lon=round(CENTRE[0] + 0.001 * spec.sequence, 6), lat=round(CENTRE[1], 6)),
                source=source,
                detection=CameraDetection(zones=zones[spec.key]),
                tags=("演示", spec.tag),
            )
        )
    taken = {c.id for c in site.cameras}
    clash = sorted(taken & {c.id for c in cameras})
    if clash:
        raise ValueError(f"the site already has cameras {', '.join(clash)}")
    parent = site.groups[0].id if site.groups else None
    groups = (*site.groups, Group(id=SCENE_GROUP, name=SCENE_GROUP_NAME, parent=parent))
    ordered = (*cameras, *site.cameras) if first else (*site.cameras, *cameras)
    return site.model_copy(
        update={
            "groups": groups,
            "cameras": ordered,
            "detection": settings or demo_detection_settings(),
        }
    )


def scene_mounts(site: SiteConfig, clips: SceneClips) -> list[dict[str, Any]]:
    """The demo server's ``loop`` mounts of the scene cameras in ``site`` (sub and main)."""
    mounts: list[dict[str, Any]] = []
    ids = scene_camera_ids()
    for key, camera_id in ids.items():
        try:
            cam = site.camera(camera_id)
        except KeyError:
            continue
        if not isinstance(cam.source, RtspSource):
            continue
        for url, stream in ((cam.source.sub, "sub"), (cam.source.main, "main")):
            if url is not None:
                clip = clips.clip(key, "main" if stream == "main" and key in clips.main else "sub")
                mounts.append(
                    {
                        "path": urlsplit(url).path.lstrip("/"),
                        "file": str(clip),
                        "offset_frames": 0,
                        "mode": "loop",
                    }
                )
    return mounts


def with_scene_mounts(manifest: Mapping[str, Any], site: SiteConfig, clips: SceneClips) -> dict[str, Any]:
    """``manifest`` (from :func:`app.demo.site.demo_manifest`) with the scene cameras' mounts in place
    of the ordinary looped clips it gave them."""
    ours = scene_mounts(site, clips)
    paths = {m["path"] for m in ours}
    kept = [m for m in manifest.get("mounts", []) if m.get("path") not in paths]
    return {**manifest, "mounts": [*ours, *kept]}
