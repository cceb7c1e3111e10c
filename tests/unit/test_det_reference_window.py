"""A newly drawn zone judges from its first check (vtest.avi, a pasted stall, a fake clock).

Its reference is the median of seven checks 30 s apart (three minutes); meanwhile it judges by a
provisional one. A stall pushed in 20 s after the zone was drawn raises at its dwell, not three
minutes later, and does not become part of the reference: its alert stays raised after the window.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.adapters.state_file import dumps, loads
from app.services.detection.saved_views import KINDS
from detectors.appearance import AppearanceParams
from detectors.pipeline import PipelineState
from detectors.types import Detections, HitState
from tests.unit.test_det_appearance import BOARD, STALL_BOX, FakeModel, after, iou, pipeline, run, street

DEFAULT = AppearanceParams()  # seven checks, 30 s apart
DWELL = 60.0  # test_det_appearance.QUICK


class LateModel(FakeModel):
    """A detector that boxes the stall only ``lag`` seconds after it came (a background model)."""

    def __init__(self, stall: Callable[[float], bool], since: float, lag: float) -> None:
        super().__init__(stall)
        self.since, self.lag = since, lag

    def detect(self, frame: np.ndarray, t: float | None = None) -> Detections:
        rows = super().detect(frame, t)
        return rows if t is not None and t >= self.since + self.lag else rows[:1]


def _raised_and_stays(model: FakeModel, stall: Callable[[float], bool], boxed_from: float) -> None:
    pipe = pipeline(model, look=DEFAULT)
    results = list(run(pipe, stall, 0.0, 500.0))
    hits = [h for r in results for h in r.hits]
    assert [h.state for h in hits] == [HitState.RAISED], "raised once, never cleared while it stands there"
    assert boxed_from + 0.8 * DWELL <= hits[0].t <= boxed_from + DWELL + 20.0  # its dwell, not 3 minutes on
    assert iou(hits[0].evidence.boxes, STALL_BOX)[0] > 0.9
    reference = pipe.vending.reference
    assert reference.has("pavement") and not reference.provisional("pavement")  # the window is over
    last = results[-1]
    assert not any(iou(np.array([f.box]), STALL_BOX)[0] > 0.5 for f in last.furniture), "not reference"
    assert any(iou(np.array([f.box]), list(BOARD))[0] > 0.9 for f in last.furniture)  # the board still is
    assert pipe.vending.state()[("pavement", "0501")].value == "raised"


def test_a_stall_arriving_while_the_reference_is_taken_raises_at_its_dwell_and_stays_raised() -> None:
    stall = after(20.0)
    _raised_and_stays(FakeModel(stall), stall, 20.0)


def test_a_stall_the_detector_boxes_a_minute_late_does_not_slip_into_the_reference() -> None:
    stall = after(20.0)
    _raised_and_stays(LateModel(stall, 20.0, 60.0), stall, 80.0)


def test_the_board_there_from_the_first_check_never_raises_during_or_after_the_window() -> None:
    never = after(1e9)
    pipe = pipeline(FakeModel(never), look=DEFAULT)
    results = list(run(pipe, never, 0.0, 400.0))
    assert not [h for r in results for h in r.hits]
    # from the second check on the board is reported as reference furniture (the provisional one)
    assert all(any(f.why == "reference" for f in r.furniture) for r in results[1:])


def test_a_worker_restarted_during_the_window_goes_on_from_the_provisional_reference() -> None:
    stall = after(20.0)
    pipe = pipeline(FakeModel(stall), look=DEFAULT)
    list(run(pipe, stall, 0.0, 50.0))
    assert pipe.vending.reference.provisional("pavement")
    _, state = loads(dumps(pipe.snapshot(), KINDS), KINDS)
    assert isinstance(state, PipelineState) and state.zone_reference is not None
    assert state.zone_reference.provisional == ("pavement",) and state.zone_reference.zones == ()
    fresh = pipeline(FakeModel(stall), look=DEFAULT)
    assert fresh.restore(state)
    hits = [h for r in run(fresh, stall, 50.0, 500.0) for h in r.hits]
    assert [h.state for h in hits] == [HitState.RAISED] and hits[0].t <= 50.0 + DWELL + 20.0
    assert fresh.vending.reference.has("pavement") and not fresh.vending.reference.provisional("pavement")


def test_a_board_someone_stood_in_front_of_at_the_first_check_does_not_raise() -> None:
    """The board is boxed at the first check, half hidden by a passer-by: the provisional reference
    (the first picture) shows the passer-by, yet the board was there from the start. Its place is
    not held to the first picture: the median drops the passer-by and the board is furniture."""
    never = after(1e9)
    pipe = pipeline(FakeModel(never), look=DEFAULT.model_copy(update={"reference_spacing_s": 10.0}))
    rng = np.random.default_rng(3)
    x1, y1, _, y2 = BOARD
    results = []
    for t in np.arange(0.0, 600.0, 10.0):
        f = street(float(t), never, rng)
        if t == 0.0:  # a passer-by in a dark coat in front of most of the board
            f[y1 - 15 : y2 + 10, x1 + 5 : x1 + 45] = (35, 30, 40)
        results.append(pipe.process(f, float(t)))
    assert not [h for r in results for h in r.hits]
    assert any(
        iou(np.array([f.box]), list(BOARD))[0] > 0.9 and f.why == "reference" for f in results[-1].furniture
    )
