"""Rules with a fake clock: dwell, hit-ratio hysteresis, cooldown; walkers never fire."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from detectors.rules import (
    BinOverflowRule,
    BinParams,
    HitHistory,
    LabelledDetections,
    Persistence,
    PersistenceParams,
    Phase,
    VendingParams,
    VendingRule,
)
from detectors.types import BinRoi, Hit, HitState, SceneGeometry, Zone

PAVEMENT = Zone("pavement", ((0.0, 0.5), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0)))
W, H = 640, 360
NAMES = {0: "person", 1: "stall", 2: "goods", 3: "car"}
STALL_IN_ZONE = [200, 150, 300, 300, 0.8, 1]  # foot (250, 300): inside (y > 180)
STALL_OUTSIDE = [200, 20, 300, 150, 0.8, 1]  # foot (250, 150): road, outside the zone


def run(
    params: PersistenceParams, hit_at: Callable[[float], bool], until: float, step: float = 1.0
) -> list[tuple[float, HitState]]:
    p = Persistence(params)
    out = []
    t = 0.0
    while t <= until:
        d = p.update(t, hit_at(t))
        if d.transition is not None:
            out.append((t, d.transition))
        t += step
    return out


def test_fires_after_the_dwell_not_before() -> None:
    params = PersistenceParams()  # defaults: 3 min dwell
    events = run(params, lambda t: t >= 100, until=400)
    assert events == [(280.0, HitState.RAISED)]  # arrived at 100 s, 180 s later


def test_clears_below_the_clear_ratio_then_cools_down() -> None:
    params = PersistenceParams(dwell_s=60, window_s=60, clear_window_s=30, cooldown_s=120)
    # present 0..200 s, gone 200..260, back from 260 s for good
    events = run(params, lambda t: t < 200 or t >= 260, until=700)
    raised_1, cleared, raised_2 = events
    assert raised_1 == (60.0, HitState.RAISED)
    assert cleared[1] is HitState.CLEARED and 200 < cleared[0] <= 230
    # back at 260 s: a new run; the cooldown ends at cleared + 120; it fires once both hold
    assert raised_2[1] is HitState.RAISED
    assert raised_2[0] == max(260.0 + 60, cleared[0] + 120)


def test_no_raise_during_cooldown() -> None:
    params = PersistenceParams(dwell_s=10, window_s=10, clear_window_s=10, cooldown_s=500)
    events = run(params, lambda t: not (100 <= t < 130), until=400)
    assert [e[1] for e in events] == [HitState.RAISED, HitState.CLEARED]


def test_intermittent_detections_still_raise_and_stay_raised() -> None:
    params = PersistenceParams(dwell_s=60, window_s=60)
    rng = np.random.default_rng(0)
    seen = {t: bool(rng.random() < 0.75) for t in range(0, 600)}  # a detector that misses 25 % of frames
    events = run(params, lambda t: seen[int(t)], until=599)
    assert events[0][1] is HitState.RAISED and 60 <= events[0][0] <= 75
    assert len(events) == 1  # never cleared while it is there


def test_a_walker_never_fires() -> None:
    params = PersistenceParams(dwell_s=60, window_s=60, clear_window_s=30)
    # a detection for 8 s every 40 s (people crossing the zone one after another): 20 % of samples
    events = run(params, lambda t: t % 40 < 8, until=3600)
    assert events == []


def test_below_raise_ratio_never_fires() -> None:
    params = PersistenceParams(dwell_s=60, window_s=60)
    events = run(params, lambda t: t % 2 == 0, until=600)  # 50 % < 60 %
    assert events == []


def test_a_gap_forgets_the_dwell() -> None:
    params = PersistenceParams(dwell_s=60, window_s=60, max_gap_s=30)
    p = Persistence(params)
    for t in range(0, 50):
        assert p.update(float(t), True).transition is None
    # the camera was away for 5 minutes (patrol to another preset): the dwell starts again
    assert p.update(350.0, True).transition is None
    transitions = [p.update(float(t), True).transition for t in range(351, 420)]
    assert transitions.index(HitState.RAISED) + 351 == 410


def test_samples_must_be_in_time_order() -> None:
    p = Persistence()
    p.update(10.0, True)
    with pytest.raises(ValueError, match="time order"):
        p.update(5.0, True)


def test_params_validation() -> None:
    with pytest.raises(ValueError, match="hysteresis"):
        PersistenceParams(raise_ratio=0.3, clear_ratio=0.4)
    with pytest.raises(ValueError):
        PersistenceParams(dwel_s=3)  # type: ignore[call-arg]


def scene() -> SceneGeometry:
    return SceneGeometry("cam-7", "preset-1", zones=(PAVEMENT,))


def vending(dwell: float = 30) -> VendingRule:
    pers = PersistenceParams(dwell_s=dwell, window_s=dwell, clear_window_s=20, cooldown_s=60)
    return VendingRule(scene(), VendingParams(persistence=pers))


def feed(rule: VendingRule, boxes_at: Callable[[float], list[list[float]]], until: float) -> list[Hit]:
    hits = []
    frame = np.zeros((H, W, 3), np.uint8)
    for t in np.arange(0, until, 1.0):
        boxes = np.array(boxes_at(float(t)), np.float32).reshape(-1, 6)
        hits += rule.update(float(t), frame, [LabelledDetections(boxes, NAMES)])
    return hits


def test_vending_rule_fires_after_dwell_in_zone_and_clears() -> None:
    rule = vending(dwell=30)
    hits = feed(rule, lambda t: [STALL_IN_ZONE] if 10 <= t < 100 else [], until=200)
    assert next((h.state, h.t) for h in hits) == (HitState.RAISED, 40.0)
    raised, cleared = hits
    assert raised.event == "0501" and raised.zone_id == "pavement" and raised.camera_id == "cam-7"
    assert raised.preset == "preset-1" and raised.rule == "vending"
    ev = raised.evidence
    assert ev.frame is not None and ev.frame.shape == (H, W, 3)
    assert ev.boxes.tolist() == [pytest.approx(STALL_IN_ZONE)]
    assert ev.scores["hit_ratio"] >= 0.6 and ev.scores["dwell_s"] == pytest.approx(30)
    assert cleared.state is HitState.CLEARED and 100 < cleared.t <= 120
    assert raised.summary()["event"] == "0501"


def test_vending_ignores_objects_outside_the_zone_and_unmapped_classes() -> None:
    rule = vending(dwell=10)
    person_in_zone = [200, 150, 300, 300, 0.9, 0]
    car_in_zone = [200, 150, 300, 300, 0.9, 3]
    hits = feed(rule, lambda t: [STALL_OUTSIDE, person_in_zone, car_in_zone], until=120)
    assert hits == []


def test_vending_ignores_low_scores() -> None:
    rule = vending(dwell=10)
    weak = [*STALL_IN_ZONE[:4], 0.1, 1]
    assert feed(rule, lambda t: [weak], until=60) == []


def test_goods_map_to_shop_front_trading() -> None:
    rule = vending(dwell=10)
    goods = [400, 200, 450, 260, 0.7, 2]
    hits = feed(rule, lambda t: [goods], until=30)
    assert [(h.event, h.state) for h in hits] == [("0504", HitState.RAISED)]


def test_person_walking_through_the_zone_never_fires_even_if_counted() -> None:
    # even when a site maps "person" to an event (it should not), a walker crossing never dwells
    pers = PersistenceParams(dwell_s=30, window_s=30, clear_window_s=20)
    rule = VendingRule(scene(), VendingParams(class_events={"person": "0501"}, persistence=pers))

    def walker(t: float) -> list[list[float]]:
        phase = t % 60  # one person every minute, crossing the frame in 12 s
        if phase >= 12:
            return []
        x = phase / 12 * W
        return [[x, 200, x + 40, 330, 0.9, 0]]

    assert feed(rule, walker, until=1200) == []


def test_reset_restarts_the_dwell() -> None:
    rule = vending(dwell=30)
    frame = np.zeros((H, W, 3), np.uint8)
    stall = [LabelledDetections(np.array([STALL_IN_ZONE], np.float32), NAMES)]
    assert [h for t in range(20) for h in rule.update(float(t), frame, stall)] == []
    vending_track = ("pavement", "0501")  # the stall's event in the zone
    assert rule.runs()[vending_track] == 0.0  # a dwell under way since 0 s
    rule.reset()
    assert set(rule.runs().values()) == {None} and set(rule.state().values()) == {Phase.IDLE}
    # The stall must now stand the whole dwell again: raised at 20 + 30 s, not at 30 s.
    hits = [h for t in range(20, 60) for h in rule.update(float(t), frame, stall)]
    assert [(h.state, h.t) for h in hits] == [(HitState.RAISED, 50.0)]


def test_bin_overflow_rule() -> None:
    geom = SceneGeometry("cam-2", None, bins=(BinRoi("bin-1", (0.4, 0.4, 0.5, 0.7), overflow_line=0.38),))
    params = BinParams(
        persistence=PersistenceParams(dwell_s=20, window_s=20, clear_window_s=20, cooldown_s=30)
    )
    rule = BinOverflowRule(geom, params)
    frame = np.zeros((100, 200, 3), np.uint8)
    hits = []
    for t in range(0, 120):
        score = 0.9 if 10 <= t < 70 else 0.1
        hits += rule.update(float(t), frame, {"bin-1": score}, {"bin-1": {"classifier": 0.8}})
    assert next((h.state, h.t) for h in hits) == (HitState.RAISED, 30.0)
    assert hits[1].state is HitState.CLEARED
    assert hits[0].event == "0102" and hits[0].zone_id == "bin-1"
    np.testing.assert_allclose(hits[0].evidence.boxes[0, :4], [80, 40, 100, 70])
    assert hits[0].evidence.scores["classifier"] == pytest.approx(0.8)


def test_hit_history_gives_the_ratio_a_walk_over_the_window_gives() -> None:
    # Hours of samples at irregular intervals (the window moves on and the history compacts):
    # every answer must be what counting the kept samples one by one says.
    rng = np.random.default_rng(7)
    history = HitHistory()
    kept: list[tuple[float, bool]] = []
    t = 0.0
    for _ in range(3000):
        t += float(rng.choice([0.2, 1.0, 5.0, 30.0]))
        hit = bool(rng.random() < 0.4)
        history.append(t, hit)
        kept.append((t, hit))
        horizon = t - 180.0
        history.drop_before(horizon)
        kept = [(ts, h) for ts, h in kept if ts >= horizon]
        assert len(history) == len(kept) and history.last_time == t
        for since in (t - 60.0, t - 180.0, t - float(rng.uniform(0, 200)), t + 1.0):
            inside = [h for ts, h in kept if ts >= since]
            expected = (sum(inside) / len(inside) if inside else 0.0, len(inside))
            assert history.ratio(since) == pytest.approx(expected)
    history.clear()
    assert len(history) == 0 and history.last_time is None and history.ratio(0.0) == (0.0, 0)
