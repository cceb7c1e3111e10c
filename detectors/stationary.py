"""Stationary objects from two background models (weight-free: no model to download or train).

Two MOG2 background subtractors watch the same view at different speeds:

* the *short* model absorbs anything that stops moving within ``short_absorb_s`` (seconds);
* the *long* model absorbs it only after ``long_absorb_s`` (tens of minutes).

A pixel that is foreground for the long model but background for the short one belongs to something
that arrived and then stopped: a stall, a cart, a pile of bags. Such pixels accumulate evidence (in
seconds); those with ``confirm_s`` of evidence form the stationary mask, whose connected components
become boxes. A person walking through is foreground for *both* models and never accumulates.

Learning rates are derived from the frame timestamps, so the behaviour is set in seconds whatever
rate the scheduler samples a camera at (10 fps or one frame every 2 s). While the long model learns
the empty scene (``warmup_s``) nothing is reported. A sudden change over most of the frame (PTZ
move, lights switched) resets both models.

Pixels under a stationary object are not taught to the long model (it is fed its own background
there), so an object that stays for hours does not fade into the background and leaves no "ghost"
when it goes; ``max_age_s`` lets truly permanent additions be absorbed after all.

What was learnt can be taken out (:meth:`StationaryDetector.snapshot`, tens of kB) and given to a
new detector (a restarted detection worker). MOG2's models cannot be exported, so the new one learns
them again, *guided*: for ``warmup_s`` it takes "new" to mean "differs from the scene as it was",
keeps the evidence gathered where that holds, and teaches its long model that old scene there. A
stall that stood before the gap is still a stall (a fresh detector would learn it as background and
never report it); one that left during the gap is gone. The old scene is the *clean view* the
detector keeps for this: MOG2's own background picture blends its modes, so passers-by of the
warm-up linger in it as ghosts that would all look new; the clean view is updated, slowly, only
where neither model sees anything and never inside the box of something gathering evidence.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from detectors.registry import Plugin, PluginOptions
from detectors.types import Detections, Frame, Image, Mask, as_detections, empty_detections
from detectors.zones import mask_image

# MOG2 calls a mode background once its weight passes 1 - backgroundRatio (0.9 by default).
_BG_RATIO = 0.9


def absorb_rate(dt: float, absorb_s: float) -> float:
    """Per-frame learning rate that makes a new, constant colour background after ``absorb_s`` seconds."""
    if absorb_s <= 0:
        return 1.0
    return float(1.0 - _BG_RATIO ** (max(dt, 1e-3) / absorb_s))


class StationaryOptions(PluginOptions):
    width: int = Field(384, ge=64, le=1920, description="analysis width in pixels (height keeps the aspect)")
    short_absorb_s: float = Field(
        3.0, gt=0, description="seconds until a stopped object is short-term background"
    )
    long_absorb_s: float = Field(1800.0, gt=0, description="seconds until the long model would absorb it")
    confirm_s: float = Field(5.0, ge=0, description="seconds a pixel must look stationary to count")
    hold_s: float = Field(
        2.0, ge=0, description="seconds a stationary object survives being hidden by a passer-by"
    )
    warmup_s: float = Field(10.0, ge=0, description="seconds to learn the empty scene before reporting")
    max_age_s: float = Field(3600.0, gt=0, description="seconds after which a stationary pixel is absorbed")
    var_threshold: float = Field(16.0, gt=0, description="MOG2 variance threshold (squared Mahalanobis)")
    min_area: float = Field(0.0015, ge=0, le=1, description="smallest box, as a fraction of the frame")
    max_area: float = Field(0.35, gt=0, le=1, description="largest box, as a fraction of the frame")
    reset_fraction: float = Field(0.6, gt=0, le=1, description="short-model foreground fraction that resets")
    protect_diff: int = Field(
        20, ge=1, le=255, description="grey-level difference that keeps a pixel stationary"
    )
    merge_px: int = Field(
        9, ge=1, le=64, description="parts closer than this (analysis pixels) are one object"
    )
    nominal_fps: float = Field(10.0, gt=0, description="frame rate assumed when no timestamps are given")


STATE_VERSION = 1
EVIDENCE_STEP_S = 0.05
AGE_STEP_S = 16.0  # (age only matters against max_age_s: an hour by default)
BACKGROUND_QUALITY = 95  # JPEG: its error (about 1 grey level) stays far below protect_diff
CLEAN_RATE = 0.1  # how fast the clean view follows the scene …
CLEAN_EVERY_S = 4.0  # … updated this often (it only has to be recent when a snapshot is taken)


@dataclass(frozen=True, eq=False)
class StationaryState:
    """What a :class:`StationaryDetector` has learnt, as plain values."""

    version: int
    size: tuple[int, int]  # analysis size (width, height)
    src: tuple[int, int]  # size of the frames it was fed
    t0: float
    t_last: float
    frames: int
    background: bytes  # JPEG of the clean view
    evidence: bytes  # zlib: uint8 steps of evidence_step, rounded up (none drops below confirm_s)
    evidence_step: float
    age: bytes  # zlib: uint8 steps of AGE_STEP_S, rounded up


class StationaryDetector:
    """Feed frames with their capture times; ``detect`` returns boxes of stationary objects (class 0)."""

    def __init__(self, options: StationaryOptions | None = None, masks: Sequence[Mask] = ()) -> None:
        self.options = options or StationaryOptions()
        self.masks = tuple(masks)
        self._size: tuple[int, int] | None = None
        self._src: tuple[int, int] = (0, 0)
        self.reset()

    def reset(self) -> None:
        o = self.options
        self._short = cv2.createBackgroundSubtractorMOG2(
            history=500, varThreshold=o.var_threshold, detectShadows=True
        )
        self._long = cv2.createBackgroundSubtractorMOG2(
            history=500, varThreshold=o.var_threshold, detectShadows=True
        )
        self._t0: float | None = None
        self._t_last: float | None = None
        self._frames = 0
        self._evidence: npt.NDArray[np.float32] | None = None
        self._age: npt.NDArray[np.float32] | None = None
        self._stationary: Image | None = None
        self._long_bg: Image | None = None
        self._clean: Image | None = None  # the clean view (see the module notes) …
        self._clean_jpeg: bytes | None = None  # … as a snapshot holds it (made once per change) …
        self._cleaned = -np.inf  # … when last updated
        self._guide: Image | None = None  # restored: the old clean view guides the models …
        self._guide_until = -np.inf  # … until then
        self._guided = 0  # frames since the restore

    @property
    def class_names(self) -> Mapping[int, str]:
        return {0: "stationary"}

    @property
    def warming_up(self) -> bool:
        return self._t0 is None or (self._t_last or 0.0) - self._t0 < self.options.warmup_s

    @property
    def stationary_mask(self) -> Image | None:
        """255 where pixels are stationary (analysis resolution), for overlays and evidence."""
        return self._stationary

    def _prepare(self, frame: Frame) -> Image:
        h, w = frame.shape[:2]
        sw = min(self.options.width, w)
        sh = max(1, round(h * sw / w))
        if self._size != (sw, sh) or self._src != (w, h):
            self._size, self._src = (sw, sh), (w, h)
            self._valid = mask_image(sw, sh, self.masks)
            self.reset()
        small = cv2.resize(frame, (sw, sh), interpolation=cv2.INTER_AREA)
        if small.ndim == 2:
            small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
        out: Image = cv2.GaussianBlur(small, (3, 3), 0)
        return out

    def snapshot(self) -> StationaryState | None:
        """What was learnt (None while nothing is)."""
        clean, ev, age = self._clean, self._evidence, self._age
        if self._size is None or self._t0 is None or self._t_last is None:
            return None
        if clean is None or ev is None or age is None:
            return None
        if self._clean_jpeg is None:
            ok, jpeg = cv2.imencode(".jpg", clean, [cv2.IMWRITE_JPEG_QUALITY, BACKGROUND_QUALITY])
            if not ok:
                return None
            self._clean_jpeg = jpeg.tobytes()
        step = max(EVIDENCE_STEP_S, self._evidence_cap / 255)
        evidence = np.clip(np.ceil(ev / step), 0, 255).astype(np.uint8)
        steps = np.clip(np.ceil(age / AGE_STEP_S), 0, 255).astype(np.uint8)
        return StationaryState(
            STATE_VERSION,
            self._size,
            self._src,
            self._t0,
            self._t_last,
            self._frames,
            self._clean_jpeg,
            zlib.compress(evidence.tobytes(), 1),
            step,
            zlib.compress(steps.tobytes(), 1),
        )

    def restore(self, state: object) -> bool:
        """Continue from ``state`` (see the module notes); False, and fresh, when it does not fit."""
        self.reset()
        if not isinstance(state, StationaryState) or state.version != STATE_VERSION:
            return False
        sw, sh = state.size
        try:
            clean = cv2.imdecode(np.frombuffer(state.background, np.uint8), cv2.IMREAD_COLOR)
            ev = np.frombuffer(zlib.decompress(state.evidence), np.uint8).reshape(sh, sw)
            age = np.frombuffer(zlib.decompress(state.age), np.uint8).reshape(sh, sw)
        except (ValueError, zlib.error, cv2.error):
            return False
        if clean is None or clean.shape != (sh, sw, 3):
            return False
        self._size, self._src = state.size, state.src
        self._valid = mask_image(sw, sh, self.masks)
        self._t0, self._t_last, self._frames = state.t0, state.t_last, state.frames
        self._evidence = ev.astype(np.float32) * np.float32(state.evidence_step)
        self._age = age.astype(np.float32) * np.float32(AGE_STEP_S)
        self._guide, self._long_bg, self._clean = clean, clean, clean.copy()
        self._clean_jpeg = state.background
        return True

    @property
    def _evidence_cap(self) -> float:
        return self.options.confirm_s + 2.0 * self.options.hold_s

    def _keep_clean(self, img: Image, foreground: Image, t: float) -> None:
        """Follow the scene where neither model sees anything, outside the box of anything
        gathering evidence (a stall's pale panels can pass for pavement)."""
        self._cleaned, self._clean_jpeg = t, None
        if self._clean is None or self._clean.shape != img.shape:
            self._clean = img.copy()
            return
        if self._evidence is not None:
            foreground = cv2.bitwise_or(foreground, _boxes_of(self._evidence > 0))
        blended = cv2.addWeighted(img, CLEAN_RATE, self._clean, 1.0 - CLEAN_RATE, 0.0)
        cv2.copyTo(blended, cv2.bitwise_not(foreground), self._clean)

    def _guided_update(self, img: Image, t: float) -> None:
        """One frame after a restore (see the module notes)."""
        o = self.options
        guide = self._guide
        assert guide is not None and self._evidence is not None and self._age is not None
        self._guided += 1
        first = self._guided == 1
        if first:
            self._guide_until = t + o.warmup_s
        dt = 0.0 if first or self._t_last is None else max(1e-3, t - self._t_last)  # a gap is no evidence
        self._t_last = t
        self._frames += 1
        rate = 1.0 / self._guided  # a running mean, as while warming up
        b, g, r = cv2.split(cv2.absdiff(img, guide))
        new = cv2.threshold(cv2.max(cv2.max(b, g), r), o.protect_diff, 255, cv2.THRESH_BINARY)[1]
        fg_short = self._short.apply(img, learningRate=rate)
        self._long.apply(cv2.copyTo(guide, new, img.copy()), learningRate=rate)
        if t - self._cleaned >= CLEAN_EVERY_S:
            self._keep_clean(img, cv2.bitwise_or(fg_short, new), t)
        fs: Image = cv2.threshold(fg_short, 254, 255, cv2.THRESH_BINARY)[1]
        fl: Image = new
        if self.masks:
            fs = cv2.bitwise_and(fs, self._valid)
            fl = cv2.bitwise_and(fl, self._valid)
        ev = self._evidence
        if first:
            ev[fl == 0] = 0.0  # what left during the gap is gone; the rest keeps its evidence
        else:
            static = cv2.bitwise_and(fl, cv2.bitwise_not(fs))
            ev += static.astype(np.float32) * (3.0 * dt / 255.0) - 2.0 * dt
            ev -= (fl == 0).astype(np.float32) * (6.0 * dt)
            np.clip(ev, 0.0, self._evidence_cap, out=ev)
        self._settle(cv2.bitwise_and((ev >= o.confirm_s).astype(np.uint8) * 255, fl), dt)
        if t >= self._guide_until:  # learnt again: the models take over
            self._guide = None
            self._long_bg = self._long.getBackgroundImage()

    def _settle(self, stationary: Image, dt: float) -> None:
        assert self._age is not None
        self._age = (self._age + dt) * (stationary > 0)
        mask = cv2.morphologyEx(stationary, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        self._stationary = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))

    def update(self, frame: Frame, t: float | None = None) -> None:
        o = self.options
        img = self._prepare(frame)
        if t is None:
            t = (self._t_last + 1.0 / o.nominal_fps) if self._t_last is not None else 0.0
        if self._guide is not None:
            self._guided_update(img, t)
            return
        if self._t0 is None:
            self._t0 = t
        dt = 1.0 / o.nominal_fps if self._t_last is None else max(1e-3, t - self._t_last)
        self._t_last = t
        self._frames += 1
        warm = t - self._t0 < o.warmup_s
        a_short = absorb_rate(dt, o.short_absorb_s)
        a_long = absorb_rate(dt, o.long_absorb_s)
        if warm:  # learn the scene quickly first (a running mean over the frames seen so far)
            a_short = max(a_short, 1.0 / self._frames)
            a_long = max(a_long, 1.0 / self._frames)
        fg_short = self._short.apply(img, learningRate=a_short)
        protect: Image | None = None
        taught: Image = img
        if self._stationary is not None and self._long_bg is not None and self._age is not None and not warm:
            # never teach the long model what sits still (no absorption, no ghost when it leaves)
            young = (self._age < o.max_age_s).astype(np.uint8) * 255
            protect = cv2.bitwise_and(self._stationary, young)
            if cv2.countNonZero(protect):
                taught = cv2.copyTo(self._long_bg, protect, img.copy())
            else:
                protect = None
        fg_long = self._long.apply(taught, learningRate=a_long)
        if warm or self._frames % 10 == 0 or self._long_bg is None:
            self._long_bg = self._long.getBackgroundImage()

        fs: Image = cv2.threshold(fg_short, 254, 255, cv2.THRESH_BINARY)[1]  # 127 = shadow: background
        fl: Image = cv2.threshold(fg_long, 254, 255, cv2.THRESH_BINARY)[1]
        if protect is not None and self._long_bg is not None:
            # where the long model was shown its own background, compare the real pixels with it
            b, g, r = cv2.split(cv2.absdiff(img, self._long_bg))
            differs = cv2.threshold(cv2.max(cv2.max(b, g), r), o.protect_diff, 255, cv2.THRESH_BINARY)[1]
            fl = cv2.copyTo(differs, protect, fl)
            # the object left: the short model sees the change, the real pixels match the old background
            changed_short = cv2.threshold(fg_short, 0, 255, cv2.THRESH_BINARY)[1]  # shadows included
            gone = cv2.bitwise_and(cv2.bitwise_and(protect, changed_short), cv2.bitwise_not(differs))
        else:
            gone = None
        if t - self._cleaned >= CLEAN_EVERY_S:
            # (fl, not fg_long: where the long model is shown its own background, fl says what is there)
            self._keep_clean(img, cv2.bitwise_or(cv2.bitwise_or(fg_short, fg_long), fl), t)
        if self.masks:
            fs = cv2.bitwise_and(fs, self._valid)
            fl = cv2.bitwise_and(fl, self._valid)
        if not warm and cv2.countNonZero(fs) > o.reset_fraction * fs.size:
            self.reset()  # the view changed wholesale: start again
            return
        static = cv2.bitwise_and(fl, cv2.bitwise_not(fs))
        if self._evidence is None or self._age is None:
            self._evidence = np.zeros(fs.shape, np.float32)
            self._age = np.zeros(fs.shape, np.float32)
        ev = self._evidence
        # +dt where static; -2 dt where something moves in front (occlusion by a passer-by); -8 dt where
        # the long model sees nothing new any more (the object left). Bounded: forgotten within seconds.
        ev += static.astype(np.float32) * (3.0 * dt / 255.0) - 2.0 * dt
        ev -= (fl == 0).astype(np.float32) * (6.0 * dt)
        np.clip(ev, 0.0, o.confirm_s + 2.0 * o.hold_s, out=ev)
        if gone is not None:
            ev[gone > 0] = 0.0  # forget at once, so that a passer-by on the vacated spot is not boxed
        self._settle(cv2.bitwise_and((ev >= o.confirm_s).astype(np.uint8) * 255, fl), dt)

    def boxes(self) -> Detections:
        if self._stationary is None or self.warming_up or self._size is None or self._evidence is None:
            return empty_detections()
        if not cv2.countNonZero(self._stationary):
            return empty_detections()
        o = self.options
        # group parts of one object (an umbrella on a thin pole above its table) before boxing them
        k = max(1, int(o.merge_px))
        grouped = cv2.dilate(self._stationary, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, 2 * k + 1)))
        n, labels = cv2.connectedComponents(grouped, connectivity=8)
        sw, sh = self._size
        w, h = self._src
        sx, sy = w / sw, h / sh
        total = sw * sh
        rows: list[list[float]] = []
        for i in range(1, n):
            part = cv2.bitwise_and(self._stationary, (labels == i).astype(np.uint8) * 255)
            area = cv2.countNonZero(part)
            if area == 0:
                continue
            x, y, bw, bh = cv2.boundingRect(part)
            if not (o.min_area * total <= bw * bh <= o.max_area * total):
                continue
            fill = area / max(1, bw * bh)
            ev = float(cv2.mean(self._evidence, part)[0])
            score = min(1.0, 0.5 * fill + 0.5 * min(1.0, ev / max(o.confirm_s, 1e-6) - 0.5))
            rows.append([x * sx, y * sy, (x + bw) * sx, (y + bh) * sy, max(0.0, score), 0.0])
        return as_detections(rows) if rows else empty_detections()

    def detect(self, frame: Frame, t: float | None = None) -> Detections:
        self.update(frame, t)
        return self.boxes()

    def close(self) -> None:
        self.reset()


def _boxes_of(mask: npt.NDArray[np.bool_]) -> Image:
    """255 inside the bounding box of each part of ``mask``, a quarter larger each way."""
    out = np.zeros(mask.shape, np.uint8)
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    h, w = mask.shape
    for contour in contours:
        x, y, bw, bh = cv2.boundingRect(contour)
        mx, my = bw // 4 + 2, bh // 4 + 2
        out[max(0, y - my) : min(h, y + bh + my), max(0, x - mx) : min(w, x + bw + mx)] = 255
    return out


def _create(options: StationaryOptions) -> StationaryDetector:
    return StationaryDetector(options)


PLUGIN = Plugin(
    name="stationary",
    options=StationaryOptions,
    factory=_create,
    description="weight-free stationary objects (dual MOG2: long-term vs short-term background)",
    stateful=True,
)
