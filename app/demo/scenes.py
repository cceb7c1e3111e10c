"""Scripted detection scenes for the demo: real street footage with things that come and go on cue.

Three demo cameras show OpenCV's real ``vtest.avi`` street (a synthetic street where it is missing),
each with a scripted story that loops with the clip, so that every detection rule can be seen
raising an alert and clearing it while the demo runs, and tests can rely on the timing:

* **vending** (占道经营, 0501): a stall with goods (:func:`detectors.synth.street_stall`) is pushed
  onto the pavement from the right, stands in the no-vending zone from ``appear_s`` and is pushed
  away at ``leave_s``; it stays long enough for the voice ladder to end in a case;
* **bin** (垃圾满溢, 0102): a litter bin on the grass beside the path; from ``fill_from_s`` bags and
  boxes pile up on its lid and around its foot, one after the other until ``full_at_s``; at
  ``emptied_s`` the sanitation crew has taken everything away;
* **moved_on** (喊话劝离): the street from its other side (the picture mirrored), where the
  vendor moves on a few seconds after the first voice prompt (:data:`MOVED_ON_SCRIPT`), so that
  the alert clears as "resolved by prompt" beside the vending scene's case.

All burn a capture clock into the top-left corner, as real cameras do (a mask zone covers it).
The objects are generated (numpy + OpenCV, seeded: same pictures on every machine; they are drawn
in :mod:`app.demo.scene_sprites`), so the demo works from a fresh clone; where
``../shared/data/real`` exists, one pile of bags beside the bin is cut from a real street photo at
generation time (nothing from there is ever stored in git).

Clips are D1 main + CIF sub like every demo camera, made in :mod:`app.demo.scene_clips`.
:func:`add_demo_scenes` adds the cameras, with their zones and a demo
:class:`~camera_config.models.DetectionSettings` whose short dwell (60 s instead of the 3-5 minutes
control rooms use) is said in the camera names; :func:`with_scene_mounts` puts their clips on the
demo RTSP server.

Timeline of one loop, as measured with the real detectors (``detectors.pipeline``) sampling every
2 s, on the CIF stream and at the worker's 586x480 sample size, from several sampling phases
(tests/unit/test_demo_scenes.py runs one of them; bench/demo_scenes.py runs 30 over two loops)::

    vending  0 ── 11-15 s stall pushed in ── ~20 s seen ── 78-84 s ALERT ── 115-119 s pushed away
             ── 134-165 s CLEARED ── cooldown 30 s ── 180 s loop (stall back at 195 s)
    bin      0 ── 25 s first bag ── 70 s full ── 91-94 s ALERT ── 140 s emptied
             ── 158-172 s CLEARED ── 180 s loop
    moved_on 0 ── 21-25 s stall pushed in ── 86-92 s ALERT (prompt) ── 104-108 s pushed away
             ── 123-164 s CLEARED ── 180 s loop (stall back at 205 s)

The stationary-object detector needs frequent samples: at 1-2 s the scenes raise and clear every
loop; at 3 s the vending alert no longer clears, at 5 s walkers turn into stationary boxes. The demo
settings therefore ask for ``revisit_s: 2``. (Even so, at one of the 30 sampling phases the vending
scene's alert stays open past the loop: a ghost of the umbrella stays in the zone where the
detector's long-term background had learnt a passer-by before the stall came.) The bin's threshold
(0.7) keeps the clean bin quiet even where no clean reference picture was taken (the classifier
alone gives it up to 0.55).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar
from urllib.parse import urlsplit

import cv2
import numpy as np

from app.demo.district import CENTRE, DISTRICT_ADMIN_CODE
from app.demo.encode import MAIN
from app.demo.scene_sprites import (
    BAG_COLOURS,
    Sprite,
    bag_sprite,
    bin_sprite,
    box_sprite,
    burn_clock,
    real_bags,
)
from app.demo.variants import Image, Variant, as_image, render
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

if TYPE_CHECKING:  # the clips module renders these scenes: no import cycle at run time
    from app.demo.scene_clips import SceneClips

SceneKey = Literal["vending", "bin", "moved_on"]
SCENE_KEYS: tuple[SceneKey, ...] = ("vending", "bin", "moved_on")

DEMO_DWELL_S = 60.0
SCENE_GROUP = "demo-scenes"
SCENE_GROUP_NAME = "检测演示场景"

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
# The same pavement seen from the street's other side (the moved-on scene's picture is mirrored).
MOVED_ON_ZONE = tuple((round(1.0 - x, 6), y) for x, y in VENDING_ZONE)


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


# The vendor who moves on when asked: pushed away 7-13 s after the first prompt has ended (5.3 s of
# prompt from the alert: app/demo/voice_site.py). The stall arrives at 25 s, not 15 s: with 15 s the
# detector's long-term background had not yet learnt the empty pavement well at some sampling phases
# and kept a ghost of the umbrella in the zone, loop after loop, so the alert never cleared there.
MOVED_ON_SCRIPT = VendingScript(appear_s=25.0, leave_s=104.0)
# Measured with the real detectors at every sampling phase of the 2 s revisit, over two loops
# (bench/demo_scenes.py): when the alert comes, and how long after the stall left it clears.
MOVED_ON_ALERT_S = (85.5, 92.0)  # measured 85.9-91.6
MOVED_ON_CLEAR_AFTER_S = (19.0, 60.0)  # measured 20.1-57.1


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


_Script = TypeVar("_Script", VendingScript, BinScript)


class SceneScripts(TypedDict, total=False):
    """generate_scene_clips' script arguments."""

    vending: VendingScript
    bins: BinScript
    moved_on: VendingScript


def scaled_scripts(length_s: float | None) -> SceneScripts:
    """The demo's three scripts with every time in them scaled to clips ``length_s`` long (None: the
    demo's own), as generate_scene_clips' keyword arguments. For short runs (smoke tests) that would
    otherwise encode 180 s of footage per scene: the story keeps its order, but the alert timings
    measured above (MOVED_ON_ALERT_S …) hold at the full length only."""
    if length_s is None:
        return {}
    if length_s <= 0:
        raise ValueError("the scene clips need a length above 0 s")
    factor = length_s / VendingScript().length_s

    def scaled(script: _Script) -> _Script:
        return replace(script, **{k: v * factor for k, v in asdict(script).items()})

    return {
        "vending": scaled(VendingScript()),
        "bins": scaled(BinScript()),
        "moved_on": scaled(MOVED_ON_SCRIPT),
    }


# --- scenes -----------------------------------------------------------------------------------------


class VendingScene:
    """Renders a vending scene at one size (width, height) from source frames of the street.

    ``mirror``: the street seen from its other side (the picture flipped, stall and all; the clock
    is burned in afterwards, the right way round)."""

    view = VENDING_VIEW

    def __init__(
        self,
        script: VendingScript,
        size: tuple[int, int],
        *,
        key: SceneKey = "vending",
        mirror: bool = False,
    ) -> None:
        self.script, self.size, self.key, self.mirror = script, size, key, mirror
        self.stall = street_stall(np.random.default_rng(501), round(STALL_WIDTH * size[0]))
        self.spot = (round(STALL_SPOT[0] * size[0]), round(STALL_SPOT[1] * size[1]))

    def stall_box(self) -> tuple[float, float, float, float]:
        """Where the stall stands once in place (x1, y1, x2, y2 in picture fractions, as shown)."""
        h, w = self.stall[0].shape[:2]
        x, y = self.spot
        x1, x2 = x / self.size[0], (x + w) / self.size[0]
        if self.mirror:
            x1, x2 = 1.0 - x2, 1.0 - x1
        return (x1, y / self.size[1], x2, (y + h) / self.size[1])

    def stall_x(self, t: float) -> int | None:
        """The stall's left edge at clip time ``t`` (pushed in from the right, later away), or None;
        in the picture before it is mirrored."""
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
        if self.mirror:
            img = as_image(cv2.flip(img, 1))
        burn_clock(img, t)
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
        self.bin = bin_sprite(bw, bh)
        pad = (self.bin[0].shape[1] - bw) // 2
        self.bin_at = (bx1 - pad, by1)
        rng = np.random.default_rng(102)
        real = real_bags(photos, int(bw * 1.6)) if photos is not None else None
        self.real_photo = real is not None

        def bag(k: int, scale: float) -> Sprite:
            return bag_sprite(max(6, int(bw * scale)), BAG_COLOURS[k % len(BAG_COLOURS)], rng)

        # (sprite, centre x, bottom y) in the order they are dumped: on the lid and around the foot
        plan: list[tuple[Sprite, float, float]] = [
            (bag(0, 0.55), bx1 + 0.30 * bw, by1 + 0.08 * bh),
            (bag(1, 0.65), bx2 + 0.40 * bw, by2 + 0.04 * bh),
            (box_sprite(int(bw * 0.8), rng), bx1 - 0.45 * bw, by2 + 0.02 * bh),
            (bag(2, 0.5), bx1 + 0.72 * bw, by1 + 0.02 * bh),
            (real or bag(3, 0.75), bx1 - 0.75 * bw if real else bx2 + 0.95 * bw, by2 + 0.10 * bh),
            (bag(4, 0.6), bx1 + 0.5 * bw, by1 - 0.22 * bh),
            (box_sprite(int(bw * 0.7), rng), bx2 + 0.55 * bw, by2 + 0.14 * bh),
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
        burn_clock(img, t)
        return img


Scene = VendingScene | BinScene


def make_scenes(
    vending: VendingScript | None = None,
    bins: BinScript | None = None,
    size: tuple[int, int] = MAIN.size,
    photos: Path | None = None,
    *,
    moved_on: VendingScript | None = None,
) -> dict[SceneKey, Scene]:
    """The scene renderers at ``size`` (tests render frames with them without encoding)."""
    return {
        "vending": VendingScene(vending or VendingScript(), size),
        "bin": BinScene(bins or BinScript(), size, photos),
        # the same street from its other side (the stall's looks are the ones the timing was measured with)
        "moved_on": VendingScene(moved_on or MOVED_ON_SCRIPT, size, key="moved_on", mirror=True),
    }


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
            # the zones' clean picture: the first check (the stall is pushed in 11 s into the clip)
            "vending": {"persistence": persistence, "appearance": {"reference_checks": 1}},
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
        "moved_on": (  # its own id: the voice settings give this zone a longer ladder wait
            ZoneSpec(id="no-vending-3", name="人行道禁摆区", kind="no_vending", polygon=MOVED_ON_ZONE),
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
    _SceneCamera("moved_on", "scn003", "演示 喊话劝离 人行道（停留 60 秒告警，喊话后离开）", "占道经营", 3),
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
