"""Appearance, not presence: a no-vending zone's clean picture, and whether a box shows something new.

A detector saying "there is a stall" is not enough to raise a vending alert: a red sign board, a
parked bin, a parking line or a pavement pattern that was there when the zone was set up is *scene
furniture*, however often the detector boxes it. :class:`SceneReference` keeps the view's clean
picture (grey, at ``AppearanceParams.width``): taken from the view's first checks after its zones
were drawn, retaken for some zones when an operator says "clean now", and refreshed slowly
(``refresh_s``) where nothing is detected, so that light over a day does not make the pavement look
new. A reference is the per-pixel median of ``reference_checks`` checks ``reference_spacing_s``
apart (seven over three minutes by default), so that passers-by, and people who stop for a minute,
are not in it: a background model that learnt the first picture leaves "ghosts" where they stood,
empty pavement the reference shows as empty pavement. A new zone does not wait for that median: it
judges from its first check by a *provisional* reference, the median of the checks taken so far with
the first standing in for those still to come (early on it is the first picture; at the end, the
median of all). Where something counted as new while the reference was being taken (a stall that
arrived after the zone was drawn), the reference keeps the first picture's look (:meth:`hold`):
else the stall would become part of the median, and its alert clear while it is still there. (The
first picture standing in also gives a detector that boxes a newcomer late half the window to do
so.) What stands there at the first check is in the reference: furniture until "clean now"; what
was boxed then counts as there from the start while the reference is provisional
(:meth:`SceneReference.first_boxed`), even where a passer-by hid it in the first picture.

A box counts only when its region differs from the same region of the reference, and not by having
lost most of its structure: that is something of the reference leaving (a car parked while the
reference was taken), whose empty place a background model may box for a while.

The comparison is on *gradient structure*, not grey levels: both crops are blurred, their Sobel
gradients divided by the crop's mean brightness (a cloud or the evening dims both alike), and
compared with an SSIM-like ratio ``(2·Σ g·r + C) / (Σ g² + Σ r² + C)``, which is 1 for the same
structure, near 0 for unrelated structure, and 1 for two flat crops (``C``: gradient noise). The
best over a few pixels of shift is taken: a PTZ camera back at its preset is rarely exactly where
it was. A box is widened a little first: an object's outline against the ground is its most
telling structure.

One picture serves every zone of the view; "clean now" for some zones pastes the current picture
into their part of it (the zone's bounding box, widened and raised: objects standing in a zone reach
above it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from detectors.boxes import box_iou
from detectors.types import Detections, Frame, Zone

F32 = npt.NDArray[np.float32]
GRADIENT_NOISE = 0.1  # per-pixel gradient (relative to the mean brightness) that is only noise
GONE_STRUCTURE = 0.5  # a box with less than this share of the reference's structure shows a departure
FIRST_IOU = 0.5  # a box overlapping one of the first picture's this much was there from the start
REFRESH_MAX_STEP_S = 60.0  # one sample after a long gap must not rewrite the reference
REFRESH_SEND_S = 600.0  # a slowly refreshed reference is worth a new checkpoint this often


class AppearanceParams(BaseModel):
    """How a no-vending zone tells a new object from its scene furniture."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="drop boxes that look like the zone's clean reference picture")
    match_similarity: float = Field(
        0.6, gt=0, lt=1, description="a box whose region resembles the reference this much is furniture"
    )
    width: int = Field(320, ge=64, le=1280, description="analysis width of the reference picture (pixels)")
    max_shift: int = Field(
        2, ge=0, le=8, description="shift searched, in analysis pixels (PTZ repositioning)"
    )
    reference_checks: int = Field(
        7, ge=1, le=15, description="checks a reference is the median of (passers-by drop out)"
    )
    reference_spacing_s: float = Field(
        30.0, ge=0, description="at least this long between the checks a reference is made of (seconds)"
    )
    refresh_s: float = Field(
        1800.0, gt=0, description="time constant of the slow refresh where nothing is detected (seconds)"
    )
    furniture_after_s: float = Field(
        48 * 3600.0,
        gt=0,
        description="an object present this long (in most checks) is scene furniture (seconds)",
    )
    furniture_presence: float = Field(
        0.7, gt=0, le=1, description="share of the checks since it appeared an object must be seen in"
    )
    furniture_forget_s: float = Field(
        12 * 3600.0, gt=0, description="furniture not seen this long is forgotten (gone)"
    )


@dataclass(frozen=True, eq=False)
class ReferenceState:
    """A :class:`SceneReference` as plain values: the picture as a grey JPEG (small, for checkpoints)."""

    size: tuple[int, int]  # the frame size it was taken from
    jpeg: bytes
    zones: tuple[str, ...]  # zones it holds a reference for
    confirmed: frozenset[str] = frozenset()  # zones an operator said were clean
    provisional: tuple[str, ...] = ()  # zones judged by it while their reference is still being taken


def grey(frame: Frame, width: int) -> F32:
    """The frame as float32 grey at ``width`` (never wider than the frame)."""
    g = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    h, w = g.shape[:2]
    if w > width:
        g = cv2.resize(g, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    return np.asarray(g, np.float32)


def _structure(img: F32) -> tuple[F32, F32]:
    blurred = cv2.GaussianBlur(img, (5, 5), 1.0)
    scale = 1.0 / (float(blurred.mean()) + 10.0)
    gx = np.asarray(cv2.Sobel(blurred, cv2.CV_32F, 1, 0, ksize=3), np.float32) * scale
    gy = np.asarray(cv2.Sobel(blurred, cv2.CV_32F, 0, 1, ksize=3), np.float32) * scale
    return gx, gy


def structure_similarity(current: F32, reference: F32, shift: int = 0) -> float:
    """How alike two grey crops are in structure (1: the same, ~0: unrelated). ``reference`` is
    ``2 * shift`` pixels larger each way; the best alignment within ``shift`` counts."""
    return compare(current, reference, shift)[0]


def compare(current: F32, reference: F32, shift: int = 0) -> tuple[float, float]:
    """:func:`structure_similarity`, and how much structure the current crop has against the
    reference's (< 1: less: something that was there has gone, nothing new came)."""
    h, w = current.shape[:2]
    if reference.shape[:2] != (h + 2 * shift, w + 2 * shift):
        raise ValueError(f"reference {reference.shape} must be the crop {current.shape} plus {shift} a side")
    cx, cy = _structure(current)
    rx, ry = _structure(reference)
    cur2 = float((cx * cx + cy * cy).sum())
    c = GRADIENT_NOISE**2 * h * w
    best, ratio = -1.0, 1.0
    for dy in range(2 * shift + 1):
        for dx in range(2 * shift + 1):
            ax, ay = rx[dy : dy + h, dx : dx + w], ry[dy : dy + h, dx : dx + w]
            cross = float((cx * ax + cy * ay).sum())
            ref2 = float((ax * ax + ay * ay).sum())
            sim = (2.0 * cross + c) / (cur2 + ref2 + c)
            if sim > best:
                best, ratio = sim, (cur2 + c) / (ref2 + c)
    return best, ratio


SIGNATURE = 32  # side of the thumbnail learnt furniture is recognised by (plus the shift each side)


def signature_of(prepared: F32, box: npt.ArrayLike, width: int, height: int, shift: int) -> F32 | None:
    """What a box (pixels of a ``width`` × ``height`` frame) looks like, to tell later whether the
    object there is still the same (:func:`looks_alike`): its region, widened as
    :meth:`SceneReference.matches` widens it, as a ``SIGNATURE`` square, plus ``shift`` pixels of
    surroundings each side. None when the box is too small to say anything."""
    h, w = prepared.shape
    b = np.asarray(box, np.float64)
    x1, y1, x2, y2 = b[0] * w / width, b[1] * h / height, b[2] * w / width, b[3] * h / height
    mx, my = 0.15 * (x2 - x1) + 2, 0.15 * (y2 - y1) + 2
    x1, y1, x2, y2 = x1 - mx, y1 - my, x2 + mx, y2 + my
    if x2 - x1 < 6 or y2 - y1 < 6:
        return None
    px, py = shift * (x2 - x1) / SIGNATURE, shift * (y2 - y1) / SIGNATURE
    c1, r1 = int(np.floor(x1 - px)), int(np.floor(y1 - py))
    c2, r2 = int(np.ceil(x2 + px)), int(np.ceil(y2 + py))
    crop = prepared[max(0, r1) : min(h, r2), max(0, c1) : min(w, c2)]
    if crop.shape[0] < 2 or crop.shape[1] < 2:
        return None
    # what lies outside the picture repeats its edge (the same box gives the same thumbnail)
    padded = cv2.copyMakeBorder(
        crop, max(0, -r1), max(0, r2 - h), max(0, -c1), max(0, c2 - w), cv2.BORDER_REPLICATE
    )
    side = SIGNATURE + 2 * shift
    return np.asarray(cv2.resize(padded, (side, side), interpolation=cv2.INTER_AREA), np.float32)


def looks_alike(current: F32, learnt: F32, shift: int, similarity: float) -> bool:
    """Whether two :func:`signature_of` thumbnails show the same object (structure, so light does
    not matter; within ``shift`` thumbnail pixels)."""
    if current.shape != learnt.shape or current.shape[0] <= 2 * shift:
        return False
    inner = current[shift : current.shape[0] - shift, shift : current.shape[1] - shift]
    return compare(inner, learnt, shift)[0] >= similarity


PATCH = 24  # side of the thumbnail an object is recognised by from one sample to the next


def patch_of(prepared: F32, box: npt.ArrayLike, width: int, height: int) -> F32 | None:
    """A box's region of a prepared picture (of a ``width`` × ``height`` frame) as a small square
    thumbnail; None when the box is too small to say anything."""
    h, w = prepared.shape
    b = np.asarray(box, np.float64)
    sx, sy = w / width, h / height
    c1, r1 = max(0, int(b[0] * sx)), max(0, int(b[1] * sy))
    c2, r2 = min(w, int(np.ceil(b[2] * sx))), min(h, int(np.ceil(b[3] * sy)))
    if c2 - c1 < 3 or r2 - r1 < 3:
        return None
    return np.asarray(
        cv2.resize(prepared[r1:r2, c1:c2], (PATCH, PATCH), interpolation=cv2.INTER_AREA), np.float32
    )


def zone_region(zone: Zone, width: int, height: int) -> tuple[int, int, int, int]:
    """The part of the picture a zone's reference covers: its bounding box, widened by a tenth of
    the picture each side and raised by half its height (at least a quarter of the picture)."""
    xs = [p[0] for p in zone.polygon]
    ys = [p[1] for p in zone.polygon]
    x1, x2, y1, y2 = min(xs) - 0.1, max(xs) + 0.1, min(ys), max(ys)
    y1 -= max(0.5 * (y2 - y1), 0.25)
    return (
        max(0, int(x1 * width)),
        max(0, int(y1 * height)),
        min(width, int(np.ceil(x2 * width))),
        min(height, int(np.ceil(y2 * height))),
    )


class SceneReference:
    """The clean picture of one view's no-vending zones (see the module's docstring)."""

    def __init__(self, zones: Sequence[Zone], params: AppearanceParams | None = None) -> None:
        self.zones = tuple(zones)
        self.params = params or AppearanceParams()
        self._ref: F32 | None = None
        self._size: tuple[int, int] | None = None  # frame size (width, height) it was taken from
        self._taken: set[str] = set()
        self.confirmed: set[str] = set()
        self.changes = 0  # counts changes worth a checkpoint
        self._refreshed_at: float | None = None
        self._sent_at: float | None = None
        self._pending: list[F32] = []  # pictures of a reference being taken …
        self._pending_zones: set[str] | None = None  # … for these zones
        self._pending_confirmed = False
        self._pending_size: tuple[int, int] | None = None
        self._pending_at: float | None = None
        self._provisional: set[str] = set()  # zones judged by a provisional reference (see the docstring)
        self._base: F32 | None = None  # the first picture of a reference being taken …
        self._held: npt.NDArray[np.bool_] | None = None  # … kept where something new was found
        self._first_boxes: Detections | None = None  # what was boxed in the first picture (frame pixels)

    def has(self, zone_id: str) -> bool:
        """Whether the zone has a reference to judge by (provisional or not)."""
        return zone_id in self._taken or zone_id in self._provisional

    def pending(self, zone_id: str) -> bool:
        """Whether the zone has nothing to judge by yet (what is new there is not known)."""
        return not self.has(zone_id) and zone_id in (self._pending_zones or set())

    def provisional(self, zone_id: str) -> bool:
        """Whether the zone judges by a provisional reference (its first is still being taken)."""
        return zone_id in self._provisional and zone_id not in self._taken

    def missing(self) -> list[str]:
        """Zones without a reference, none being taken either."""
        pending = self._pending_zones or set()
        return [z.id for z in self.zones if z.id not in self._taken and z.id not in pending]

    def prepare(self, frame: Frame) -> F32:
        return grey(frame, self.params.width)

    def take(self, zone_ids: Iterable[str] | None = None, confirmed: bool = False) -> None:
        """The next ``reference_checks`` pictures show these zones (all by default) clean: their
        per-pixel median is the zones' reference from then on (passers-by drop out of it)."""
        ids = {z.id for z in self.zones} if zone_ids is None else set(zone_ids)
        if self._pending_zones is not None:
            ids |= self._pending_zones
            confirmed = confirmed or self._pending_confirmed
        self._pending_zones, self._pending_confirmed = ids, confirmed
        self._pending.clear()
        # zones already judged provisionally go on from their provisional picture (what was held stays)
        keep = bool(self._provisional - self._taken) and self._ref is not None
        self._base = self._ref.copy() if keep and self._ref is not None else None
        if not keep:
            self._held = None

    def hold(self, boxes: Detections, width: int, height: int) -> None:
        """These boxes (pixels of a ``width`` × ``height`` frame) counted as new in a zone judged
        provisionally: until its reference is ready their places keep the first picture's look."""
        if self._base is None or self._held is None or self._pending_size != (width, height):
            return
        h, w = self._held.shape
        sx, sy = w / width, h / height
        for b in boxes:
            # as widened as :meth:`matches` looks at it, and a little more (the box wobbles)
            mx, my = 0.2 * (b[2] - b[0]) * sx + 4, 0.2 * (b[3] - b[1]) * sy + 4
            c1, r1 = max(0, int(b[0] * sx - mx)), max(0, int(b[1] * sy - my))
            c2, r2 = min(w, int(b[2] * sx + mx) + 1), min(h, int(b[3] * sy + my) + 1)
            self._held[r1:r2, c1:c2] = True

    def first_boxed(self, boxes: Detections, width: int, height: int) -> npt.NDArray[np.bool_]:
        """Per box: was it boxed in the first picture of a provisional reference? Then it was there
        when the zone was drawn (a board someone stood in front of then), not new, whatever the
        first picture shows."""
        first = self._first_boxes
        if first is None or not len(first) or not len(boxes) or self._pending_size != (width, height):
            return np.zeros(len(boxes), bool)
        return np.asarray((box_iou(boxes[:, :4], first[:, :4]) >= FIRST_IOU).any(axis=1), bool)

    def feed(self, prepared: F32, t: float, width: int, height: int, boxed: Detections | None = None) -> None:
        """A checked picture: one of those a reference being taken is made of; ``boxed``: what was
        boxed in it (in zones being taken)."""
        if self._pending_zones is None:
            return
        if (
            self._pending_at is not None
            and self._pending
            and t - self._pending_at < self.params.reference_spacing_s
        ):
            return
        self._pending_at = t
        if self._pending_size != (width, height) or (
            self._pending and self._pending[0].shape != prepared.shape
        ):
            self._pending.clear()
            self._base = self._held = None
        if self._base is None or self._base.shape != prepared.shape:
            self._base = prepared.copy()
            self._held = np.zeros(prepared.shape, bool)
            self._first_boxes = None if boxed is None else boxed.copy()
        self._pending.append(prepared.copy())
        self._pending_size = (width, height)
        n = self.params.reference_checks
        # the checks still to come stand in as the first picture: early on the provisional reference
        # is the first picture (a stall not boxed yet cannot take it over), at the end the median
        stack = self._pending + [self._base] * (n - len(self._pending))
        g = np.median(np.stack(stack), axis=0).astype(np.float32)
        if self._held is not None and self._held.any():
            g[self._held] = self._base[self._held]
        if len(self._pending) < n:
            first = {z for z in self._pending_zones if z not in self._taken}
            if first:
                self._apply(g, (width, height), first, False, provisional=True)
            return
        self._apply(g, (width, height), self._pending_zones, self._pending_confirmed)
        self._pending.clear()
        self._pending_zones = None
        self._base = self._held = self._first_boxes = None

    def _apply(
        self, g: F32, size: tuple[int, int], zone_ids: set[str], confirmed: bool, provisional: bool = False
    ) -> None:
        wanted = [z for z in self.zones if z.id in zone_ids]
        if self._ref is None or self._size != size or self._ref.shape != g.shape:
            self._ref, self._size = g.copy(), size
            self._taken.clear()
            self._provisional.clear()
            self.confirmed.clear()
        elif len(wanted) == len(self.zones):
            self._ref[...] = g
        else:
            h, w = g.shape
            for z in wanted:
                x1, y1, x2, y2 = zone_region(z, w, h)
                self._ref[y1:y2, x1:x2] = g[y1:y2, x1:x2]
        if provisional:
            self._provisional.update(z.id for z in wanted)
            self.changes += 1
            return
        self._taken.update(z.id for z in wanted)
        self._provisional.difference_update(z.id for z in wanted)
        if confirmed:
            self.confirmed.update(z.id for z in wanted)
        self.changes += 1

    def matches(self, prepared: F32, boxes: Detections, width: int, height: int) -> npt.NDArray[np.bool_]:
        """Per box (pixels of a ``width`` × ``height`` frame): does its region look like the
        reference (or like it with something gone)?"""
        out = np.zeros(len(boxes), bool)
        if self._ref is None or self._size != (width, height) or prepared.shape != self._ref.shape:
            return out
        h, w = prepared.shape
        sx, sy = w / width, h / height
        s = self.params.max_shift
        padded = np.asarray(cv2.copyMakeBorder(self._ref, s, s, s, s, cv2.BORDER_REPLICATE), np.float32)
        for i, b in enumerate(boxes):
            x1, y1, x2, y2 = b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy
            mx, my = 0.15 * (x2 - x1) + 2, 0.15 * (y2 - y1) + 2  # the outline against the ground
            c1, r1 = max(0, int(x1 - mx)), max(0, int(y1 - my))
            c2, r2 = min(w, int(np.ceil(x2 + mx))), min(h, int(np.ceil(y2 + my)))
            if c2 - c1 < 3 or r2 - r1 < 3:
                continue
            cur = prepared[r1:r2, c1:c2]
            ref = padded[r1 : r2 + 2 * s, c1 : c2 + 2 * s]
            sim, structure = compare(cur, ref, s)
            # A place that lost most of its structure shows what was there leaving (a car parked
            # while the reference was taken; a background model's "ghost" of it): nothing new.
            out[i] = sim >= self.params.match_similarity or structure < GONE_STRUCTURE
        return out

    def refresh(self, prepared: F32, t: float, busy: Detections, width: int, height: int) -> None:
        """Blend ``prepared`` in slowly outside the ``busy`` boxes (anything detected, widened)."""
        last, self._refreshed_at = self._refreshed_at, t
        if self._ref is None or last is None or prepared.shape != self._ref.shape or t <= last:
            return
        if self._size != (width, height):
            return
        rate = 1.0 - float(np.exp(-min(t - last, REFRESH_MAX_STEP_S) / self.params.refresh_s))
        h, w = prepared.shape
        weight = np.full((h, w), rate, np.float32)
        sx, sy = w / width, h / height
        for b in busy:
            mx, my = 0.2 * (b[2] - b[0]) * sx + 2, 0.2 * (b[3] - b[1]) * sy + 2
            c1, r1 = max(0, int(b[0] * sx - mx)), max(0, int(b[1] * sy - my))
            c2, r2 = min(w, int(b[2] * sx + mx) + 1), min(h, int(b[3] * sy + my) + 1)
            weight[r1:r2, c1:c2] = 0.0
        self._ref += weight * (prepared - self._ref)
        if self._sent_at is None:
            self._sent_at = t
        elif t - self._sent_at >= REFRESH_SEND_S:
            self._sent_at = t
            self.changes += 1

    def picture(self) -> npt.NDArray[Any] | None:
        """The reference as a grey uint8 image (None: not taken yet)."""
        return None if self._ref is None else np.clip(self._ref + 0.5, 0, 255).astype(np.uint8)

    def snapshot(self) -> ReferenceState | None:
        pic = self.picture()
        if pic is None or self._size is None:
            return None
        ok, enc = cv2.imencode(".jpg", pic, [cv2.IMWRITE_JPEG_QUALITY, 90])
        if not ok:
            return None
        taken = tuple(sorted(self._taken))
        provisional = tuple(sorted(self._provisional - self._taken))
        return ReferenceState(self._size, enc.tobytes(), taken, frozenset(self.confirmed), provisional)

    def restore(self, state: ReferenceState) -> bool:
        """Judge by ``state``'s picture again (for the zones this view still has); False: unusable."""
        img = cv2.imdecode(np.frombuffer(state.jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
        if img is None:
            return False
        ids = {z.id for z in self.zones}
        self._ref = np.asarray(img, np.float32)
        self._size = (int(state.size[0]), int(state.size[1]))
        self._taken = {z for z in state.zones if z in ids}
        self.confirmed = {z for z in state.confirmed if z in ids}
        self._provisional = {z for z in state.provisional if z in ids} - self._taken
        self._refreshed_at = None
        if self._provisional:  # their reference is taken afresh, from the provisional one on
            self._pending_zones, self._pending_confirmed = set(self._provisional), False
            self._pending.clear()
            self._pending_size, self._pending_at = self._size, None
            self._base, self._held = self._ref.copy(), np.zeros(self._ref.shape, bool)
        self.changes += 1
        return True
