"""Camera-at-preset tracking: every (place, observation) pair, drift, stale reports, warm-up."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.core.preset_tracking import (
    TRANSITIONS,
    InvalidTransition,
    MoveKind,
    Observation,
    Place,
    Position,
    PresetPoint,
    PresetTracker,
    Tolerance,
    next_place,
)

PL, OB = Place, Observation
GATE = PresetPoint("1", "大门", Position(0.10, -0.20, 0.0))
SHOPS = PresetPoint("2", "商铺门口", Position(0.30, -0.25, 0.30))
ELSEWHERE = Position(0.60, 0.10, 0.10)

EXPECTED: dict[Place, dict[Observation, Place]] = {
    PL.UNKNOWN: {
        OB.COMMAND: PL.MOVING,
        OB.REPORT_MOVING: PL.MOVING,
        OB.IDLE_ON_PRESET: PL.SETTLED,
        OB.IDLE_OFF_PRESET: PL.OFF_PRESET,
        OB.STALE: PL.UNKNOWN,
        OB.LOST: PL.UNKNOWN,
    },
    PL.MOVING: {
        OB.COMMAND: PL.MOVING,
        OB.REPORT_MOVING: PL.MOVING,
        OB.IDLE_ON_PRESET: PL.SETTLED,
        OB.IDLE_OFF_PRESET: PL.OFF_PRESET,
        OB.STALE: PL.MOVING,
        OB.LOST: PL.UNKNOWN,
    },
    PL.SETTLED: {
        OB.COMMAND: PL.MOVING,
        OB.REPORT_MOVING: PL.MOVING,
        OB.IDLE_ON_PRESET: PL.SETTLED,
        OB.IDLE_OFF_PRESET: PL.OFF_PRESET,
        OB.STALE: PL.SETTLED,
        OB.LOST: PL.UNKNOWN,
    },
    PL.OFF_PRESET: {
        OB.COMMAND: PL.MOVING,
        OB.REPORT_MOVING: PL.MOVING,
        OB.IDLE_ON_PRESET: PL.SETTLED,
        OB.IDLE_OFF_PRESET: PL.OFF_PRESET,
        OB.STALE: PL.OFF_PRESET,
        OB.LOST: PL.UNKNOWN,
    },
}


@pytest.mark.parametrize("place", list(Place))
@pytest.mark.parametrize("observation", list(Observation))
def test_every_place_observation_pair_transitions_or_raises(place: Place, observation: Observation) -> None:
    expected = EXPECTED[place].get(observation)
    if expected is None:
        with pytest.raises(InvalidTransition):
            next_place(place, observation)
    else:
        assert next_place(place, observation) == expected


def test_table_has_no_pairs_beyond_the_specification() -> None:
    assert set(TRANSITIONS) == {(p, o) for p, row in EXPECTED.items() for o in row}


def tracker_in(place: Place) -> PresetTracker:
    """A tracker brought to ``place`` through its public inputs, at t = 10."""
    t = PresetTracker(presets=[GATE, SHOPS], command_grace_s=1.0)
    if place is PL.MOVING:
        t.status(ELSEWHERE, True, 10.0)
    elif place is PL.SETTLED:
        t.status(GATE.position, False, 10.0)
    elif place is PL.OFF_PRESET:
        t.status(ELSEWHERE, False, 10.0)
    assert t.snapshot.place is place
    return t


OBSERVE: dict[Observation, Callable[[PresetTracker, float], bool]] = {
    OB.COMMAND: lambda t, now: t.move_commanded(MoveKind.RELATIVE, now),
    OB.REPORT_MOVING: lambda t, now: t.status(Position(0.5, 0.5, 0.5), True, now),
    OB.IDLE_ON_PRESET: lambda t, now: t.status(SHOPS.position, False, now),
    OB.IDLE_OFF_PRESET: lambda t, now: t.status(Position(-0.7, 0.4, 0.9), False, now),
    OB.STALE: lambda t, now: t.status(SHOPS.position, False, now, seq=t.command_seq - 1),
    OB.LOST: lambda t, now: t.lost(now, "camera did not answer within 3 s"),
}


@pytest.mark.parametrize("place", list(Place))
@pytest.mark.parametrize("observation", list(Observation))
def test_every_pair_through_the_tracker_inputs(place: Place, observation: Observation) -> None:
    tracker = tracker_in(place)
    before = tracker.snapshot
    OBSERVE[observation](tracker, 20.0)
    after = tracker.snapshot
    assert after.place is EXPECTED[place][observation]
    if observation is OB.STALE:
        assert after == before  # a stale report changes nothing, not even the position
    if after.place is PL.SETTLED:
        assert after.preset is not None and after.settled_since is not None
    else:
        assert after.preset is None and after.settled_since is None
    assert (after.error is not None) == (after.place is PL.UNKNOWN and observation is OB.LOST)


# -- arriving ------------------------------------------------------------------------------------------
def test_goto_preset_moves_then_settles_with_settled_since() -> None:
    t = tracker_in(PL.OFF_PRESET)
    assert t.goto_preset("2", 100.0)
    snap = t.snapshot
    assert (snap.place, snap.target, snap.since) == (PL.MOVING, "2", 100.0)
    assert not t.status(Position(0.4, 0.0, 0.2), True, 100.5)  # still moving: no change
    assert t.snapshot.target == "2"
    assert t.status(Position(0.301, -0.251, 0.305), False, 102.0)
    snap = t.snapshot
    assert snap.place is PL.SETTLED and snap.preset == SHOPS and snap.settled_since == 102.0
    assert snap.target is None
    assert not snap.ready(104.0, warmup_s=3.0) and snap.ready(105.0, warmup_s=3.0)
    assert snap.ready(105.0, 3.0, token="2") and not snap.ready(105.0, 3.0, token="1")
    assert snap.settled_for(107.5) == 5.5 and snap.on_preset("2")
    assert not t.status(SHOPS.position, False, 110.0)  # staying put keeps settled_since
    assert t.snapshot.settled_since == 102.0


def test_idle_report_in_place_right_after_a_command_is_stale() -> None:
    t = tracker_in(PL.SETTLED)  # on GATE since 10
    t.goto_preset("2", 50.0)
    assert not t.status(GATE.position, False, 50.3)  # the camera has not started yet
    assert t.snapshot.place is PL.MOVING
    assert t.awaiting_report
    assert t.status(SHOPS.position, False, 50.8)  # fast camera: arrived within the grace
    assert t.snapshot.on_preset("2") and not t.awaiting_report


def test_goto_the_preset_it_is_on_settles_again_after_the_grace() -> None:
    t = tracker_in(PL.SETTLED)
    t.goto_preset("1", 50.0)
    t.status(GATE.position, False, 50.5)
    assert t.snapshot.place is PL.MOVING
    t.status(GATE.position, False, 51.0)
    assert t.snapshot.on_preset("1") and t.snapshot.settled_since == 51.0


def test_report_asked_before_the_latest_command_is_ignored() -> None:
    t = tracker_in(PL.SETTLED)
    seq = t.command_seq
    t.move_commanded(MoveKind.ABSOLUTE, 20.0)
    assert not t.status(ELSEWHERE, False, 25.0, seq=seq)
    assert t.snapshot.place is PL.MOVING
    t.status(ELSEWHERE, False, 26.0, seq=t.command_seq)
    assert t.snapshot.place is PL.OFF_PRESET


def test_continuous_move_then_stop_off_preset() -> None:
    t = tracker_in(PL.SETTLED)
    t.move_commanded(MoveKind.CONTINUOUS, 20.0)
    t.status(Position(0.12, -0.2, 0.0), True, 20.5)
    t.move_commanded(MoveKind.STOP, 21.0)
    t.status(Position(0.2, -0.2, 0.0), False, 21.5)
    snap = t.snapshot
    assert snap.place is PL.OFF_PRESET and snap.since == 21.5 and snap.position == Position(0.2, -0.2, 0.0)


def test_target_only_for_preset_moves() -> None:
    with pytest.raises(ValueError, match="preset move"):
        PresetTracker().move_commanded(MoveKind.RELATIVE, 0.0, target="1")


# -- drift ------------------------------------------------------------------------------------------
def test_moved_by_someone_else_leaves_settled() -> None:
    t = tracker_in(PL.SETTLED)
    assert t.status(Position(0.2, -0.2, 0.0), True, 30.0)  # no command of ours: drift
    assert t.snapshot.place is PL.MOVING and t.snapshot.target is None
    assert t.status(ELSEWHERE, False, 31.0)
    assert t.snapshot.place is PL.OFF_PRESET


def test_pushed_while_idle_between_polls() -> None:
    t = tracker_in(PL.SETTLED)
    assert t.status(Position(0.13, -0.2, 0.0), False, 30.0)  # 0.03 away: more than the tolerance
    assert t.snapshot.place is PL.OFF_PRESET


def test_moved_to_another_preset_restarts_settled_since() -> None:
    t = tracker_in(PL.SETTLED)
    assert t.status(SHOPS.position, False, 40.0)
    assert t.snapshot.on_preset("2") and t.snapshot.settled_since == 40.0


# -- presets --------------------------------------------------------------------------------------
def test_preset_removed_while_on_it_means_off_preset() -> None:
    t = tracker_in(PL.SETTLED)
    assert t.presets_changed([SHOPS], 50.0)
    assert t.snapshot.place is PL.OFF_PRESET


def test_preset_saved_where_the_camera_stands_means_settled() -> None:
    t = tracker_in(PL.OFF_PRESET)
    new = PresetPoint("3", "路口", ELSEWHERE)
    assert t.presets_changed([GATE, SHOPS, new], 50.0)
    assert t.snapshot.on_preset("3") and t.snapshot.settled_since == 50.0
    assert not t.presets_changed([GATE, SHOPS, PresetPoint("3", "路口东", ELSEWHERE)], 60.0)
    assert t.snapshot.preset is not None and t.snapshot.preset.name == "路口东"


def test_presets_changed_while_moving_waits_for_a_report() -> None:
    t = tracker_in(PL.MOVING)
    assert not t.presets_changed([SHOPS], 50.0)
    assert t.presets == (SHOPS,)


def test_preset_without_position_is_trusted_after_our_goto_and_learned() -> None:
    blind = PresetPoint("7", "no position")
    t = PresetTracker(presets=[blind])
    t.goto_preset("7", 0.0)
    spot = Position(0.4, 0.1, 0.2)
    t.status(spot, False, 3.0)
    assert t.snapshot.on_preset("7")
    t.status(Position(0.5, 0.1, 0.2), False, 10.0)  # pushed away: drift is seen
    assert t.snapshot.place is PL.OFF_PRESET
    t.status(spot, False, 20.0)  # back on the learned position
    assert t.snapshot.on_preset("7")


def test_idle_elsewhere_after_goto_to_a_placed_preset_is_off_preset() -> None:
    t = PresetTracker(presets=[GATE])
    t.goto_preset("1", 0.0)
    t.status(ELSEWHERE, False, 5.0)  # interrupted, or the preset moved on the camera
    assert t.snapshot.place is PL.OFF_PRESET


def test_nearest_preset_wins_and_the_target_breaks_ties() -> None:
    a = PresetPoint("a", "", Position(0.0, 0.0, 0.0))
    b = PresetPoint("b", "", Position(0.004, 0.0, 0.0))
    c = PresetPoint("c", "", Position(0.004, 0.0, 0.0))
    t = PresetTracker(presets=[a, b, c])
    t.status(Position(0.003, 0.0, 0.0), False, 0.0)
    assert t.snapshot.preset is not None and t.snapshot.preset.token in ("b", "c")
    t.goto_preset("c", 1.0)
    t.status(Position(0.0035, 0.0, 0.0), False, 3.0)
    assert t.snapshot.on_preset("c")


# -- reports that say little ---------------------------------------------------------------------------
def test_camera_without_move_status_is_idle_when_its_position_stays_put() -> None:
    t = PresetTracker(presets=[GATE])
    t.status(Position(0.05, -0.2, 0.0), None, 0.0)
    assert t.snapshot.place is PL.MOVING
    t.status(GATE.position, None, 0.5)
    assert t.snapshot.place is PL.MOVING
    t.status(GATE.position, None, 1.0)
    assert t.snapshot.on_preset("1")


def test_no_position_and_no_move_status_is_lost() -> None:
    t = tracker_in(PL.SETTLED)
    t.status(None, None, 30.0)
    assert t.snapshot.place is PL.UNKNOWN and t.snapshot.error is not None


def test_idle_without_position_only_after_our_goto() -> None:
    t = PresetTracker(presets=[GATE])
    t.status(None, False, 0.0)
    assert t.snapshot.place is PL.UNKNOWN
    t.goto_preset("1", 1.0)
    t.status(None, False, 3.0)
    assert t.snapshot.on_preset("1")


def test_lost_then_back() -> None:
    t = tracker_in(PL.SETTLED)
    t.lost(30.0, "camera did not answer within 3 s")
    assert (t.snapshot.place, t.snapshot.error) == (PL.UNKNOWN, "camera did not answer within 3 s")
    assert t.snapshot.position == GATE.position  # the last known one is kept
    t.status(GATE.position, False, 40.0)
    assert t.snapshot.on_preset("1") and t.snapshot.settled_since == 40.0 and t.snapshot.error is None


# -- tolerance ---------------------------------------------------------------------------------------
def test_tolerance_per_axis_and_pan_wraps() -> None:
    tol = Tolerance(pan=0.01, tilt=0.01, zoom=0.02)
    assert tol.near(Position(0.999, 0.0, 0.5), Position(-0.999, 0.0, 0.5))
    assert not Tolerance(pan=0.01, pan_wraps=False).near(Position(0.999, 0.0), Position(-0.999, 0.0))
    assert tol.near(Position(0.0, 0.0, 0.5), Position(0.0, 0.0, 0.515))
    assert not tol.near(Position(0.0, 0.0, 0.5), Position(0.0, 0.0, 0.525))
    assert not tol.near(Position(0.0, 0.0), Position(0.0, 0.011))
    assert tol.near(Position(0.0, 0.0, None), Position(0.0, 0.0, 0.9))  # zoom unknown: not compared
    assert not tol.near(Position(None, None, None), Position(0.0, 0.0, 0.0))  # nothing to compare
    assert Tolerance(pan=0.0).near(Position(pan=0.2), Position(pan=0.2))
    with pytest.raises(ValueError):
        Tolerance(pan=-1)


def test_custom_tolerance_decides_settled() -> None:
    loose = PresetTracker(Tolerance(pan=0.05, tilt=0.05, zoom=0.05), presets=[GATE])
    loose.status(Position(0.14, -0.2, 0.0), False, 0.0)
    assert loose.snapshot.on_preset("1")
