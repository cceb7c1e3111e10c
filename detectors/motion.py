"""Frame-difference motion gate (~0.1 ms at 320×180): decide whether a frame is worth a detector run.

Each frame is shrunk to ``width`` pixels wide, greyed, blurred, and compared with the previous one.
``moving`` when more than ``min_fraction`` of the (unmasked) pixels changed; ``global_change`` when
more than ``global_fraction`` did — the camera is panning/zooming or the light jumped — and the
scheduler should pause detection for that camera until the view settles (a zone drawn for a preset
is wrong while the camera moves).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from pydantic import Field

from detectors.registry import Plugin, PluginOptions
from detectors.types import Detections, Frame, Image, Mask, as_detections, empty_detections
from detectors.zones import mask_image


class MotionOptions(PluginOptions):
    width: int = Field(320, ge=32, le=1920, description="analysis width in pixels (height keeps the aspect)")
    threshold: int = Field(25, ge=1, le=255, description="grey-level difference that counts as change")
    blur: int = Field(5, ge=1, le=31, description="Gaussian blur kernel (odd), against sensor noise")
    min_fraction: float = Field(0.002, ge=0.0, le=1.0, description="changed fraction that means motion")
    global_fraction: float = Field(
        0.45, ge=0.0, le=1.0, description="changed fraction that means the view moved"
    )
    min_box_area: float = Field(
        0.0005, ge=0.0, le=1.0, description="smallest motion box, fraction of the frame"
    )


@dataclass(frozen=True, slots=True)
class MotionResult:
    fraction: float  # changed fraction of valid pixels
    moving: bool
    global_change: bool
    first: bool  # no previous frame to compare with (treated as moving)


class MotionGate:
    def __init__(self, options: MotionOptions | None = None, masks: Sequence[Mask] = ()) -> None:
        self.options = options or MotionOptions()
        self.masks = tuple(masks)
        self._prev: Image | None = None
        self._valid: Image | None = None
        self._valid_count = 0
        self._last_diff: Image | None = None
        self._src_size = (0, 0)

    def reset(self) -> None:
        """Forget the previous frame (after a PTZ move or a stream restart)."""
        self._prev = None

    def _small(self, frame: Frame) -> Image:
        h, w = frame.shape[:2]
        sw = min(self.options.width, w)
        sh = max(1, round(h * sw / w))
        if (w, h) != self._src_size or self._valid is None:
            self._src_size = (w, h)
            self._valid = mask_image(sw, sh, self.masks)
            self._valid_count = max(1, int(np.count_nonzero(self._valid)))
            self._prev = None
        small = cv2.resize(frame, (sw, sh), interpolation=cv2.INTER_AREA)
        grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
        k = self.options.blur | 1
        out: Image = cv2.GaussianBlur(grey, (k, k), 0) if k > 1 else grey
        return out

    def update(self, frame: Frame) -> MotionResult:
        grey = self._small(frame)
        prev, self._prev = self._prev, grey
        if prev is None:
            self._last_diff = None
            return MotionResult(1.0, True, False, True)
        diff = cv2.absdiff(grey, prev)
        _, changed = cv2.threshold(diff, self.options.threshold, 255, cv2.THRESH_BINARY)
        if self.masks:
            assert self._valid is not None
            changed = cv2.bitwise_and(changed, self._valid)
        self._last_diff = changed
        fraction = cv2.countNonZero(changed) / self._valid_count
        o = self.options
        return MotionResult(fraction, fraction > o.min_fraction, fraction > o.global_fraction, False)

    def boxes(self) -> Detections:
        """Boxes around the changed regions of the last update, in source pixels (class 0, score = fill)."""
        if self._last_diff is None:
            return empty_detections()
        changed = cv2.dilate(self._last_diff, np.ones((5, 5), np.uint8))
        n, _, stats, _ = cv2.connectedComponentsWithStats(changed, connectivity=8)
        sh, sw = changed.shape
        w, h = self._src_size
        sx, sy = w / sw, h / sh
        min_area = self.options.min_box_area * sw * sh
        rows = [
            [x * sx, y * sy, (x + bw) * sx, (y + bh) * sy, min(1.0, area / max(1, bw * bh)), 0.0]
            for x, y, bw, bh, area in stats[1:n]
            if area >= min_area
        ]
        return as_detections(rows) if rows else empty_detections()

    # Detector protocol: motion regions as boxes
    @property
    def class_names(self) -> Mapping[int, str]:
        return {0: "motion"}

    def detect(self, frame: Frame, t: float | None = None) -> Detections:
        self.update(frame)
        return self.boxes()

    def close(self) -> None:
        self._prev = None


def _create(options: MotionOptions) -> MotionGate:
    return MotionGate(options)


PLUGIN = Plugin(
    name="motion",
    options=MotionOptions,
    factory=_create,
    description="frame-difference motion gate",
    stateful=True,
)
