"""Plain types shared by every detector, zone and rule.

* Detections are ``(N, 6)`` float32 arrays ``[x1, y1, x2, y2, score, class]`` in *source pixel*
  coordinates of the frame they were computed on.
* Geometry that an admin draws (zones, bin ROIs, masks) is in *normalised* image coordinates
  (0..1, origin top-left), so that it survives a change of stream resolution (sub vs main stream).
* Hits and their evidence are small frozen dataclasses: what the scheduler turns into alerts.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, runtime_checkable

import numpy as np
import numpy.typing as npt

Detections: TypeAlias = npt.NDArray[np.float32]
"""``(N, 6)`` float32: x1, y1, x2, y2 (source pixels), score (0..1), class id (as float)."""

Frame: TypeAlias = npt.NDArray[Any]
"""An image as OpenCV gives it: ``(H, W, 3)`` BGR or ``(H, W)`` grey, uint8."""

Image: TypeAlias = npt.NDArray[Any]
"""Any image or mask inside the detectors (what OpenCV's typed API returns)."""

Point: TypeAlias = tuple[float, float]

DET_COLUMNS = 6


def empty_detections() -> Detections:
    return np.zeros((0, DET_COLUMNS), np.float32)


def as_detections(array: npt.ArrayLike) -> Detections:
    """Validate and convert anything array-like to the ``(N, 6)`` float32 contract."""
    out = np.asarray(array, dtype=np.float32)
    if out.size == 0:
        return empty_detections()
    if out.ndim != 2 or out.shape[1] != DET_COLUMNS:
        raise ValueError(f"detections must be (N, 6) [x1, y1, x2, y2, score, class], got shape {out.shape}")
    return np.ascontiguousarray(out)


@runtime_checkable
class Detector(Protocol):
    """What every backend plugin returns from ``registry.load``.

    ``detect`` takes one frame (BGR uint8) and returns ``(N, 6)`` float32 detections in that frame's
    pixel coordinates. ``class_names`` maps class ids to names (for the class → event mapping).
    ``t`` is the frame's capture time in seconds (monotonic or epoch); stateful detectors
    (background models) use it to adapt at a rate set in seconds, whatever the sampling rate.
    """

    @property
    def class_names(self) -> Mapping[int, str]: ...

    def detect(self, frame: Frame, t: float | None = None) -> Detections: ...

    def close(self) -> None: ...


@runtime_checkable
class Resumable(Protocol):
    """A stateful detector whose learnt state can be taken out and put back, so that a restarted
    detection worker resumes instead of learning the scene again. ``snapshot`` returns plain,
    picklable values (None: nothing learnt yet); ``restore`` returns False when the state does not
    fit (another plugin version, another picture size) and leaves the detector fresh then."""

    def snapshot(self) -> object | None: ...

    def restore(self, state: object) -> bool: ...


# --- geometry ------------------------------------------------------------------------------------


def _check_point(p: Sequence[float], what: str) -> Point:
    if len(p) != 2:
        raise ValueError(f"{what}: a point needs two coordinates, got {tuple(p)!r}")
    x, y = float(p[0]), float(p[1])
    if not (math.isfinite(x) and math.isfinite(y)) or not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise ValueError(f"{what}: point {(x, y)!r} is outside the normalised image (0..1)")
    return (x, y)


def _polygon(points: Iterable[Sequence[float]], what: str) -> tuple[Point, ...]:
    pts = tuple(_check_point(p, what) for p in points)
    if len(pts) < 3:
        raise ValueError(f"{what}: a polygon needs at least 3 points, got {len(pts)}")
    return pts


def polygon_area(points: Sequence[Point]) -> float:
    """Area of a polygon (shoelace), in the units of its coordinates."""
    a = 0.0
    for (x1, y1), (x2, y2) in zip(points, (*points[1:], points[0]), strict=True):
        a += x1 * y2 - x2 * y1
    return abs(a) / 2.0


class ZoneKind(enum.StrEnum):
    NO_VENDING = "no_vending"  # 禁止占道经营区: stalls, carts, goods must not stay here
    WATCH = "watch"  # any other drawn area a rule may refer to


@dataclass(frozen=True, slots=True)
class Zone:
    """A polygon drawn on one (camera, preset) view, in normalised coordinates."""

    id: str
    polygon: tuple[Point, ...]
    kind: ZoneKind = ZoneKind.NO_VENDING
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "polygon", _polygon(self.polygon, f"zone {self.id!r}"))
        object.__setattr__(self, "kind", ZoneKind(self.kind))


@dataclass(frozen=True, slots=True)
class Mask:
    """An area to ignore (burned-in timestamp, OSD text, a flag that always moves, a private window)."""

    polygon: tuple[Point, ...]
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "polygon", _polygon(self.polygon, f"mask {self.name!r}"))


@dataclass(frozen=True, slots=True)
class BinRoi:
    """One litter bin on one (camera, preset) view.

    ``box`` is the bin body (x1, y1, x2, y2), normalised. ``overflow_line`` is the normalised image
    y of the line drawn a little above the rim: anything new above it (inside the column above the
    bin) means the bin overflows. ``above`` is how far above the overflow line to look, and
    ``base_margin`` how far around the bin's foot to look for bags dumped beside it, both as
    fractions of the bin's height and width.
    """

    id: str
    box: tuple[float, float, float, float]
    overflow_line: float | None = None
    above: float = 0.6
    base_margin: float = 0.6
    name: str = ""

    def __post_init__(self) -> None:
        x1, y1 = _check_point(self.box[:2], f"bin {self.id!r}")
        x2, y2 = _check_point(self.box[2:], f"bin {self.id!r}")
        if not (x2 > x1 and y2 > y1):
            raise ValueError(f"bin {self.id!r}: box {self.box!r} must have x2 > x1 and y2 > y1")
        object.__setattr__(self, "box", (x1, y1, x2, y2))
        line = y1 if self.overflow_line is None else float(self.overflow_line)
        if not (0.0 <= line <= y2):
            raise ValueError(f"bin {self.id!r}: overflow_line {line} must lie above the bin's foot ({y2})")
        object.__setattr__(self, "overflow_line", line)
        if not (0.0 < self.above <= 3.0 and 0.0 <= self.base_margin <= 3.0):
            raise ValueError(f"bin {self.id!r}: above must be in (0, 3], base_margin in [0, 3]")

    @property
    def line(self) -> float:
        assert self.overflow_line is not None  # set in __post_init__
        return self.overflow_line


@dataclass(frozen=True, slots=True)
class Suppression:
    """A place where a zone's rule no longer counts one event: an operator dismissed what stood
    there as a fixed object (固定设施) or a false detection (误检).

    ``box`` is the dismissed detection, normalised (x1, y1, x2, y2); a new detection of the same
    ``label`` (the event code the rule maps the class to) in zone ``zone_id`` is dropped when it
    overlaps ``box`` by IoU ≥ ``min_iou``: the same thing in the same place. Something bigger or
    elsewhere in the zone (a stall set up beside the sign board) still counts.
    """

    id: str
    preset: str | None
    zone_id: str
    label: str
    box: tuple[float, float, float, float]
    min_iou: float = 0.5

    def __post_init__(self) -> None:
        x1, y1 = _check_point(self.box[:2], f"suppression {self.id!r}")
        x2, y2 = _check_point(self.box[2:], f"suppression {self.id!r}")
        if not (x2 > x1 and y2 > y1):
            raise ValueError(f"suppression {self.id!r}: box {self.box!r} must have x2 > x1 and y2 > y1")
        object.__setattr__(self, "box", (x1, y1, x2, y2))
        if not 0.0 < self.min_iou <= 1.0:
            raise ValueError(f"suppression {self.id!r}: min_iou must be in (0, 1]")


@dataclass(frozen=True, slots=True)
class SceneGeometry:
    """Everything drawn for one camera at one preset (a zone for preset 1 is wrong at preset 2)."""

    camera_id: str
    preset: str | None = None
    zones: tuple[Zone, ...] = ()
    bins: tuple[BinRoi, ...] = ()
    masks: tuple[Mask, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "zones", tuple(self.zones))
        object.__setattr__(self, "bins", tuple(self.bins))
        object.__setattr__(self, "masks", tuple(self.masks))
        ids = [z.id for z in self.zones] + [b.id for b in self.bins]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"camera {self.camera_id!r} preset {self.preset!r}: duplicate ids {sorted(dup)}")

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.camera_id, self.preset)


# --- hits and evidence ---------------------------------------------------------------------------


class HitState(enum.StrEnum):
    RAISED = "raised"  # the rule confirmed the condition: raise an alert
    CLEARED = "cleared"  # the condition went away (the vendor left, the bin was emptied)


@dataclass(frozen=True, slots=True, eq=False)
class Evidence:
    """What an operator needs to confirm or dismiss a hit.

    ``frame`` is the frame the decision was taken on (BGR uint8, as given; the rule keeps a
    reference, not a copy: the scheduler must hand it frames it no longer writes to). ``boxes`` are
    the detections that counted, in that frame's pixels. ``scores`` holds the rule's numbers (hit
    ratio, dwell seconds, change fractions, classifier probability, …).
    """

    frame: Frame | None
    boxes: Detections
    zone_id: str
    rule: str
    scores: Mapping[str, float] = field(default_factory=dict)
    t: float = 0.0


@dataclass(frozen=True, slots=True, eq=False)
class Hit:
    """One rule decision for one zone or bin: raised (alert) or cleared."""

    rule: str  # "vending" | "bin_overflow" | a plugin's rule name
    event: str  # the configured event code, e.g. "0501", "0504", "0102"
    state: HitState
    camera_id: str
    preset: str | None
    zone_id: str
    t: float
    score: float
    evidence: Evidence

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly view without the frame (for logs and the alert store)."""
        return {
            "rule": self.rule,
            "event": self.event,
            "state": self.state.value,
            "camera_id": self.camera_id,
            "preset": self.preset,
            "zone_id": self.zone_id,
            "t": self.t,
            "score": round(self.score, 4),
            "boxes": self.evidence.boxes.round(1).tolist(),
            "scores": {k: round(float(v), 4) for k, v in self.evidence.scores.items()},
        }
