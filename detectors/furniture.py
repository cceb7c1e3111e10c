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

Place alone is not enough: a stall set up exactly where a kiosk was taken away would count as the
kiosk until the kiosk is forgotten. Each item keeps a *signature* of how it looks
(:func:`~detectors.appearance.signature_of`: structure, not grey levels, so a cloud or the evening
changes nothing), and a box in its place is that furniture only if it also looks like it. The
signature follows the item's latest sightings (slow changes of light and season); an item read
from an old checkpoint without one takes the look of its next sighting.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detectors.appearance import F32, AppearanceParams, looks_alike
from detectors.boxes import box_iou

MATCH_IOU = 0.5
MIN_CHECKS = 20  # checks a candidate is kept at least, whatever its presence so far
MAX_PER_ZONE = 64  # candidates kept per zone and event (the least seen go first)
LOOK_FOLLOW = 0.1  # share of each sighting's look a furniture item's signature takes on
# as alike as this is the same furniture: on vtest a kiosk with passers-by in front scores ≥ 0.54, under
# other light or 2 px off ≥ 0.77, a stall in its place ≤ 0.33 (lower than a reference match: furniture
# has customers in front of it for minutes)
SAME_FURNITURE = 0.45


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
    signature: bytes = b""  # how it looks: a square grey thumbnail (uint8); empty: not known


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
    look: F32 | None = None  # its signature (see the module's docstring)


class FurnitureBook:
    def __init__(self, params: AppearanceParams | None = None) -> None:
        self.params = params or AppearanceParams()
        self._items: dict[tuple[str, str], list[_Item]] = {}

    def observe(
        self,
        zone_id: str,
        event: str,
        boxes: npt.NDArray[np.float64],
        t: float,
        looks: Sequence[F32 | None] | None = None,
    ) -> npt.NDArray[np.bool_]:
        """One check of the zone: ``boxes`` (normalised ``(N, 4)``) would count; ``looks``: their
        signatures in this check's picture. Returns, per box, whether it is furniture (and so does
        not count): in a furniture item's place, and looking like it."""
        p = self.params
        seen = list(looks) if looks is not None else [None] * len(boxes)
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
                look = seen[i]
                known = it.look
                if (
                    it.furniture
                    and known is not None
                    and look is not None
                    and not looks_alike(look, known, p.max_shift, SAME_FURNITURE)
                ):
                    continue  # something else in the furniture's place (a stall where a kiosk was)
                if look is not None:  # the look follows its sightings (light over the seasons)
                    same = known is not None and known.shape == look.shape
                    it.look = (
                        known + LOOK_FOLLOW * (look - known) if same and known is not None else look.copy()
                    )
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
                look = seen[i]
                items.append(
                    _Item(np.asarray(b, np.float64).copy(), t, t, look=None if look is None else look.copy())
                )
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
                out.append(FurnitureItem(zone, event, _box(it.box), *seen, it.furniture, _pack(it.look)))
        return FurnitureState(tuple(out))

    def restore(self, state: FurnitureState, zone_ids: Iterable[str]) -> None:
        """Follow ``state``'s objects again (those of zones this view still has)."""
        zones = set(zone_ids)
        self._items.clear()
        for it in state.items:
            if it.zone_id in zones:
                self._items.setdefault((it.zone_id, it.event), []).append(
                    _Item(
                        np.array(it.box),
                        it.first_seen,
                        it.last_seen,
                        it.hits,
                        it.checks,
                        it.furniture,
                        _unpack(it.signature),
                    )
                )


def _box(b: npt.NDArray[np.float64]) -> tuple[float, float, float, float]:
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _pack(look: F32 | None) -> bytes:
    return b"" if look is None else np.clip(look + 0.5, 0, 255).astype(np.uint8).tobytes()


def _unpack(data: bytes) -> F32 | None:
    """A signature back (None: none kept, as in checkpoints from before signatures)."""
    side = math.isqrt(len(data))
    if side < 3 or side * side != len(data):
        return None
    return np.frombuffer(data, np.uint8).reshape(side, side).astype(np.float32)
