"""Patrols in fake time: cycles, dwell only while settled, preemption by every higher priority and
resume at the same step, operator locks, drift, schedules (over midnight too)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.adapters.onvif.errors import OnvifTimeout
from app.core.ptz_control import Priority, Requester
from app.core.ptz_port import Preset, PtzVector
from app.services.patrols import (
    PatrolRunner,
    PatrolState,
    PatrolStatus,
    in_schedule,
    next_schedule_change,
    window_contains,
)
from app.services.ptz_controller import PtzController
from camera_config.models import Patrol, PatrolWindow
from tests.ptz_fakes import make_camera
from tests.unit.test_ptz_controller import DETECT, VERIFY, ZHANG, Rig, make_rig

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_0759 = datetime(2024, 5, 6, 7, 59, tzinfo=SHANGHAI)  # the rig's clock reads 1000.0 then
PLAN = {
    "steps": [
        {"preset": "1", "dwell_s": 10},
        {"preset": "人行道", "dwell_s": 20},
        {"preset": "3", "dwell_s": 15},
    ],
    "resume_after_s": 30,
}


def runner_for(rig: Rig, plan: Mapping[str, object] | None = None, **kwargs: object) -> PatrolRunner:
    patrol = Patrol.model_validate(plan or PLAN)
    base = MONDAY_0759.astimezone(UTC)

    def wall() -> datetime:
        return base + timedelta(seconds=rig.clock.t - 1000.0)

    runner = PatrolRunner(
        rig.ctl,
        patrol,
        rig.sched,
        clock=rig.clock,
        wall_clock=wall,
        timezone="Asia/Shanghai",
        **kwargs,  # type: ignore[arg-type]
    )
    rig.sched.run_due()
    return runner


def gotos(rig: Rig, since: float = 0.0) -> list[tuple[float, str]]:
    return [(round(t, 3), token) for t, token in rig.ptz.gotos if t >= since]


@pytest.fixture
def rig() -> Rig:
    return make_rig()


# -- cycles ------------------------------------------------------------------------------------------
def test_patrol_cycles_dwelling_only_once_settled(rig: Rig) -> None:
    runner = runner_for(rig)
    seen: list[PatrolStatus] = []
    runner.subscribe(seen.append)
    runner.start()
    rig.advance(60.0)
    # a preset move takes 2 s; dwell counts from arrival: 1000 -> 1002+10 -> 1014+20 -> 1036+15
    assert gotos(rig) == [(1000.0, "1"), (1012.0, "2"), (1034.0, "3"), (1051.0, "1")]
    assert runner.status.state is PatrolState.DWELLING and runner.status.step == 0
    assert runner.status.dwelled_s == pytest.approx(7.0)
    assert [s.state for s in seen[:3]] == [PatrolState.MOVING, PatrolState.MOVING, PatrolState.DWELLING]
    assert rig.ctl.control.held_by(runner.requester)
    assert runner.status.started_by == "user" and runner.running


def test_stop_gives_the_camera_up_and_start_begins_at_the_first_step(rig: Rig) -> None:
    runner = runner_for(rig)
    runner.start()
    rig.advance(20.0)
    runner.stop()
    runner.stop()
    assert rig.ctl.control.holder is None and runner.status.state is PatrolState.STOPPED
    rig.advance(60.0)
    assert gotos(rig, 1020.5) == []
    runner.start()
    assert gotos(rig, 1080.0) == [(1080.0, "1")]


# -- preemption and resume -----------------------------------------------------------------------
def take(rig: Rig, priority: Priority) -> Requester:
    if priority is Priority.OPERATOR:
        assert rig.ctl.goto_preset(ZHANG, "3").exception(timeout=0) is None
        return ZHANG
    who = VERIFY if priority is Priority.VERIFICATION else DETECT
    rig.ctl.visit(who, priority, "3")
    return who


@pytest.mark.parametrize("priority", [Priority.DETECTION, Priority.VERIFICATION, Priority.OPERATOR])
def test_higher_priority_takes_over_and_the_patrol_resumes_the_same_step(
    rig: Rig, priority: Priority
) -> None:
    runner = runner_for(rig)
    runner.start()
    rig.advance(19.0)  # step 2 ("人行道") settled at 1014: 5 s of its 20 s dwelt
    who = take(rig, priority)
    rig.advance(0.0)
    status = runner.status
    assert (status.state, status.step, status.blocked_by) == (PatrolState.WAITING, 1, who.name)
    assert status.dwelled_s == pytest.approx(5.0)
    rig.advance(8.0)  # (an operator's 10 s lease would lapse at 1029)
    assert gotos(rig, 1019.0) == [(1019.0, "3")]  # only the preempting party moved the camera
    rig.ctl.release(who)  # at 1027
    rig.advance(60.0)
    if priority is Priority.OPERATOR:  # left alone for resume_after_s first
        expected = [(1019.0, "3"), (1057.0, "2"), (1074.0, "3")]
    else:  # straight back, and only the 15 s left of the dwell
        expected = [(1019.0, "3"), (1027.0, "2"), (1044.0, "3")]
    assert gotos(rig, 1019.0)[:3] == expected
    assert rig.ctl.control.held_by(runner.requester)


def test_verification_preempting_an_operator_preempting_the_patrol(rig: Rig) -> None:
    runner = runner_for(rig)
    runner.start()
    rig.advance(5.0)
    rig.ctl.goto_preset(ZHANG, "2")
    rig.ctl.release(ZHANG)  # at 1005: the operator is done
    rig.ctl.visit(VERIFY, Priority.VERIFICATION, "3")  # the verification jumps the queue
    rig.advance(10.0)
    assert runner.status.state is PatrolState.WAITING and runner.status.blocked_by == VERIFY.name
    rig.ctl.release(VERIFY)  # at 1015: 10 s after the operator left, 20 s still to wait
    rig.advance(0.0)
    assert runner.status.state is PatrolState.RESUMING and runner.status.resume_at == 1035.0
    rig.advance(30.0)
    assert gotos(rig, 1015.0) == [(1035.0, "1"), (1044.0, "2")]  # 7 s of step 1's dwell were left


def test_operator_lease_lapse_then_resume_after_quiet_time(rig: Rig) -> None:
    runner = runner_for(rig)
    runner.start()
    rig.advance(19.0)
    rig.ctl.goto_preset(ZHANG, "3")  # and walks away: the 10 s lease lapses at 1029
    rig.advance(60.0)
    assert gotos(rig, 1019.0) == [(1019.0, "3"), (1059.0, "2"), (1076.0, "3")]


def test_operator_lock_for_minutes_then_patrol_resumes(rig: Rig) -> None:
    runner = runner_for(rig)
    runner.start()
    rig.advance(19.0)
    rig.ctl.lock(ZHANG, 3)  # looks at preset 2 for three minutes without moving
    rig.advance(0.0)
    assert runner.status.state is PatrolState.WAITING and runner.status.blocked_by == "张三"
    rig.advance(179.0)
    assert gotos(rig, 1019.0) == [] and runner.status.state is PatrolState.WAITING
    rig.advance(1.0)  # lock over at 1199: 30 s of quiet first
    assert runner.status.state is PatrolState.RESUMING and runner.status.resume_at == 1229.0
    rig.advance(50.0)
    # already on preset 2: settles once the command's grace has passed (1230), 15 s left
    assert gotos(rig, 1019.0) == [(1229.0, "2"), (1245.0, "3")]


def test_patrol_waits_behind_a_verification_when_started(rig: Rig) -> None:
    rig.ctl.visit(VERIFY, Priority.VERIFICATION, "3")
    runner = runner_for(rig)
    runner.start()
    assert runner.status.state is PatrolState.WAITING and runner.status.blocked_by == VERIFY.name
    rig.advance(10.0)
    rig.ctl.release(VERIFY)
    rig.advance(1.0)
    assert gotos(rig) == [(1000.0, "3"), (1010.0, "1")]


def test_started_by_hand_right_after_an_operator_goes_at_once(rig: Rig) -> None:
    rig.ctl.goto_preset(ZHANG, "3")
    rig.ctl.release(ZHANG)
    rig.advance(5.0)
    runner = runner_for(rig)
    runner.start()
    assert gotos(rig, 1005.0) == [(1005.0, "1")]


def test_moved_outside_citywall_while_dwelling(rig: Rig) -> None:
    runner = runner_for(rig)
    runner.start()
    rig.advance(20.0)  # on "人行道" since 1014, polled every 5 s (1019, 1024, ...)
    rig.ptz.push(PtzVector(0.8, 0.1, 0.0))
    rig.advance(4.0)
    assert runner.status.state is PatrolState.RESUMING and runner.status.dwelled_s == pytest.approx(10.0)
    rig.advance(50.0)
    assert gotos(rig, 1020.0) == [(1054.0, "2"), (1066.0, "3")]


# -- trouble ---------------------------------------------------------------------------------------
def test_unknown_preset_is_skipped_with_a_problem(rig: Rig) -> None:
    plan = {
        "steps": [
            {"preset": "1", "dwell_s": 10},
            {"preset": "没有", "dwell_s": 10},
            {"preset": "3", "dwell_s": 10},
        ]
    }
    runner = runner_for(rig, plan, retry_s=5.0)
    runner.start()
    rig.advance(20.0)
    assert gotos(rig) == [(1000.0, "1"), (1017.0, "3")]
    assert runner.status.problem is not None and "没有" in runner.status.problem


def test_camera_error_retries_the_same_step(rig: Rig) -> None:
    runner = runner_for(rig, retry_s=10.0)
    rig.ptz.failing["goto_preset"] = OnvifTimeout(3.0)
    runner.start()
    rig.advance(5.0)
    assert runner.status.problem == "camera did not answer within 3 s"
    del rig.ptz.failing["goto_preset"]
    rig.advance(10.0)
    assert gotos(rig) == [(1000.0, "1"), (1010.0, "1")]
    assert runner.status.state is PatrolState.DWELLING


def test_never_settling_moves_on_after_the_arrival_timeout(rig: Rig) -> None:
    runner = runner_for(rig, arrive_timeout_s=20.0)
    # the camera's preset 1 is elsewhere than the controller was told: it never settles "on" it
    rig.ptz.preset_list[0] = Preset("1", "全景", PtzVector(0.9, 0.9, 0.9))
    runner.start()
    rig.advance(21.0)
    assert gotos(rig) == [(1000.0, "1"), (1020.0, "2")]
    assert runner.status.problem == "did not settle on preset 1 within 20 s"


def test_for_camera_and_close(rig: Rig) -> None:
    assert PatrolRunner.for_camera(rig.ctl, rig.sched) is None
    camera = make_camera(patrol=PLAN)
    ctl = PtzController(camera, rig.ptz, rig.sched, clock=rig.clock)
    runner = PatrolRunner.for_camera(ctl, rig.sched, clock=rig.clock)
    assert runner is not None and [s.preset for s in runner.patrol.steps] == ["1", "人行道", "3"]
    runner.close()
    runner.start()
    assert not runner.running


# -- schedules ---------------------------------------------------------------------------------------
def test_schedule_window_starts_and_stops_the_patrol(rig: Rig) -> None:
    plan = {**PLAN, "schedule": [{"days": ["mon"], "start": "08:00", "end": "08:30"}]}
    runner = runner_for(rig, plan)
    assert not runner.running
    rig.advance(59.0)
    assert not runner.running
    rig.advance(1.0)  # 08:00
    assert runner.running and runner.status.started_by == "schedule"
    assert gotos(rig) == [(1060.0, "1")]
    rig.advance(1799.0)
    assert runner.running
    rig.advance(1.0)  # 08:30
    assert not runner.running and rig.ctl.control.holder is None


def test_schedule_does_not_overrule_the_operator(rig: Rig) -> None:
    plan = {
        **PLAN,
        "schedule": [
            {"days": ["mon"], "start": "08:00", "end": "08:30"},
            {"days": ["mon"], "start": "09:00", "end": "09:10"},
        ],
    }
    runner = runner_for(rig, plan)
    rig.advance(120.0)  # 08:01
    assert runner.running
    runner.stop()  # the operator stops it inside the window
    rig.advance(1740.0)  # 08:30
    assert not runner.running
    rig.advance(1800.0)  # 09:00: the next window starts it
    assert runner.running and runner.status.started_by == "schedule"
    runner.stop()
    runner.start()  # by hand now
    rig.advance(700.0)  # past 09:10
    assert runner.running and runner.status.started_by == "user"


def test_started_inside_a_window(rig: Rig) -> None:
    plan = {**PLAN, "schedule": [{"start": "07:00", "end": "08:00"}]}  # every day
    runner = runner_for(rig, plan)
    assert runner.running and runner.status.started_by == "schedule"
    rig.advance(60.0)
    assert not runner.running


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """May 2024: the 6th is a Monday, the 10th a Friday."""
    return datetime(2024, 5, day, hour, minute, second, tzinfo=SHANGHAI)


FRIDAY_NIGHT = PatrolWindow(days=("fri",), start="22:00", end="06:00")


@pytest.mark.parametrize(
    ("when", "inside"),
    [
        (at(10, 21, 59, 59), False),
        (at(10, 22), True),  # the start is in
        (at(10, 23, 30), True),
        (at(11, 5, 59, 59), True),  # Saturday morning, still Friday's window
        (at(11, 6), False),  # the end is out
        (at(11, 23), False),  # Saturday night is not Friday night
        (at(9, 23), False),  # nor is Thursday's
        (at(10, 3), False),  # Friday early morning belongs to Thursday's window
    ],
)
def test_overnight_window(when: datetime, inside: bool) -> None:
    assert window_contains(FRIDAY_NIGHT, when) is inside


def test_window_to_midnight_and_over_the_week_end() -> None:
    evening = PatrolWindow(days=("mon",), start="20:00", end="24:00")
    assert window_contains(evening, at(6, 23, 59, 59)) and not window_contains(evening, at(7, 0))
    sunday = PatrolWindow(days=("sun",), start="23:00", end="01:00")
    assert window_contains(sunday, at(6, 0, 30)) and not window_contains(sunday, at(6, 1))
    assert in_schedule([evening, sunday], at(6, 0, 30)) and not in_schedule([], at(6, 0, 30))


def test_next_schedule_change() -> None:
    assert next_schedule_change([FRIDAY_NIGHT], at(10, 12)) == at(10, 22)
    assert next_schedule_change([FRIDAY_NIGHT], at(10, 23)) == at(11, 6)
    assert next_schedule_change([FRIDAY_NIGHT], at(11, 6)) == at(17, 22)  # a week later
    evening = PatrolWindow(days=("mon",), start="20:00", end="24:00")
    assert next_schedule_change([evening], at(6, 21)) == at(7, 0)
    assert next_schedule_change([], at(6, 21)) is None
