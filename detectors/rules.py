"""Rules: turn per-frame detections into hits that persist (dwell, hit ratio, hysteresis, cooldown).

Pure: no clocks, no I/O. Every call passes the sample time ``t`` (seconds; monotonic or epoch, as
long as one camera's samples use one clock), so tests drive them with a fake clock.

:class:`Persistence` is the state machine both rules share, per zone (or bin) and event:

* a *run* starts with the first hit and lasts while the hit ratio over ``clear_window_s`` stays at
  or above ``clear_ratio``;
* the rule **raises** once the run is ``dwell_s`` old and the hit ratio over the last ``window_s``
  (at most the run's age) is ≥ ``raise_ratio``, with at least ``min_samples`` samples;
* a raised rule **clears** when the hit ratio over ``clear_window_s`` drops below ``clear_ratio``;
* then it stays quiet for ``cooldown_s``;
* a gap of more than ``max_gap_s`` between samples (camera moved away from the preset, stream
  lost) forgets the history: the dwell starts again.

Defaults follow what control rooms report: alarms only after the target stays 3–5 minutes.

Every rule's state can be taken out as plain values (:meth:`VendingRule.snapshot`,
:class:`RuleState`) and put back into a new rule (:meth:`VendingRule.restore`): a detection
worker that crashed resumes each dwell where it was instead of starting it again.
"""

from __future__ import annotations

import enum
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

from detectors.appearance import AppearanceParams, SceneReference, patch_of, signature_of
from detectors.bins import bin_regions
from detectors.boxes import box_iou
from detectors.furniture import FurnitureBook
from detectors.tracking import ObjectTracks
from detectors.types import (
    BinRoi,
    Detections,
    Evidence,
    Frame,
    Hit,
    HitState,
    SceneGeometry,
    Suppression,
    Zone,
    ZoneKind,
    as_detections,
    empty_detections,
)
from detectors.zones import drop_masked, in_zone


class PersistenceParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dwell_s: float = Field(180.0, ge=0, description="the condition must hold this long before raising")
    window_s: float = Field(180.0, gt=0, description="window of the raise ratio (capped at the run's age)")
    raise_ratio: float = Field(0.6, gt=0, le=1, description="hits/samples needed to raise")
    clear_ratio: float = Field(0.15, ge=0, lt=1, description="below this hits/samples the run ends / clears")
    clear_window_s: float = Field(60.0, gt=0, description="window of the clear ratio")
    cooldown_s: float = Field(300.0, ge=0, description="quiet time after clearing")
    min_samples: int = Field(5, ge=1, description="samples needed in a window before deciding")
    max_gap_s: float = Field(120.0, gt=0, description="a longer gap between samples forgets the history")

    @model_validator(mode="after")
    def _hysteresis(self) -> PersistenceParams:
        if self.clear_ratio >= self.raise_ratio:
            raise ValueError("clear_ratio must be below raise_ratio (hysteresis)")
        return self


class Phase(enum.StrEnum):
    IDLE = "idle"
    RAISED = "raised"
    COOLDOWN = "cooldown"


@dataclass(frozen=True)
class PersistenceState:
    """A :class:`Persistence` as plain values (it crosses processes in a worker's checkpoint)."""

    phase: Phase
    run_start: float | None
    cooldown_until: float
    times: tuple[float, ...] = ()  # the samples in the windows (sample times) …
    hits: tuple[bool, ...] = ()  # … and whether each was a hit


@dataclass
class Decision:
    """What :meth:`Persistence.update` decided at one sample."""

    transition: HitState | None  # RAISED or CLEARED when the state changed at this sample, else None
    ratio: float  # hit ratio over the raise window (0 when no run)
    clear_ratio: float  # hit ratio over the clear window
    run_s: float  # age of the current run in seconds (0 when none)
    samples: int


class HitHistory:
    """Samples (time, hit) in time order with running hit counts: the hit ratio since any time costs
    a binary search, not a walk over the window (minutes of samples at a second apart)."""

    __slots__ = ("_base", "_cum", "_start", "_times")

    def __init__(self) -> None:
        self._times: list[float] = []
        self._cum: list[int] = []  # hits up to and including each sample
        self._start = 0  # samples before this index were dropped
        self._base = 0  # hits counted before the first kept sample

    def __len__(self) -> int:
        return len(self._times) - self._start

    @property
    def last_time(self) -> float | None:
        return self._times[-1] if len(self) else None

    def clear(self) -> None:
        self._times.clear()
        self._cum.clear()
        self._start = self._base = 0

    def append(self, t: float, hit: bool) -> None:
        self._cum.append((self._cum[-1] if self._cum else self._base) + hit)
        self._times.append(t)

    def drop_before(self, horizon: float) -> None:
        self._start = bisect_left(self._times, horizon, self._start)
        if self._start > 64 and 2 * self._start > len(self._times):  # compact now and then
            self._base = self._cum[self._start - 1]
            del self._times[: self._start], self._cum[: self._start]
            self._start = 0

    def samples(self) -> tuple[tuple[float, ...], tuple[bool, ...]]:
        """The kept samples: their times and whether each was a hit."""
        times = tuple(self._times[self._start :])
        cum = self._cum[self._start - 1 :] if self._start else [self._base, *self._cum]
        return times, tuple(b > a for a, b in pairwise(cum))

    def load(self, times: Sequence[float], hits: Sequence[bool]) -> None:
        """Replace the samples (times in order, as :meth:`samples` gives them)."""
        if len(times) != len(hits) or any(b < a for a, b in pairwise(times)):
            raise ValueError("samples must be (time, hit) pairs in time order")
        self.clear()
        for t, hit in zip(times, hits, strict=True):
            self.append(float(t), bool(hit))

    def ratio(self, since: float) -> tuple[float, int]:
        """Hits / samples over the samples at or after ``since``, and how many those are."""
        i = bisect_left(self._times, since, self._start)
        n = len(self._times) - i
        if n <= 0:
            return 0.0, 0
        before = self._cum[i - 1] if i > 0 else self._base
        return (self._cum[-1] - before) / n, n


@dataclass
class Persistence:
    """Hit-ratio state machine for one zone/bin and one event. Feed it one boolean per sample."""

    params: PersistenceParams = field(default_factory=PersistenceParams)
    phase: Phase = Phase.IDLE
    run_start: float | None = None
    cooldown_until: float = float("-inf")
    _samples: HitHistory = field(default_factory=HitHistory)

    def reset(self) -> None:
        """Forget the history (keeps a raised state raised; the next samples decide whether it clears)."""
        self._samples.clear()
        self.run_start = None

    def snapshot(self) -> PersistenceState:
        times, hits = self._samples.samples()
        return PersistenceState(self.phase, self.run_start, self.cooldown_until, times, hits)

    def restore(self, state: PersistenceState) -> None:
        """Continue from ``state``: the dwell, the hit ratios, a raised or cooling state."""
        self._samples.load(state.times, state.hits)
        self.phase = Phase(state.phase)
        self.run_start = state.run_start
        self.cooldown_until = state.cooldown_until

    def update(self, t: float, hit: bool, may_raise: bool = True) -> Decision:
        """One sample; ``may_raise`` False holds a raise back (no one object stayed through the dwell)."""
        p = self.params
        last = self._samples.last_time
        if last is not None and t - last > p.max_gap_s:
            self.reset()
        elif last is not None and t < last:
            raise ValueError(f"samples must come in time order ({t} after {last})")
        self._samples.append(t, bool(hit))
        self._samples.drop_before(t - max(p.window_s, p.clear_window_s, p.dwell_s) - 1e-9)

        clear_r, clear_n = self._samples.ratio(t - p.clear_window_s)
        if self.run_start is None:
            if hit:
                self.run_start = t
        else:
            # the run ends when its own recent samples (not the misses before it began) fall below clear_ratio
            run_r, run_n = self._samples.ratio(max(self.run_start, t - p.clear_window_s))
            if run_n >= p.min_samples and run_r < p.clear_ratio:
                self.run_start = t if hit else None
        run_s = 0.0 if self.run_start is None else t - self.run_start
        since = t - min(p.window_s, run_s) if self.run_start is not None else t
        ratio, n = self._samples.ratio(since) if self.run_start is not None else (0.0, 0)

        transition: HitState | None = None
        if self.phase is Phase.COOLDOWN and t >= self.cooldown_until:
            self.phase = Phase.IDLE
        if self.phase is Phase.IDLE:
            if (
                self.run_start is not None
                and run_s >= p.dwell_s
                and n >= p.min_samples
                and ratio >= p.raise_ratio
                and may_raise
            ):
                self.phase = Phase.RAISED
                transition = HitState.RAISED
        elif self.phase is Phase.RAISED and clear_n >= p.min_samples and clear_r < p.clear_ratio:
            self.phase = Phase.COOLDOWN
            self.cooldown_until = t + p.cooldown_s
            transition = HitState.CLEARED
        return Decision(transition, ratio, clear_r, run_s, n)


# --- street vending ---------------------------------------------------------------------------

RAISED_IOU = 0.3  # a box overlapping the raised object's this much is that object still there
BIN_GRID = 8  # points a side sampled in a box to measure how much of it lies on a bin's regions

DEFAULT_CLASS_EVENTS: Mapping[str, str] = {
    # model classes (names as trained) and the weight-free stationary detector → event codes
    "street_vendor": "0501",
    "stall": "0501",
    "cart": "0501",
    "tricycle": "0501",
    "umbrella": "0501",
    "stationary": "0501",
    "goods": "0504",
}


class VendingParams(BaseModel):
    """Street vending (占道经营): vending classes or stationary objects inside a no-vending zone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    class_events: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_CLASS_EVENTS),
        description="class name → event code; classes not listed never count (person, car, …)",
    )
    min_score: float = Field(0.3, ge=0, le=1, description="detections below this score never count")
    min_box_fraction: float = Field(
        0.0, ge=0, le=1, description="ignore boxes smaller than this (frame fraction)"
    )
    persistence: PersistenceParams = Field(default_factory=PersistenceParams)
    appearance: AppearanceParams = Field(default_factory=AppearanceParams)
    bin_overlap: float = Field(
        0.5, gt=0, le=1, description="a box this much on a drawn bin or its surroundings is the bin's"
    )


class BinParams(BaseModel):
    """Overflowing bin (垃圾满溢 / 暴露垃圾): per-bin overflow score above a threshold, persistently."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event: str = "0102"
    threshold: float = Field(0.5, ge=0, le=1, description="overflow score that counts as a hit")
    persistence: PersistenceParams = Field(
        default_factory=lambda: PersistenceParams(
            dwell_s=60.0, window_s=60.0, clear_window_s=60.0, cooldown_s=600.0
        )
    )


@dataclass(frozen=True)
class LabelledDetections:
    """One detector's output for one frame, with its class names (to map classes to events)."""

    boxes: Detections
    class_names: Mapping[int, str]

    def names(self) -> list[str]:
        return [self.class_names.get(int(c), str(int(c))) for c in self.boxes[:, 5]]


@dataclass(frozen=True)
class TrackState:
    """One zone's (or bin's) persistence for one event, and the boxes last seen there."""

    zone_id: str
    event: str
    persistence: PersistenceState
    last_boxes: tuple[tuple[float, ...], ...] = ()  # rows of (N, 6) detections


@dataclass(frozen=True)
class RuleState:
    """Everything a rule of one (camera, preset) view remembers, as plain values."""

    rule: str
    tracks: tuple[TrackState, ...] = ()


@dataclass
class _Track:
    persistence: Persistence
    objects: ObjectTracks
    last_boxes: Detections = field(default_factory=empty_detections)  # the object that raised, once raised


@dataclass(frozen=True)
class Furniture:
    """A box a zone's rule did not count at one sample: ``why`` "reference" (it looks as in the zone's
    clean picture) or "learnt" (it has been there for days)."""

    zone_id: str
    event: str
    box: tuple[float, float, float, float]  # pixels of the sample
    why: str


class VendingRule:
    """Per (camera, preset): one :class:`Persistence` per (no-vending zone, event code)."""

    name = "vending"

    def __init__(self, geometry: SceneGeometry, params: VendingParams | None = None) -> None:
        self.geometry = geometry
        self.params = params or VendingParams()
        self._tracks: dict[tuple[str, str], _Track] = {}
        self.events = sorted(set(self.params.class_events.values()))
        self._suppressions: tuple[Suppression, ...] = ()
        self.reference = SceneReference(self.zones, self.params.appearance)
        self.furniture = FurnitureBook(self.params.appearance)
        self.last_furniture: tuple[Furniture, ...] = ()  # what the latest sample did not count

    def set_suppressions(self, suppressions: Sequence[Suppression]) -> None:
        """The places dismissed at this view (those of other presets are ignored)."""
        self._suppressions = tuple(s for s in suppressions if s.preset == self.geometry.preset)

    @property
    def suppressions(self) -> tuple[Suppression, ...]:
        return self._suppressions

    def suppressed(self, boxes: Detections, zone_id: str, event: str, width: int, height: int) -> Detections:
        """``boxes`` without those an operator dismissed at this place (see :class:`Suppression`)."""
        mine = [s for s in self._suppressions if s.zone_id == zone_id and s.label == event]
        if not mine or len(boxes) == 0:
            return boxes
        scale = np.array([width, height, width, height], np.float64)
        regions = np.array([s.box for s in mine], np.float64) * scale
        iou = box_iou(boxes[:, :4], regions)
        needed = np.array([s.min_iou for s in mine], np.float64)
        return boxes[~(iou >= needed[None, :]).any(axis=1)]

    @property
    def zones(self) -> tuple[Zone, ...]:
        return tuple(z for z in self.geometry.zones if z.kind is ZoneKind.NO_VENDING)

    def reset(self) -> None:
        """The camera left the preset (or the stream dropped): every dwell starts again."""
        for tr in self._tracks.values():
            tr.persistence.reset()

    def _track(self, zone_id: str, event: str) -> _Track:
        key = (zone_id, event)
        if key not in self._tracks:
            p = self.params.persistence
            # an object stayed when it has been there for most of the dwell (its finding takes a while)
            objects = ObjectTracks(
                max(p.clear_window_s, p.max_gap_s), p.raise_ratio, 0.8 * p.dwell_s, p.clear_window_s
            )
            self._tracks[key] = _Track(Persistence(p), objects)
        return self._tracks[key]

    def _on_bins(self, boxes: Detections, width: int, height: int) -> npt.NDArray[np.bool_]:
        """Per box: is it mostly on a drawn bin or where its bags pile up (the regions the bin monitor
        watches: above the rim, the body, around the foot)? That is the bin's business, not vending."""
        out = np.zeros(len(boxes), bool)
        if not self.geometry.bins or len(boxes) == 0:
            return out
        rects = []
        for b in self.geometry.bins:
            r = bin_regions(b, width, height)
            rects += [r.above, r.body, r.base]
        grid = (np.arange(BIN_GRID) + 0.5) / BIN_GRID
        for i, (x1, y1, x2, y2) in enumerate(boxes[:, :4]):
            xs = (x1 + grid * (x2 - x1))[None, :]
            ys = (y1 + grid * (y2 - y1))[:, None]
            inside = np.zeros((BIN_GRID, BIN_GRID), bool)
            for rx1, ry1, rx2, ry2 in rects:
                inside |= (xs >= rx1) & (xs <= rx2) & (ys >= ry1) & (ys <= ry2)
            out[i] = inside.mean() >= self.params.bin_overlap
        return out

    def _new_only(
        self,
        zone_id: str,
        event: str,
        boxes: Detections,
        prepared: npt.NDArray[np.float32] | None,
        t: float,
        width: int,
        height: int,
        furniture: list[Furniture],
    ) -> Detections:
        """``boxes`` without what is scene furniture: what looks as in the zone's reference, and
        what has been there for days (see :mod:`detectors.appearance`, :mod:`detectors.furniture`)."""
        keep = np.ones(len(boxes), bool)
        if prepared is not None and len(boxes) and self.reference.has(zone_id):
            same = self.reference.matches(prepared, boxes, width, height)
            if self.reference.provisional(zone_id):
                same |= self.reference.first_boxed(boxes, width, height)
            for row in boxes[same]:
                furniture.append(Furniture(zone_id, event, _xyxy(row), "reference"))
            keep &= ~same
        scale = np.array([width, height, width, height], np.float64)
        shift = self.params.appearance.max_shift
        looks = None
        if prepared is not None:
            looks = [signature_of(prepared, row[:4], width, height, shift) for row in boxes[keep]]
        learnt = self.furniture.observe(zone_id, event, boxes[keep, :4] / scale, t, looks)
        for row in boxes[keep][learnt]:
            furniture.append(Furniture(zone_id, event, _xyxy(row), "learnt"))
        keep[np.flatnonzero(keep)[learnt]] = False
        return boxes[keep]

    def qualifying(
        self, detections: Sequence[LabelledDetections], width: int, height: int
    ) -> dict[str, Detections]:
        """Boxes that count, per event code (masks and score/size filters applied; zones not yet)."""
        per_event: dict[str, list[Detections]] = {}
        min_area = self.params.min_box_fraction * width * height
        for ld in detections:
            boxes = drop_masked(as_detections(ld.boxes), self.geometry.masks, width, height)
            if len(boxes) == 0:
                continue
            names = [ld.class_names.get(int(c), str(int(c))) for c in boxes[:, 5]]
            for i, name in enumerate(names):
                event = self.params.class_events.get(name)
                b = boxes[i]
                if event is None or b[4] < self.params.min_score:
                    continue
                if (b[2] - b[0]) * (b[3] - b[1]) < min_area:
                    continue
                per_event.setdefault(event, []).append(b[None, :])
        for rows in per_event.values():
            found = np.concatenate(rows)
            rows[:] = [found[~self._on_bins(found, width, height)]]
        return {e: np.concatenate(v).astype(np.float32) for e, v in per_event.items()}

    def update(
        self,
        t: float,
        frame: Frame | None,
        detections: Sequence[LabelledDetections],
        size: tuple[int, int] | None = None,
    ) -> list[Hit]:
        """One sample: ``detections`` of any detectors on one frame.

        ``size`` = (width, height) when no frame is kept as evidence."""
        if frame is not None:
            height, width = frame.shape[:2]
        elif size is not None:
            width, height = size
        else:
            raise ValueError("give the frame or its size")
        per_event = self.qualifying(detections, width, height)
        look = self.params.appearance.enabled and frame is not None
        prepared = self.reference.prepare(frame) if look and frame is not None else None
        hits: list[Hit] = []
        new_while_taken: list[Detections] = []  # what counted in zones judged provisionally
        boxed_first: list[Detections] = []  # what zones without a reference hold (their first check)
        furniture: list[Furniture] = []
        for zone in self.zones:
            for event in self.events:
                boxes = per_event.get(event, empty_detections())
                inside = boxes[in_zone(boxes, zone, width, height)] if len(boxes) else boxes
                inside = self.suppressed(inside, zone.id, event, width, height)
                if look and self.reference.pending(zone.id):
                    boxed_first.append(inside)
                    inside = empty_detections()  # its reference is being taken: what is new is not known yet
                inside = self._new_only(zone.id, event, inside, prepared, t, width, height, furniture)
                if look and len(inside) and self.reference.provisional(zone.id):
                    new_while_taken.append(inside)
                track = self._track(zone.id, event)
                thumb = None if prepared is None else partial(patch_of, prepared, width=width, height=height)
                track.objects.update(t, inside, thumb)
                # Raise only for one object that stayed, not for passers-by taking turns in the zone.
                stayed = track.objects.stayed(t)
                hit = len(inside) > 0
                if hit and track.persistence.phase is Phase.RAISED and len(track.last_boxes):
                    # raised: it clears when the object that raised it has gone, passers-by or not
                    hit = bool((box_iou(inside[:, :4], track.last_boxes[:, :4]) >= RAISED_IOU).any())
                d = track.persistence.update(t, hit, may_raise=stayed)
                if d.transition is HitState.RAISED or (
                    d.transition is None and track.persistence.phase is not Phase.RAISED and len(inside)
                ):
                    # raised: the object that stayed through the dwell (not a passer-by at this sample)
                    track.last_boxes = track.objects.persistent(t)
                if d.transition is None:
                    continue
                shown = track.last_boxes
                scores = {
                    "hit_ratio": d.ratio,
                    "clear_ratio": d.clear_ratio,
                    "dwell_s": d.run_s,
                    "samples": float(d.samples),
                    "max_box_score": float(shown[:, 4].max()) if len(shown) else 0.0,
                }
                hits.append(
                    Hit(
                        rule=self.name,
                        event=event,
                        state=d.transition,
                        camera_id=self.geometry.camera_id,
                        preset=self.geometry.preset,
                        zone_id=zone.id,
                        t=t,
                        score=d.ratio if d.transition is HitState.RAISED else d.clear_ratio,
                        evidence=Evidence(frame, shown, zone.id, self.name, scores, t),
                    )
                )
        self.last_furniture = tuple(furniture)
        if prepared is not None:
            # judged first, fed after: what counted as new now must not become the zone's reference
            for boxes in new_while_taken:
                self.reference.hold(boxes, width, height)
            first = np.concatenate(boxed_first) if boxed_first else empty_detections()
            self.reference.feed(prepared, t, width, height, first)
            busy = [as_detections(ld.boxes) for ld in detections if len(ld.boxes)]
            every = np.concatenate(busy) if busy else empty_detections()
            self.reference.refresh(prepared, t, every, width, height)
        return hits

    def state(self) -> dict[tuple[str, str], Phase]:
        return {k: tr.persistence.phase for k, tr in self._tracks.items()}

    def runs(self) -> dict[tuple[str, str], float | None]:
        """(zone, event) → when the current run (dwell) started, or None."""
        return {k: tr.persistence.run_start for k, tr in self._tracks.items()}

    def snapshot(self) -> RuleState:
        return RuleState(
            self.name,
            tuple(
                TrackState(zone_id, event, tr.persistence.snapshot(), _rows(tr.last_boxes))
                for (zone_id, event), tr in self._tracks.items()
            ),
        )

    def restore(self, state: RuleState) -> int:
        """Take over the tracks of zones and events this rule still has; returns how many."""
        zones = {z.id for z in self.zones}
        restored = 0
        for track in state.tracks if state.rule == self.name else ():
            if track.zone_id in zones and track.event in self.events:
                tr = self._track(track.zone_id, track.event)
                tr.persistence.restore(track.persistence)
                tr.last_boxes = as_detections(track.last_boxes)
                tr.objects.clear()
                # the boxes last shown stood there since the run began (the tracks themselves are not kept)
                times = track.persistence.times
                since = track.persistence.run_start
                if since is None and times:
                    since = times[0]
                if since is not None:
                    tr.objects.seed(tr.last_boxes, since)
                restored += 1
        return restored


class BinOverflowRule:
    """Per (camera, preset): one :class:`Persistence` per bin ROI, fed overflow scores (0..1)."""

    name = "bin_overflow"

    def __init__(self, geometry: SceneGeometry, params: BinParams | None = None) -> None:
        self.geometry = geometry
        self.params = params or BinParams()
        self._tracks: dict[str, Persistence] = {
            b.id: Persistence(self.params.persistence) for b in geometry.bins
        }

    def reset(self) -> None:
        for p in self._tracks.values():
            p.reset()

    def update(
        self,
        t: float,
        frame: Frame | None,
        scores: Mapping[str, float],
        details: Mapping[str, Mapping[str, float]] | None = None,
    ) -> list[Hit]:
        """``scores``: bin id → overflow score (see :class:`detectors.bins.BinMonitor`); absent bins skip."""
        hits: list[Hit] = []
        width, height = (frame.shape[1], frame.shape[0]) if frame is not None else (1, 1)
        for b in self.geometry.bins:
            if b.id not in scores:
                continue
            s = float(scores[b.id])
            d = self._tracks[b.id].update(t, s >= self.params.threshold)
            if d.transition is None:
                continue
            box = _bin_box(b, width, height, s)
            extra = dict(details.get(b.id, {})) if details else {}
            hits.append(
                Hit(
                    rule=self.name,
                    event=self.params.event,
                    state=d.transition,
                    camera_id=self.geometry.camera_id,
                    preset=self.geometry.preset,
                    zone_id=b.id,
                    t=t,
                    score=s,
                    evidence=Evidence(
                        frame, box, b.id, self.name,
                        {
                            "overflow_score": s,
                            "hit_ratio": d.ratio,
                            "clear_ratio": d.clear_ratio,
                            "dwell_s": d.run_s,
                            **extra,
                        },
                        t,
                    ),
                )
            )  # fmt: skip
        return hits

    def state(self) -> dict[str, Phase]:
        return {k: p.phase for k, p in self._tracks.items()}

    def snapshot(self) -> RuleState:
        event = self.params.event
        return RuleState(
            self.name, tuple(TrackState(k, event, p.snapshot()) for k, p in self._tracks.items())
        )

    def restore(self, state: RuleState) -> int:
        """Take over the tracks of bins this rule still has; returns how many."""
        restored = 0
        for track in state.tracks if state.rule == self.name else ():
            if track.zone_id in self._tracks and track.event == self.params.event:
                self._tracks[track.zone_id].restore(track.persistence)
                restored += 1
        return restored


def _xyxy(row: npt.NDArray[np.float32]) -> tuple[float, float, float, float]:
    return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))


def _rows(boxes: Detections) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in boxes)


def _bin_box(b: BinRoi, width: int, height: int, score: float) -> Detections:
    x1, y1, x2, y2 = b.box
    return as_detections([[x1 * width, y1 * height, x2 * width, y2 * height, score, 0.0]])
