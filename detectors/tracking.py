"""Which boxes in a zone are the object that stayed: the box an operator sees must be the object that
raised the alert, never a passer-by who happened to be in the zone at that sample.

:class:`ObjectTracks` follows the boxes that counted in one zone (for one event) from sample to
sample by IoU and by look (a small thumbnail of the box must resemble the object's last one:
passers-by taking turns on one spot are not one object). When the zone's rule raises,
:meth:`ObjectTracks.persistent` names the objects that were there through the dwell: those seen for
80 % of the dwell or more, in at least the rule's raise ratio of the samples since they appeared. A
zone's rule raises only when there is one. Without any (a restarted worker's tracks are young), the
most seen object stands for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detectors.appearance import F32, structure_similarity
from detectors.boxes import box_iou
from detectors.types import Detections, as_detections, empty_detections

MATCH_IOU = 0.3
SAME_LOOK = 0.5  # thumbnails at least this alike (structure) are the same object …
SAME_PLACE_IOU = 0.7  # … and boxes overlapping this much are, whatever the look (someone in front)
Look = Callable[[npt.NDArray[np.float32]], F32 | None]  # a box's thumbnail in this sample's picture


@dataclass
class _Object:
    box: Detections  # (1, 6): the latest box
    first_seen: float
    last_seen: float
    hits: int = 1
    samples: int = 1
    patch: F32 | None = None  # how it looked when last seen
    resumed: bool = False  # seeded by a restarted worker: when it was last seen is not known


class ObjectTracks:
    def __init__(
        self, lost_s: float, share: float = 0.5, min_age_s: float = 0.0, fresh_after_s: float | None = None
    ) -> None:
        self.lost_s = lost_s
        # unseen longer than this (hidden, or its place suppressed until an operator took that back),
        # an object seen again starts its stay afresh: its old misses must not keep it from staying
        self.fresh_after_s = fresh_after_s
        self.min_age_s = min_age_s  # how long an object must have been there to have stayed
        self.share = share  # of the samples since it appeared an object must be seen in to have stayed
        self._objects: list[_Object] = []

    def clear(self) -> None:
        self._objects.clear()

    def seed(self, boxes: Detections, t: float) -> None:
        """Objects known to have been there since ``t`` (a resumed dwell's last boxes)."""
        for row in as_detections(boxes):
            self._objects.append(_Object(row[None, :].copy(), t, t, resumed=True))

    def update(self, t: float, boxes: Detections, look: Look | None = None) -> None:
        """One sample's boxes; ``look`` gives this picture's thumbnail of any box: a box is an
        object seen before only where it overlaps it *and* the object's place still looks as the
        object did (passers-by taking turns on one spot do not; a stall whose box grows does), or the
        box is nearly where the object's was (a vendor moving in front of the stall)."""
        objs = self._objects
        now: dict[int, F32 | None] = {}
        matched: set[int] = set()
        taken: set[int] = set()
        if len(boxes) and objs:
            iou = box_iou(boxes[:, :4], np.concatenate([o.box for o in objs])[:, :4])
            for flat in np.argsort(-iou, axis=None):
                i, j = divmod(int(flat), len(objs))
                if iou[i, j] < MATCH_IOU:
                    break
                if i in matched or j in taken:
                    continue
                before = objs[j].patch
                if before is not None and look is not None and iou[i, j] < SAME_PLACE_IOU:
                    if j not in now:
                        now[j] = look(objs[j].box[0])
                    there = now[j]
                    if there is not None and structure_similarity(there, before) < SAME_LOOK:
                        continue
                matched.add(i)
                taken.add(j)
                fresh = self.fresh_after_s
                if fresh is not None and not objs[j].resumed and t - objs[j].last_seen > fresh:
                    objs[j].first_seen, objs[j].hits, objs[j].samples = t, 0, 0
                objs[j].resumed = False
                objs[j].box = boxes[i][None, :].copy()
                objs[j].last_seen = t
                objs[j].hits += 1
                objs[j].patch = look(boxes[i]) if look is not None else None
        for o in objs:
            o.samples += 1
        for i in range(len(boxes)):
            if i not in matched:
                patch = look(boxes[i]) if look is not None else None
                objs.append(_Object(boxes[i][None, :].copy(), t, t, patch=patch))
        self._objects = [o for o in objs if t - o.last_seen <= self.lost_s]

    def _stayed(self, t: float) -> list[_Object]:
        return [
            o
            for o in self._objects
            if t - o.first_seen >= self.min_age_s and o.hits >= self.share * o.samples
        ]

    def stayed(self, t: float) -> bool:
        """Whether some object has been there for ``min_age_s`` (in most samples since it came)."""
        return bool(self._stayed(t))

    def persistent(self, t: float) -> Detections:
        """The latest boxes of the objects that stayed through the run that began at ``run_start``."""
        if not self._objects:
            return empty_detections()
        stayed = self._stayed(t)
        if not stayed:
            stayed = [max(self._objects, key=lambda o: (o.hits, -o.first_seen))]
        return np.concatenate([o.box for o in stayed]).astype(np.float32)
