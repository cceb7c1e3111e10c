"""Learnt furniture is known by its look as well as its place (vtest.avi, a fake clock).

A kiosk that stood in a zone for "days" is furniture. When it is taken away and a stall is set up
exactly where it stood, the stall counts at once (not after the kiosk is forgotten); the kiosk
itself, under other light and with the camera a couple of pixels off its preset, stays furniture.
A checkpoint from before signatures still loads, and its furniture takes the look of its next sighting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cv2
import numpy as np

from app.adapters.state_file import dumps, loads
from app.services.detection.saved_views import KINDS
from detectors.furniture import FurnitureState
from detectors.pipeline import FrameResult, PipelineState, ScenePipeline
from detectors.synth import paste
from detectors.types import HitState
from tests.unit.test_det_appearance import (
    ALPHA,
    LOOK,
    STALL,
    STALL_AT,
    FakeModel,
    pipeline,
    with_board,
)
from tests.unit.test_det_appearance import frames as clip

DAYS = LOOK.model_copy(update={"furniture_after_s": 600.0, "furniture_forget_s": 5000.0})
H, W = STALL.shape[:2]


def kiosk() -> np.ndarray:
    """A newspaper kiosk of the stall's size: a grey booth, a dark window with a counter, a roof."""
    k = np.full((H, W, 3), (150, 160, 165), np.uint8)
    cv2.rectangle(k, (0, 0), (W - 1, H // 6), (60, 90, 40), -1)
    cv2.rectangle(k, (W // 6, H // 4), (5 * W // 6, H // 2), (40, 40, 45), -1)
    cv2.line(k, (0, H // 2 + 3), (W - 1, H // 2 + 3), (230, 230, 230), 3)
    for x in range(W // 5, W, W // 5):
        cv2.line(k, (x, 2 * H // 3), (x, H - 1), (110, 115, 120), 2)
    return k


KIOSK = kiosk()


def scene(
    t: float, what: Callable[[float], str], rng: np.random.Generator, light: float = 1.0, shift: int = 0
) -> np.ndarray:
    f = with_board(clip()[int(t) % len(clip())])
    there = what(t)
    if there == "kiosk":
        f = paste(f, KIOSK, np.ones((H, W), np.float32), STALL_AT[0], STALL_AT[1], rng)
    elif there == "stall":
        f = paste(f, STALL, ALPHA, STALL_AT[0], STALL_AT[1], rng)
    if shift:
        f = np.roll(f, (shift, shift), axis=(0, 1))
    return np.asarray(np.clip(f.astype(np.float32) * light, 0, 255), np.uint8)


def run(
    pipe: ScenePipeline,
    what: Callable[[float], str],
    start: float,
    end: float,
    light: float = 1.0,
    shift: int = 0,
) -> Iterator[FrameResult]:
    rng = np.random.default_rng(5)
    t = start
    while t < end:
        yield pipe.process(scene(t, what, rng, light, shift), t)
        t += 10.0


def model(what: Callable[[float], str]) -> FakeModel:
    return FakeModel(lambda t: what(t) != "")  # the model boxes kiosk and stall alike, in the same place


def kiosk_learnt(what: Callable[[float], str]) -> ScenePipeline:
    pipe = pipeline(model(what), look=DAYS)
    hits = [(h.state, h.t) for r in run(pipe, what, 0.0, 1000.0) for h in r.hits]
    assert [s for s, _ in hits] == [HitState.RAISED, HitState.CLEARED]  # new at first, furniture after 600 s
    assert 660.0 <= hits[1][1] < 800.0
    return pipe


def test_a_stall_set_up_where_a_kiosk_was_taken_away_counts_at_once() -> None:
    what = lambda t: "kiosk" if 60.0 <= t < 1000.0 else ("stall" if t >= 1000.0 else "")  # noqa: E731
    pipe = kiosk_learnt(what)
    later = list(run(pipe, what, 1000.0, 1300.0))
    raised = [h for r in later for h in r.hits if h.state is HitState.RAISED]
    assert len(raised) == 1 and 1000.0 + 0.8 * 60.0 <= raised[0].t <= 1080.0  # its dwell, not 12 h on
    assert not any(f.why == "learnt" for r in later[1:] for f in r.furniture)


def test_the_kiosk_under_other_light_and_a_shifted_preset_stays_furniture() -> None:
    what = lambda t: "kiosk" if t >= 60.0 else ""  # noqa: E731
    pipe = kiosk_learnt(what)
    for light, shift in ((0.55, 0), (1.0, 2), (1.3, -2)):
        later = list(run(pipe, what, 1000.0, 1300.0, light, shift))
        assert not [h for r in later for h in r.hits], (light, shift)
        learnt = [any(f.why == "learnt" for f in r.furniture) for r in later]
        assert sum(learnt) >= 0.8 * len(learnt), (light, shift)  # passers-by in front now and then


def test_furniture_from_a_checkpoint_without_signatures_loads_and_takes_the_next_look() -> None:
    what = lambda t: "kiosk" if t >= 60.0 else ""  # noqa: E731
    pipe = kiosk_learnt(what)
    state = pipe.snapshot()
    assert state.furniture is not None and all(len(it.signature) > 0 for it in state.furniture.items)
    # as an older version wrote it: items without the signature field (the reader fills in its default)
    old_items = tuple(
        type(it)(it.zone_id, it.event, it.box, it.first_seen, it.last_seen, it.hits, it.checks, it.furniture)
        for it in state.furniture.items
    )
    old = PipelineState(
        state.geometry, state.rules, zone_reference=state.zone_reference, furniture=FurnitureState(old_items)
    )
    _, back = loads(dumps(old, KINDS), KINDS)
    assert isinstance(back, PipelineState) and back.furniture is not None
    assert all(it.signature == b"" for it in back.furniture.items)
    fresh = pipeline(model(what), look=DAYS)
    assert fresh.restore(back)
    later = list(run(fresh, what, 1000.0, 1200.0))  # the kiosk still there: furniture, by place as before
    assert not [h for r in later for h in r.hits]
    assert sum(any(f.why == "learnt" for f in r.furniture) for r in later) >= 0.8 * len(later)
    learnt = fresh.snapshot().furniture
    assert learnt is not None and any(it.furniture and len(it.signature) > 0 for it in learnt.items)
