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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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

    def update(self, frame: Frame, t: float | None = None) -> None:
        o = self.options
        img = self._prepare(frame)
        if t is None:
            t = (self._t_last + 1.0 / o.nominal_fps) if self._t_last is not None else 0.0
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
        stationary = cv2.bitwise_and((ev >= o.confirm_s).astype(np.uint8) * 255, fl)
        self._age = (self._age + dt) * (stationary > 0)
        mask = cv2.morphologyEx(stationary, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        self._stationary = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))

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


def _create(options: StationaryOptions) -> StationaryDetector:
    return StationaryDetector(options)


PLUGIN = Plugin(
    name="stationary",
    options=StationaryOptions,
    factory=_create,
    description="weight-free stationary objects (dual MOG2: long-term vs short-term background)",
    stateful=True,
)
