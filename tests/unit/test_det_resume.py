"""What a view has learnt survives a restart: rule state, bin references and the stationary
detector's background are taken out as plain (picklable) values and put into new objects, which
then decide as the old ones would have (fake clock: sample times are given)."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pytest

from app.demo.clips import find_vtest
from app.demo.encode import SUB
from app.demo.scene_clips import source_frames
from app.demo.scenes import VendingScene, VendingScript, demo_detection_settings, make_scenes
from app.demo.variants import shrink
from detectors.bins import BinMonitor
from detectors.pipeline import PipelineConfig, PipelineState, ScenePipeline
from detectors.rules import (
    BinOverflowRule,
    BinParams,
    HitHistory,
    LabelledDetections,
    Persistence,
    PersistenceParams,
    Phase,
    RuleState,
    VendingParams,
    VendingRule,
)
from detectors.stationary import StationaryDetector, StationaryState
from detectors.synth import bin_scene
from detectors.types import BinRoi, HitState, Mask, SceneGeometry, Zone

T = TypeVar("T")
PAVEMENT = Zone("pavement", ((0.0, 0.5), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0)))
W, H = 640, 360
NAMES = {1: "stall"}
STALL = [200, 150, 300, 300, 0.8, 1]  # foot inside the pavement zone


def through_a_pipe(value: T) -> T:
    """What the service holds is what crossed the process boundary: a pickled copy."""
    copied: T = pickle.loads(pickle.dumps(value))
    return copied


# --- persistence -------------------------------------------------------------------------------------


def run(
    params: PersistenceParams,
    hit_at: Callable[[float], bool],
    until: float,
    step: float = 2.0,
    kill_at: float | None = None,
    outage_s: float = 0.0,
) -> list[tuple[float, HitState]]:
    """Samples every ``step`` seconds; at ``kill_at`` the state is checkpointed, the process "dies"
    for ``outage_s`` (no samples) and a new Persistence resumes from the checkpoint."""
    p = Persistence(params)
    out = []
    t = 0.0
    while t <= until:
        if kill_at is not None and t >= kill_at:
            saved = through_a_pipe(p.snapshot())
            p = Persistence(params)
            p.restore(saved)
            kill_at, t = None, t + outage_s
            continue
        d = p.update(t, hit_at(t))
        if d.transition is not None:
            out.append((t, d.transition))
        t += step
    return out


DEMO = PersistenceParams(
    dwell_s=60, window_s=60, clear_window_s=20, cooldown_s=30, min_samples=3, max_gap_s=60
)


@pytest.mark.parametrize("kill_at", [2.0, 30.0, 56.0, 70.0, 90.0, 110.0, 130.0])
def test_a_resumed_dwell_decides_as_if_it_had_never_stopped(kill_at: float) -> None:
    """The stall stands from 10 s to 100 s (the demo dwell: 60 s). Whenever the worker dies, the
    alert is raised and cleared at the same samples as without the crash."""

    def stall(t: float) -> bool:
        return 10 <= t < 100

    steady = run(DEMO, stall, 200)
    assert steady == [(70.0, HitState.RAISED), (118.0, HitState.CLEARED)]
    assert run(DEMO, stall, 200, kill_at=kill_at) == steady


def test_an_outage_delays_the_alert_by_at_most_one_revisit() -> None:
    """No samples for 6 s (the worker starting again) mid-dwell: the dwell counts on from when it
    began, so the alert comes when it would have, or at the first sample after the outage."""

    def stall(t: float) -> bool:
        return t >= 10

    (raised,) = run(DEMO, stall, 200)
    for kill_at in (20.0, 50.0, 64.0, 68.0):
        (resumed,) = run(DEMO, stall, 200, kill_at=kill_at, outage_s=6.0)
        assert resumed[1] is HitState.RAISED
        assert raised[0] <= resumed[0] <= max(raised[0], kill_at + 6.0) + 2.0  # one revisit (2 s)


def test_a_fresh_start_is_what_the_checkpoint_prevents() -> None:
    """Without the checkpoint (today's restart) the dwell starts again from zero."""

    def stall(t: float) -> bool:
        return t >= 10

    p = Persistence(DEMO)
    for t in np.arange(0, 62, 2.0):
        p.update(float(t), stall(float(t)))
    fresh = Persistence(DEMO)
    raised = [t for t in np.arange(66, 200, 2.0) if fresh.update(float(t), True).transition is not None]
    assert raised[0] == 126.0  # 56 s late; resumed, it is raised at 70 s (above)


def test_a_raised_state_stays_raised_and_cooldown_is_kept() -> None:
    p = Persistence(DEMO)
    for t in range(0, 90, 2):
        p.update(float(t), True)
    assert p.phase is Phase.RAISED
    q = Persistence(DEMO)
    q.restore(through_a_pipe(p.snapshot()))
    assert q.phase is Phase.RAISED and q.run_start == p.run_start == 0.0
    assert all(q.update(float(t), True).transition is None for t in range(90, 300, 2))  # not again
    transitions = [(t, q.update(float(t), False).transition) for t in range(300, 340, 2)]
    cleared = [t for t, tr in transitions if tr is HitState.CLEARED]
    assert len(cleared) == 1
    r = Persistence(DEMO)
    r.restore(through_a_pipe(q.snapshot()))
    assert r.phase is Phase.COOLDOWN and r.cooldown_until == cleared[0] + 30
    assert all(r.update(float(t), True).transition is None for t in range(340, 340 + 60, 2))


def test_hit_history_samples_round_trip_after_compaction() -> None:
    h = HitHistory()
    rng = np.random.default_rng(3)
    for t in range(400):
        h.append(float(t), bool(rng.random() < 0.6))
        h.drop_before(t - 60.0)  # compacts now and then
    times, hits = h.samples()
    assert len(times) == len(h) == 61
    again = HitHistory()
    again.load(times, hits)
    for since in (340.0, 350.5, 380.0, 399.0, 500.0):
        assert again.ratio(since) == h.ratio(since)
    with pytest.raises(ValueError, match="time order"):
        again.load((2.0, 1.0), (True, False))


# --- rules -------------------------------------------------------------------------------------------


def stall_seen(present: bool) -> list[LabelledDetections]:
    boxes = np.array([STALL] if present else np.zeros((0, 6)), np.float32).reshape(-1, 6)
    return [LabelledDetections(boxes, NAMES)]


def test_a_vending_alert_open_before_the_crash_is_not_raised_again_and_clears_when_the_stall_left() -> None:
    params = VendingParams(persistence=DEMO)
    geometry = SceneGeometry("cam", None, (PAVEMENT,))
    rule = VendingRule(geometry, params)
    hits = [h for t in range(0, 80, 2) for h in rule.update(float(t), None, stall_seen(True), (W, H))]
    assert [h.state for h in hits] == [HitState.RAISED]
    saved = through_a_pipe(rule.snapshot())
    assert isinstance(saved, RuleState) and saved.rule == "vending"
    resumed = VendingRule(geometry, params)
    assert resumed.restore(saved) == len(resumed.events)  # one track per event code in the zone
    # the stall left while the worker was down: the first samples after it see nothing
    after = [h for t in range(86, 140, 2) for h in resumed.update(float(t), None, stall_seen(False), (W, H))]
    assert [h.state for h in after] == [HitState.CLEARED]
    assert after[0].evidence.boxes == pytest.approx(np.array([STALL], np.float32))  # the box last seen


def test_restoring_skips_zones_that_are_gone_and_state_of_other_rules() -> None:
    params = VendingParams(persistence=DEMO)
    rule = VendingRule(SceneGeometry("cam", None, (PAVEMENT,)), params)
    for t in range(0, 80, 2):
        rule.update(float(t), None, stall_seen(True), (W, H))
    other_zone = Zone("kerb", PAVEMENT.polygon)
    elsewhere = VendingRule(SceneGeometry("cam", None, (other_zone,)), params)
    assert elsewhere.restore(rule.snapshot()) == 0
    assert all(p is Phase.IDLE for p in elsewhere.state().values())
    bins = BinOverflowRule(SceneGeometry("cam", None, (), (BinRoi("b1", (0.1, 0.5, 0.2, 0.7)),)))
    assert bins.restore(rule.snapshot()) == 0  # a vending state is no bin state


def test_a_bin_rule_and_its_clean_references_resume() -> None:
    scene = bin_scene(np.random.default_rng(5), w=352, h=288)
    full = bin_scene(np.random.default_rng(5), w=352, h=288, overflowing=True)
    roi = BinRoi("bin1", scene.box, scene.rim - 0.03)
    geometry = SceneGeometry("cam", None, (), (roi,))
    monitor = BinMonitor(geometry)
    monitor.set_reference(scene.image)
    monitor.set_reference(scene.image, bin_ids=["bin1"], confirmed=True)
    changes = monitor.changes
    resumed = BinMonitor(geometry)
    resumed.restore_references(through_a_pipe(monitor.references()))
    assert resumed.changes > 0 and monitor.changes == changes
    assert resumed.confirmed == {"bin1"} and resumed.has_reference("bin1")
    assert resumed.observe(full.image)["bin1"] == monitor.observe(full.image)["bin1"]
    params = BinParams(persistence=DEMO)
    rule = BinOverflowRule(geometry, params)
    for t in range(0, 40, 2):
        rule.update(float(t), None, {"bin1": 0.9})
    again = BinOverflowRule(geometry, params)
    assert again.restore(through_a_pipe(rule.snapshot())) == 1
    raised = [t for t in range(40, 80, 2) if again.update(float(t), None, {"bin1": 0.9})]
    assert raised == [60]  # 60 s after the first full sample, not 60 s after the restart


def test_pipeline_checkpoints_merge_their_parts() -> None:
    geometry = SceneGeometry("cam", None, (PAVEMENT,))
    other = SceneGeometry("cam", None, (Zone("kerb", PAVEMENT.polygon),))
    models = PipelineState(geometry, (), None, {"stationary": "learnt"})
    rules_only = PipelineState(geometry, (RuleState("vending"),), None, None)
    merged = models.merged(rules_only)
    assert merged.rules == (RuleState("vending"),) and merged.detectors == {"stationary": "learnt"}
    reset = PipelineState(geometry, (), None, {})  # the view was reset: the old models are void
    assert models.merged(reset).detectors == {}
    assert models.merged(PipelineState(other)).geometry == other  # other zones: nothing carried over


# --- the stationary detector on the demo's vending scene -------------------------------------------------


def stall_box() -> tuple[float, float, float, float]:
    scene = make_scenes()["vending"]
    assert isinstance(scene, VendingScene)
    return scene.stall_box()


def demo_frames(until_s: float, every_s: float = 2.0) -> list[tuple[float, np.ndarray]]:
    """The vending scene as the worker samples it (CIF, every 2 s): real street footage when
    setup.sh fetched it, the synthetic street otherwise (the stall's timing is the same)."""
    fps = SUB.fps
    scene = make_scenes()["vending"]
    step = round(every_s * fps)
    out = []
    for n, street in enumerate(source_frames(find_vtest(), fps, round(until_s * fps))):
        if n % step == 0:
            out.append((n / fps, shrink(scene.frame(street, n / fps, n), SUB.size)))
    return out


@pytest.mark.slow
def test_a_restored_stationary_detector_still_sees_the_stall_a_fresh_one_learns_it_as_background() -> None:
    """Killed 60 s into the demo (the stall has stood ~45 s): restored from the checkpoint taken
    up to 10 s earlier, the detector boxes the stall at the first picture after the gap; a fresh
    detector never does (it learns the stall as part of the street while warming up)."""
    script = VendingScript()
    frames = demo_frames(100.0)
    clock = Mask(((0.0, 0.0), (0.46, 0.0), (0.46, 0.075), (0.0, 0.075)))
    detector = StationaryDetector(masks=(clock,))
    checkpoint = None
    for t, frame in frames:
        if t >= 60.0:
            break
        detector.detect(frame, t)
        if t % 10 == 0:
            checkpoint = through_a_pipe(detector.snapshot())
    assert isinstance(checkpoint, StationaryState) and len(pickle.dumps(checkpoint)) < 100_000
    x1, y1, x2, y2 = stall_box()

    def on_stall(boxes: np.ndarray) -> bool:
        w, h = SUB.size
        return any(
            x1 * w - 8 <= (b[0] + b[2]) / 2 <= x2 * w + 8 and y1 * h <= b[3] <= y2 * h + 8 for b in boxes
        )

    restored = StationaryDetector(masks=(clock,))
    assert restored.restore(checkpoint)
    fresh = StationaryDetector(masks=(clock,))
    after = [(t, f) for t, f in frames if t >= 66.0]  # 6 s without samples: the worker restarting
    seen = [on_stall(restored.detect(f, t)) for t, f in after if t < script.leave_s]
    assert seen[0] and all(seen)
    assert not any(on_stall(fresh.detect(f, t)) for t, f in after if t < script.leave_s)
    assert not StationaryDetector().restore("not a state")


@pytest.mark.slow
def test_a_stall_that_left_during_the_gap_is_gone_at_once() -> None:
    frames = demo_frames(130.0)
    detector, steady = StationaryDetector(), StationaryDetector()
    for t, frame in frames:
        if t <= 112.0:
            detector.detect(frame, t)
        steady.detect(frame, t)
        if t >= 124.0:  # pushed away at 115-119 s
            break
    restored = StationaryDetector()
    assert restored.restore(through_a_pipe(detector.snapshot()))
    sx1, sy1, sx2, sy2 = stall_box()
    w, h = SUB.size

    def stall_boxed(boxes: np.ndarray) -> bool:  # a box over most of where the stall stood
        for x1, y1, x2, y2, *_ in boxes:
            inter = max(0.0, min(x2, sx2 * w) - max(x1, sx1 * w)) * max(
                0.0, min(y2, sy2 * h) - max(y1, sy1 * h)
            )
            if inter > 0.5 * (sx2 - sx1) * w * (sy2 - sy1) * h:
                return True
        return False

    assert not stall_boxed(restored.detect(frame, t))
    assert not stall_boxed(steady.boxes())


@pytest.mark.slow
def test_a_restored_pipeline_raises_the_vending_alert_when_the_uninterrupted_one_does() -> None:
    settings = demo_detection_settings()
    config = PipelineConfig(
        detectors=settings.detectors, vending=VendingParams.model_validate(settings.rules["vending"])
    )
    zone = Zone("no-vending-1", ((0.56, 0.47), (0.83, 0.53), (0.83, 0.74), (0.56, 0.62)))
    geometry = SceneGeometry(
        "scn001",
        None,
        (zone,),
        (),
        (
            Mask(
                ((0, 0), (0.46, 0), (0.46, 0.075)),
            ),
        ),
    )
    frames = demo_frames(100.0)

    def raised(kill_at: float | None) -> list[float]:
        pipe = ScenePipeline(geometry, config)
        saved: PipelineState | None = None
        out = []
        sent = -1
        for t, frame in frames:
            if kill_at is not None and t >= kill_at:
                assert saved is not None
                pipe = ScenePipeline(geometry, config)
                assert pipe.restore(through_a_pipe(saved))
                kill_at = None
                continue  # (one sample lost to the restart)
            out += [h.t for h in pipe.process(frame, t).hits if h.state is HitState.RAISED]
            # the reference pictures (the zone's clean view) go when they changed, as in the worker
            changed, sent = pipe.reference_changes != sent, pipe.reference_changes
            state = pipe.snapshot(detectors=t % 10 == 0, references=changed)
            saved = state if saved is None else saved.merged(state)
        return out

    steady = raised(None)
    assert len(steady) == 1 and 75 <= steady[0] <= 85  # the demo's timeline: 78-82 s
    for kill_at in (40.0, 60.0, 74.0):
        (after_kill,) = raised(kill_at)
        assert steady[0] <= after_kill <= steady[0] + settings.revisit_s, kill_at
