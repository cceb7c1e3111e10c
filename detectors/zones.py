"""Zone geometry: normalised polygons → pixels, membership by a box's bottom-centre, masks.

A box is in a zone when the middle of its bottom edge (where an object stands on the ground) lies
inside the polygon: a tall stall whose umbrella overhangs the kerb but stands on the pavement is on
the pavement. Points exactly on an edge count as inside.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import cv2
import numpy as np
import numpy.typing as npt

from detectors.types import Detections, Frame, Mask, Point, Zone, as_detections


def to_pixels(points: Sequence[Point], width: int, height: int) -> npt.NDArray[np.float64]:
    """Normalised polygon → ``(K, 2)`` pixel coordinates for an image of ``width`` × ``height``."""
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    return pts * np.array([width, height], np.float64)


def bottom_centres(dets: Detections) -> npt.NDArray[np.float64]:
    """``(N, 2)`` bottom-centre points of ``(N, ≥4)`` boxes."""
    d = np.asarray(dets, np.float64).reshape(-1, dets.shape[1] if dets.ndim == 2 else 6)
    return np.stack([(d[:, 0] + d[:, 2]) / 2.0, d[:, 3]], axis=1)


def points_in_polygon(points: npt.ArrayLike, polygon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Vectorised even-odd test; points on an edge or a vertex count as inside."""
    p = np.asarray(points, np.float64).reshape(-1, 2)
    poly = np.asarray(polygon, np.float64).reshape(-1, 2)
    if len(p) == 0:
        return np.zeros(0, bool)
    x, y = p[:, 0:1], p[:, 1:2]
    x1, y1 = poly[:, 0][None, :], poly[:, 1][None, :]
    x2, y2 = np.roll(poly[:, 0], -1)[None, :], np.roll(poly[:, 1], -1)[None, :]
    # on an edge: collinear and within the segment's bounding box
    cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
    seg_len = np.hypot(x2 - x1, y2 - y1)
    on_line = np.abs(cross) <= 1e-9 * np.maximum(seg_len, 1.0)
    within = (
        (x >= np.minimum(x1, x2) - 1e-12)
        & (x <= np.maximum(x1, x2) + 1e-12)
        & (y >= np.minimum(y1, y2) - 1e-12)
        & (y <= np.maximum(y1, y2) + 1e-12)
    )
    on_edge = (on_line & within).any(axis=1)
    # ray casting to +x
    straddles = (y1 > y) != (y2 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
    crossings = (straddles & (x < x_cross)).sum(axis=1)
    inside: npt.NDArray[np.bool_] = on_edge | (crossings % 2 == 1)
    return inside


def in_zone(dets: Detections, zone: Zone, width: int, height: int) -> npt.NDArray[np.bool_]:
    """Boolean per detection: is its bottom-centre inside ``zone`` (on a ``width`` × ``height`` frame)?"""
    d = as_detections(dets)
    if len(d) == 0:
        return np.zeros(0, bool)
    return points_in_polygon(bottom_centres(d), to_pixels(zone.polygon, width, height))


def select_in_zone(dets: Detections, zone: Zone, width: int, height: int) -> Detections:
    d = as_detections(dets)
    return d[in_zone(d, zone, width, height)]


def select_classes(dets: Detections, classes: Iterable[int] | None) -> Detections:
    """Keep only the given class ids (``None`` keeps all)."""
    d = as_detections(dets)
    if classes is None:
        return d
    wanted = np.asarray(sorted(set(classes)), np.float32)
    return d[np.isin(d[:, 5], wanted)]


def mask_image(width: int, height: int, masks: Sequence[Mask]) -> npt.NDArray[np.uint8]:
    """A uint8 image, 255 where pixels are *valid* and 0 inside any mask (OSD, timestamp)."""
    valid = np.full((height, width), 255, np.uint8)
    for m in masks:
        poly = np.round(to_pixels(m.polygon, width, height)).astype(np.int32)
        cv2.fillPoly(valid, [poly], 0)
    return valid


def apply_masks(frame: Frame, masks: Sequence[Mask], fill: int = 0) -> Frame:
    """A copy of ``frame`` with masked areas painted ``fill`` (what motion and background models see)."""
    if not masks:
        return frame
    out = frame.copy()
    h, w = frame.shape[:2]
    for m in masks:
        poly = np.round(to_pixels(m.polygon, w, h)).astype(np.int32)
        cv2.fillPoly(out, [poly], (fill, fill, fill) if out.ndim == 3 else fill)
    return out


def drop_masked(dets: Detections, masks: Sequence[Mask], width: int, height: int) -> Detections:
    """Drop detections whose bottom-centre lies in a mask (a box on the timestamp is never an object)."""
    d = as_detections(dets)
    if len(d) == 0 or not masks:
        return d
    keep = np.ones(len(d), bool)
    pts = bottom_centres(d)
    for m in masks:
        keep &= ~points_in_polygon(pts, to_pixels(m.polygon, width, height))
    return d[keep]
