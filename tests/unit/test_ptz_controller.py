"""The PTZ controller over a fake ONVIF port, in fake time: commands, arbitration, tracking, views.

``FakePtz`` is a camera whose head moves in fake time (a preset move takes ``move_s``), answering
every call at once with a finished future. ``advance`` moves the fake clock, running the
scheduler's timers in order, so nothing sleeps. test_patrols.py reuses these fakes.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import pytest

from app.adapters.onvif.errors import OnvifError, OnvifTimeout
from app.adapters.onvif.service import OnvifService
from app.core.preset_tracking import Place, Position
from app.core.ptz_control import (
    Granted,
    Locked,
    LockEnded,
    Preempted,
    Priority,
    Queued,
    Refused,
    RefuseReason,
    Released,
    ReleaseReason,
    Requester,
)
from app.core.ptz_geometry import HeadRange
from app.core.ptz_port import CameraCommandError, PtzPort, PtzVector
from app.services.ptz_controller import (
    CommandFailed,
    ControlChanged,
    ControlDenied,
    ControllerSettings,
    ControlNotice,
    PlaceChanged,
    PresetsChanged,
    PtzController,
    PtzEvent,
    PtzOptics,
    ThreadScheduler,
    TickScheduler,
    UnknownPreset,
    box_translation,
    center_translation,
    describe_denial,
)
from camera_config.models import Camera
from tests.ptz_fakes import PRESETS, FakeClock, FakePtz, advance, make_camera

ZHANG = Requester("operator:zhang", "张三")
LI = Requester("operator:li", "李四")
VERIFY = Requester("verify:case-12", "核查 #12")
DETECT = Requester("detect:vendor-3", "游商跟踪")
PATROL = Requester("patrol:cam001", "巡航")


@dataclass
class Rig:
    ctl: PtzController
    ptz: FakePtz
    clock: FakeClock
    sched: TickScheduler
    events: list[PtzEvent]

    def advance(self, seconds: float) -> None:
        advance(self.clock, self.sched, seconds)

    def places(self) -> list[tuple[Place, str | None]]:
        return [
            (e.place.place, e.place.preset.token if e.place.preset else e.place.target)
            for e in self.events
            if isinstance(e, PlaceChanged)
        ]

    def notices(self) -> list[object]:
        return [e.notice for e in self.events if isinstance(e, ControlNotice)]


def make_rig(camera: Camera | None = None, **settings: object) -> Rig:
    clock = FakeClock()
    sched = TickScheduler(clock)
    ptz = FakePtz(clock)
    cam = camera or make_camera(lock_minutes_default=5)
    ctl = PtzController(cam, ptz, sched, clock=clock, settings=ControllerSettings.for_camera(cam, **settings))
    events: list[PtzEvent] = []
    ctl.subscribe(events.append)
    ctl.start()
    sched.run_due()
    return Rig(ctl, ptz, clock, sched, events)


@pytest.fixture
def rig() -> Iterator[Rig]:
    r = make_rig()
    yield r
    r.ctl.stop()


def denial(future: Future[Any]) -> ControlDenied:
    error = future.exception(timeout=0)
    assert isinstance(error, ControlDenied), error
    return error


# -- the port -------------------------------------------------------------------------------------
def test_onvif_service_is_a_ptz_port() -> None:
    service = OnvifService(max_workers=1)
    port: PtzPort[Camera] = service  # checked by mypy: the adapter has everything the controller uses
    assert callable(port.hold_move)
    # A camera's refusal or silence is an expected failure of the port, not a bug of the service.
    assert isinstance(OnvifTimeout(3.0, camera="c1"), CameraCommandError)
    service.shutdown()


# -- polling and tracking ---------------------------------------------------------------------------
def test_start_reads_presets_and_polls_slowly_while_idle(rig: Rig) -> None:
    assert rig.ctl.presets == PRESETS
    assert any(isinstance(e, PresetsChanged) for e in rig.events)
    assert rig.ctl.place.place is Place.OFF_PRESET  # the fake starts between presets
    before = rig.ptz.calls.count("status")
    rig.advance(20.0)
    assert rig.ptz.calls.count("status") - before == 4  # every 5 s


def test_goto_preset_moves_then_settles_polling_fast_while_moving(rig: Rig) -> None:
    future = rig.ctl.goto_preset(ZHANG, "商铺门口")  # by name
    assert future.done() and future.exception() is None
    assert rig.ctl.place.place is Place.MOVING and rig.ctl.place.target == "3"
    before = rig.ptz.calls.count("status")
    rig.advance(2.0)  # the move takes 2 s
    assert rig.ptz.calls.count("status") - before == 4  # 2 Hz while moving
    place = rig.ctl.place
    assert place.on_preset("3") and place.settled_since == rig.clock.t
    assert rig.places()[-2:] == [(Place.MOVING, "3"), (Place.SETTLED, "3")]
    before = rig.ptz.calls.count("status")
    rig.advance(10.0)
    assert rig.ptz.calls.count("status") - before == 2  # back to every 5 s


def test_drift_is_seen_at_the_next_idle_poll(rig: Rig) -> None:
    rig.ctl.goto_preset(ZHANG, "1")
    rig.advance(3.0)
    assert rig.ctl.place.on_preset("1")
    rig.ptz.push(PtzVector(0.3, 0.5, 0.0))  # someone at the camera's keyboard
    rig.advance(5.0)
    assert rig.ctl.place.place is Place.OFF_PRESET


def test_status_failure_is_unknown_and_recovers(rig: Rig) -> None:
    rig.ptz.failing["status"] = OnvifTimeout(3.0, camera="cam001")
    rig.advance(5.0)
    place = rig.ctl.place
    assert place.place is Place.UNKNOWN and place.error == "camera cam001: camera did not answer within 3 s"
    del rig.ptz.failing["status"]
    rig.advance(5.0)
    assert rig.ctl.place.place is Place.OFF_PRESET


def test_stop_ends_polling() -> None:
    r = make_rig()
    r.ctl.stop()
    before = len(r.ptz.calls)
    r.advance(60.0)
    assert len(r.ptz.calls) == before


# -- presets ---------------------------------------------------------------------------------------
def test_set_preset_here_then_settled_on_it(rig: Rig) -> None:
    future = rig.ctl.set_preset(ZHANG, "路口")
    rig.sched.run_due()
    assert future.result(timeout=0) == "4"
    assert rig.ctl.find_preset("路口") is not None and rig.ctl.place.on_preset("4")
    removed = rig.ctl.remove_preset(ZHANG, "4")
    rig.sched.run_due()
    assert removed.exception(timeout=0) is None
    assert rig.ctl.find_preset("4") is None and rig.ctl.place.place is Place.OFF_PRESET


def test_unknown_preset_and_home(rig: Rig) -> None:
    assert isinstance(rig.ctl.goto_preset(ZHANG, "没有").exception(timeout=0), UnknownPreset)
    assert rig.ctl.goto_home(ZHANG).exception(timeout=0) is None
    rig.advance(3.0)
    assert rig.ctl.place.place is Place.OFF_PRESET and rig.ptz.calls.count("goto_home") == 1


def test_failed_command_is_told_to_listeners(rig: Rig) -> None:
    rig.ptz.failing["goto_preset"] = OnvifError("camera refused the move")
    future = rig.ctl.goto_preset(ZHANG, "1")
    rig.sched.run_due()
    assert isinstance(future.exception(timeout=0), OnvifError)
    failed = [e for e in rig.events if isinstance(e, CommandFailed)]
    assert [(f.requester, f.what, str(f.error)) for f in failed] == [
        (ZHANG, "go to preset", "camera refused the move")
    ]


# -- arbitration through the controller ---------------------------------------------------------------
def test_second_operator_is_told_who_holds_the_camera_and_may_take_over(rig: Rig) -> None:
    move = rig.ctl.hold_move(ZHANG, PtzVector(pan=0.5))
    assert move.started.exception(timeout=0) is None and move.active
    denied = denial(rig.ctl.goto_preset(LI, "1"))
    assert str(denied) == "held by 张三 (operator)"
    assert isinstance(denied.outcome, Queued) and not denied.outcome.enqueued
    assert rig.ctl.control.waiting == ()  # operators' clicks never queue
    taken = rig.ctl.goto_preset(LI, "1", take_over=True)
    rig.sched.run_due()
    assert taken.exception(timeout=0) is None and rig.ctl.control.held_by(LI)
    assert not move.active and rig.ptz.calls[-2:] == ["stop", "goto_preset"]  # stopped first
    assert Preempted("cam001", ZHANG, Priority.OPERATOR, LI, Priority.OPERATOR, False) in rig.notices()
    move.keep_alive()  # harmless now
    assert rig.ptz.holds[0].keep_alives == 0


def test_operator_lease_lapses_and_automation_gets_the_camera_back(rig: Rig) -> None:
    assert isinstance(rig.ctl.request(PATROL, Priority.PATROL), Granted)
    rig.ctl.goto_preset(ZHANG, "2")
    assert rig.ctl.control.held_by(ZHANG)
    rig.advance(9.0)
    rig.ctl.relative_move(ZHANG, PtzVector(pan=0.01))  # each action renews the 10 s lease
    rig.advance(9.9)
    assert rig.ctl.control.held_by(ZHANG)
    rig.advance(0.2)
    control = rig.ctl.control
    assert control.held_by(PATROL) and control.operator_left_at == pytest.approx(1019.0)
    assert Granted("cam001", PATROL, Priority.PATROL, pytest.approx(1019.0)) in rig.notices()  # type: ignore[arg-type]


def test_held_move_keeps_the_lease_alive_and_ends_off_preset(rig: Rig) -> None:
    rig.ctl.goto_preset(ZHANG, "1")
    rig.advance(3.0)
    move = rig.ctl.hold_move(ZHANG, PtzVector(pan=0.5))
    assert rig.ctl.place.place is Place.MOVING
    for _ in range(50):  # 15 s of joystick, longer than the lease
        rig.advance(0.3)
        move.keep_alive()
    assert rig.ctl.control.held_by(ZHANG) and rig.ptz.holds[0].keep_alives == 50
    stopped = move.release()
    assert stopped.exception(timeout=0) is None and not move.active
    rig.advance(1.5)
    assert rig.ctl.place.place is Place.OFF_PRESET
    assert move.release().done()  # twice is harmless


def test_hold_move_denied_does_nothing(rig: Rig) -> None:
    rig.ctl.lock(ZHANG)
    move = rig.ctl.hold_move(LI, PtzVector(tilt=-0.3))
    assert str(denial(move.started)) == "locked by 张三 for another 5 min"  # the camera's default
    move.keep_alive()
    assert move.release().done() and rig.ptz.holds == []


def test_lock_keeps_automation_out_until_it_expires_then_visit_goes(rig: Rig) -> None:
    locked = rig.ctl.lock(ZHANG, 2)
    assert isinstance(locked, Locked) and locked.until == 1120.0
    assert str(denial(rig.ctl.goto_preset(LI, "1", take_over=True))) == "locked by 张三 for another 2 min"
    visit = rig.ctl.visit(VERIFY, Priority.VERIFICATION, "人行道", timeout_s=600)
    assert not visit.done() and rig.ctl.control.waiting[0].requester == VERIFY
    rig.advance(119.0)
    assert not visit.done() and "goto_preset" not in rig.ptz.calls
    rig.advance(4.0)  # the lock ends at 120 s; the verification goes and settles 2 s later
    assert visit.done()
    place = visit.result(timeout=0)
    assert place.on_preset("2") and place.settled_since == pytest.approx(1122.0)
    assert rig.ctl.control.held_by(VERIFY)  # kept until the verification releases it
    assert any(isinstance(n, LockEnded) for n in rig.notices())


def test_unlock_by_others_needs_override(rig: Rig) -> None:
    rig.ctl.lock(ZHANG, 10)
    refused = rig.ctl.unlock(LI)
    assert isinstance(refused, Refused) and refused.reason is RefuseReason.NOT_LOCK_HOLDER
    assert describe_denial(refused, rig.clock.t) == "only 张三 or a supervisor can unlock it"
    assert isinstance(rig.ctl.unlock(LI, override=True), LockEnded)
    assert rig.ctl.control.lock is None


def test_release_ends_holding_and_listeners_hear_changes(rig: Rig) -> None:
    rig.ctl.goto_preset(ZHANG, "1")
    released = rig.ctl.release(ZHANG)
    rig.sched.run_due()
    assert released == Released("cam001", ZHANG, ReleaseReason.RELEASED, True)
    changes = [e.control for e in rig.events if isinstance(e, ControlChanged)]
    assert changes[-1].holder is None and changes[0].held_by(ZHANG)


def test_unsubscribed_listener_hears_nothing(rig: Rig) -> None:
    heard: list[PtzEvent] = []
    unsubscribe = rig.ctl.subscribe(heard.append)
    unsubscribe()
    unsubscribe()
    rig.ctl.goto_preset(ZHANG, "1")
    rig.advance(3.0)
    assert heard == []


# -- visits (verification, detection follow-up) -------------------------------------------------
def test_verification_takes_the_camera_from_a_patrol_which_gets_it_back(rig: Rig) -> None:
    rig.ctl.request(PATROL, Priority.PATROL)
    rig.ctl.goto_preset(PATROL, "1", priority=Priority.PATROL)
    visit = rig.ctl.visit(VERIFY, Priority.VERIFICATION, "3")
    assert rig.ctl.control.held_by(VERIFY)
    rig.advance(3.0)
    assert visit.result(timeout=0).on_preset("3")
    rig.ctl.release(VERIFY)
    assert rig.ctl.control.held_by(PATROL)


def test_detection_visit_preempted_by_verification_goes_again_after(rig: Rig) -> None:
    follow = rig.ctl.visit(DETECT, Priority.DETECTION, "2", timeout_s=300)
    rig.advance(0.5)
    verify = rig.ctl.visit(VERIFY, Priority.VERIFICATION, "3")
    rig.advance(3.0)
    assert verify.result(timeout=0).on_preset("3") and not follow.done()
    rig.ctl.release(VERIFY)
    rig.advance(3.0)
    assert follow.result(timeout=0).on_preset("2")
    assert rig.ptz.calls.count("goto_preset") == 3


def test_visit_times_out_and_withdraws(rig: Rig) -> None:
    rig.ctl.lock(ZHANG, 10)
    visit = rig.ctl.visit(DETECT, Priority.DETECTION, "2", timeout_s=30)
    rig.advance(30.0)
    assert isinstance(visit.exception(timeout=0), TimeoutError)
    assert rig.ctl.control.waiting == ()


def test_cancelled_visit_withdraws_and_unknown_preset_fails(rig: Rig) -> None:
    rig.ctl.lock(ZHANG, 10)
    visit = rig.ctl.visit(DETECT, Priority.DETECTION, "2")
    assert visit.cancel()
    assert rig.ctl.control.waiting == ()
    assert isinstance(rig.ctl.visit(DETECT, Priority.DETECTION, "9").exception(timeout=0), UnknownPreset)


def test_visit_on_a_camera_that_fails_the_move(rig: Rig) -> None:
    rig.ptz.failing["goto_preset"] = OnvifError("camera refused the move")
    visit = rig.ctl.visit(VERIFY, Priority.VERIFICATION, "1")
    rig.sched.run_due()
    assert str(visit.exception(timeout=0)) == "camera refused the move"
    assert rig.ctl.control.holder is None


# -- click-to-centre and box zoom -----------------------------------------------------------------
def test_center_on_sends_the_relative_move_for_the_current_view(rig: Rig) -> None:
    rig.ctl.absolute_move(ZHANG, PtzVector(0.0, 0.5, 0.0))
    rig.advance(3.0)
    future = rig.ctl.center_on(ZHANG, 1.0, 0.5)
    assert future.exception(timeout=0) is None
    sent = rig.ptz.translations[-1]
    expected = center_translation(1.0, 0.5, Position(0.0, 0.5, 0.0), PtzOptics())
    assert sent == expected and sent.pan is not None and sent.pan > 0
    rig.ctl.zoom_to_box(ZHANG, 0.4, 0.4, 0.6, 0.6)
    assert rig.ptz.translations[-1].zoom == pytest.approx(4.0 / 19.0)  # 1x -> 5x of a 1..20x lens


OPTICS = PtzOptics(HeadRange(), hfov_wide_deg=60.0, aspect=16 / 9)


def test_centre_of_the_picture_needs_no_move() -> None:
    v = center_translation(0.5, 0.5, Position(0.3, 0.2, 0.4), OPTICS)
    assert v.pan == pytest.approx(0.0, abs=1e-12) and v.tilt == pytest.approx(0.0, abs=1e-12)


def test_click_on_the_right_edge_of_a_level_wide_view_pans_half_the_view() -> None:
    v = center_translation(1.0, 0.5, Position(0.0, 0.5, 0.0), OPTICS)  # tilt 0.5 = level (0 deg)
    assert v.pan == pytest.approx(30.0 / 360.0) and v.tilt == pytest.approx(0.0, abs=1e-12)
    assert v.zoom == 0.0


def test_click_below_the_centre_tilts_down_by_the_vertical_half_angle() -> None:
    v = center_translation(0.5, 1.0, Position(0.0, 0.5, 0.0), OPTICS)
    half_v = math.degrees(math.atan(math.tan(math.radians(30.0)) * 9 / 16))
    assert v.tilt == pytest.approx(-half_v / 120.0) and v.pan == pytest.approx(0.0, abs=1e-12)


def test_zoomed_in_the_same_click_turns_less() -> None:
    wide = center_translation(0.75, 0.5, Position(0.0, 0.5, 0.0), OPTICS)
    tele = center_translation(0.75, 0.5, Position(0.0, 0.5, 9.0 / 19.0), OPTICS)  # 10x
    assert wide.pan is not None and tele.pan is not None
    assert tele.pan == pytest.approx(math.degrees(math.atan(math.tan(math.radians(30)) / 20)) / 360)
    assert tele.pan < wide.pan / 9


def test_looking_steeply_down_a_side_click_turns_more_pan() -> None:
    level = center_translation(1.0, 0.5, Position(0.0, 0.5, 0.0), OPTICS)
    down = center_translation(1.0, 0.5, Position(0.0, -0.5, 0.0), OPTICS)  # 60 deg below the horizon
    assert level.pan is not None and down.pan is not None and down.pan > 1.5 * level.pan
    assert down.tilt is not None and down.tilt > 0  # the point lies a little higher than the centre


def test_unknown_position_counts_as_level_and_wide() -> None:
    assert center_translation(1.0, 0.5, None, OPTICS) == center_translation(
        1.0, 0.5, Position(0.0, 0.5, 0.0), OPTICS
    )


def test_pan_across_the_seam_takes_the_short_way() -> None:
    v = center_translation(1.0, 0.5, Position(0.95, 0.5, 0.0), OPTICS)  # pan 171 deg, +30 crosses 180
    assert v.pan == pytest.approx(30.0 / 360.0)


def test_box_zoom_centres_and_fills_the_picture() -> None:
    v = box_translation(0.5, 0.5, 1.0, 1.0, Position(0.0, 0.5, 0.0), OPTICS)  # bottom-right quarter
    centre = center_translation(0.75, 0.75, Position(0.0, 0.5, 0.0), OPTICS)
    assert (v.pan, v.tilt) == (centre.pan, centre.tilt)
    assert v.zoom == pytest.approx(1.0 / 19.0)  # 1x -> 2x
    tall = box_translation(0.45, 0.0, 0.55, 1.0, Position(0.0, 0.5, 0.0), OPTICS)
    assert tall.zoom == pytest.approx(0.0)  # the full height already: no zoom


def test_box_dragged_backwards_zooms_out_and_zoom_stays_in_range() -> None:
    at_4x = Position(0.0, 0.5, 3.0 / 19.0)
    out = box_translation(0.75, 0.25, 0.25, 0.75, at_4x, OPTICS)
    assert out.zoom == pytest.approx(-2.0 / 19.0)  # 4x -> 2x
    deep = box_translation(0.49, 0.49, 0.51, 0.51, Position(0.0, 0.5, 0.9), OPTICS)
    assert deep.zoom == pytest.approx(0.1)  # 18.1x wants 905x: the lens stops at 20x


@pytest.mark.parametrize(
    ("box", "message"),
    [
        ((0.2, 0.2, 0.2, 0.6), "no area"),
        ((0.2, 0.2, 1.2, 0.6), "fractions"),
        ((-0.1, 0, 0.5, 0.5), "fractions"),
    ],
)
def test_bad_boxes_are_refused(box: tuple[float, float, float, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        box_translation(*box, None, OPTICS)


def test_bad_optics_are_refused() -> None:
    with pytest.raises(ValueError, match="hfov"):
        PtzOptics(hfov_wide_deg=0)


# -- words ------------------------------------------------------------------------------------------
def test_denials_in_words() -> None:
    held = Queued("cam001", PATROL, Priority.PATROL, VERIFY, Priority.VERIFICATION, False, None, 0, True)
    assert describe_denial(held, 0.0) == "held by 核查 #12 (verification)"
    locked = Queued("cam001", PATROL, Priority.PATROL, ZHANG, Priority.OPERATOR, True, 650.0, 0, True)
    assert describe_denial(locked, 0.0) == "locked by 张三 for another 11 min"
    refused = Refused("cam001", LI, RefuseReason.HELD, ZHANG)
    assert describe_denial(refused, 0.0) == "held by 张三 (operator); take over to control it"
    assert describe_denial(Refused("cam001", LI, RefuseReason.NOT_LOCKED), 0.0) == "the camera is not locked"
    assert describe_denial(Refused("cam001", LI, RefuseReason.LOCKED, ZHANG, 30.0), 0.0).endswith("1 min")


# -- schedulers -----------------------------------------------------------------------------------
def test_tick_scheduler_runs_in_time_order_and_survives_a_failing_callback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock(0.0)
    sched = TickScheduler(clock)
    ran: list[str] = []
    sched.call_later(2.0, lambda: ran.append("b"))
    sched.call_later(1.0, lambda: ran.append("a"))
    cancelled = sched.call_later(1.5, lambda: ran.append("never"))
    cancelled.cancel()

    def boom() -> None:
        raise ZeroDivisionError

    sched.call_later(1.0, boom)
    sched.call_soon(lambda: ran.append("now"))
    with caplog.at_level(logging.ERROR):
        advance(clock, sched, 3.0)
    assert ran == ["now", "a", "b"] and sched.next_due() is None
    assert "callback failed" in caplog.text


def test_thread_scheduler_runs_callbacks_on_its_own_thread() -> None:
    sched = ThreadScheduler()
    seen: list[str] = []
    finished = threading.Event()

    def note() -> None:
        seen.append(threading.current_thread().name)
        finished.set()

    sched.call_soon(note)
    assert finished.wait(5.0)
    sched.stop()
    assert seen == ["ptz-scheduler"]
