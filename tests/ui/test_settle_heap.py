"""Once the wall is up, what start-up built is out of the cyclic collector's sight (a full
collection would walk it all on the GUI thread), while what the app makes later is collected."""

from __future__ import annotations

import gc
import weakref

from app.ui.runner import settle_heap


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_start_up_objects_are_frozen_and_later_garbage_is_still_collected() -> None:
    tracked = len(gc.get_objects())
    try:
        settle_heap()
        assert gc.get_freeze_count() >= 0.9 * tracked
        assert len(gc.get_objects()) < 0.1 * tracked  # a full collection now walks only this
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle made after start-up: only the collector frees it
        gone = weakref.ref(a)
        del a, b
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()  # the rest of the test session collects as usual
