"""Scene furniture learnt from what stays for days.

What a zone's reference picture did not hold can still be furniture: a kiosk set up after the
zone was drawn, a new bench, a sign board the model boxes day and night. :class:`FurnitureBook`
follows each box a zone's rule would count (per zone and event code, matched by IoU, in
normalised coordinates so that a change of stream resolution keeps it): an object seen in at
least ``furniture_presence`` of the zone's checks since it appeared, for ``furniture_after_s``
(48 h by default: a vendor comes for a market day or the evenings of a week, a kiosk is there day
and night), becomes furniture and stops counting. A vendor who comes every day from 8 to 20 is
present in half the checks at most: never furniture. Furniture not seen for
``furniture_forget_s`` is forgotten (it was taken away); a candidate that falls below the
presence share is dropped at once (it was a passer-by, or a vendor).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detectors.appearance import AppearanceParams
from detectors.boxes import box_iou

MATCH_IOU = 0.5
MIN_CHECKS = 20  # checks a candidate is kept at least, whatever its presence so far
MAX_PER_ZONE = 64  # candidates kept per zone and event (the least seen go first)


@dataclass(frozen=True)
class FurnitureItem:
    """One followed object as plain values (it crosses processes in a checkpoint)."""

    zone_id: str
    event: str
    box: tuple[float, float, float, float]  # normalised x1, y1, x2, y2
    first_seen: float
    last_seen: float
    hits: int
    checks: int
    furniture: bool


@dataclass(frozen=True)
class FurnitureState:
    items: tuple[FurnitureItem, ...] = ()


@dataclass
class _Item:
    box: npt.NDArray[np.float64]
    first_seen: float
    last_seen: float
    hits: int = 1
    checks: int = 1
    furniture: bool = False


class FurnitureBook:
    def __init__(self, params: AppearanceParams | None = None) -> None:
        self.params = params or AppearanceParams()
        self._items: dict[tuple[str, str], list[_Item]] = {}

    def observe(
        self, zone_id: str, event: str, boxes: npt.NDArray[np.float64], t: float
    ) -> npt.NDArray[np.bool_]:
        """One check of the zone: ``boxes`` (normalised ``(N, 4)``) would count. Returns, per box,
        whether it is furniture (and so does not count)."""
        p = self.params
        items = self._items.setdefault((zone_id, event), [])
        out = np.zeros(len(boxes), bool)
        matched: set[int] = set()
        taken: set[int] = set()
        if len(boxes) and items:
            iou = box_iou(np.asarray(boxes, np.float64), np.array([it.box for it in items], np.float64))
            for flat in np.argsort(-iou, axis=None):
                i, j = divmod(int(flat), len(items))
                if iou[i, j] < MATCH_IOU:
                    break
                if i in matched or j in taken:
                    continue
                it = items[j]
                matched.add(i)
                taken.add(j)
                it.box = 0.9 * it.box + 0.1 * np.asarray(boxes[i], np.float64)
                it.hits += 1
                it.last_seen = t
                out[i] = it.furniture
        for it in items:
            it.checks += 1
        for i, b in enumerate(boxes):
            if i not in matched:
                items.append(_Item(np.asarray(b, np.float64).copy(), t, t))
        kept: list[_Item] = []
        for it in items:
            share = it.hits / max(1, it.checks)
            if it.furniture:
                if t - it.last_seen <= p.furniture_forget_s:
                    kept.append(it)
                continue
            if it.checks >= MIN_CHECKS and share < p.furniture_presence:
                continue  # a passer-by, a vendor: not there in most checks
            if t - it.first_seen >= p.furniture_after_s and share >= p.furniture_presence:
                it.furniture = True
            kept.append(it)
        if len(kept) > MAX_PER_ZONE:
            kept.sort(key=lambda it: (it.furniture, it.hits), reverse=True)
            del kept[MAX_PER_ZONE:]
        items[:] = kept
        return out

    def furniture(self) -> list[tuple[str, str, tuple[float, float, float, float]]]:
        """(zone, event, normalised box) of every object learnt as furniture."""
        return [
            (zone_id, event, _box(it.box))
            for (zone_id, event), items in self._items.items()
            for it in items
            if it.furniture
        ]

    def snapshot(self) -> FurnitureState:
        out: list[FurnitureItem] = []
        for (zone, event), items in self._items.items():
            for it in items:
                seen = (it.first_seen, it.last_seen, it.hits, it.checks)
                out.append(FurnitureItem(zone, event, _box(it.box), *seen, it.furniture))
        return FurnitureState(tuple(out))

    def restore(self, state: FurnitureState, zone_ids: Iterable[str]) -> None:
        """Follow ``state``'s objects again (those of zones this view still has)."""
        zones = set(zone_ids)
        self._items.clear()
        for it in state.items:
            if it.zone_id in zones:
                self._items.setdefault((it.zone_id, it.event), []).append(
                    _Item(np.array(it.box), it.first_seen, it.last_seen, it.hits, it.checks, it.furniture)
                )


def _box(b: npt.NDArray[np.float64]) -> tuple[float, float, float, float]:
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
