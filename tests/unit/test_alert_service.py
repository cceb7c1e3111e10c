"""The alert service: one path for every change (book → writer → listeners), failures kept and retried."""

from __future__ import annotations

import dataclasses

import pytest

from app.core.alerts import (
    Alert,
    AlertChange,
    AlertPriority,
    AlertState,
    DismissReason,
    EvidenceKind,
    EvidenceRef,
    InvalidAlertTransition,
    Rule,
)
from app.core.audit import verify_chain
from app.core.system_events import SystemEvent, SystemEventKind
from app.services.alerts import AlertService
from tests.alert_fakes import FakeClock, FakeWriter


def alert(alert_id: str = "a1", at: float = 1000.0, **changes: object) -> Alert:
    base = Alert(
        id=alert_id, camera_id="cam012", preset="1", zone_id="north-gate", rule=Rule.VENDING,
        event_code="0501", raised_at=at, score=0.8, zone_name="北门",
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def setup() -> tuple[AlertService, FakeWriter, FakeClock, list[SystemEvent], list[AlertChange]]:
    writer, clock = FakeWriter(), FakeClock(1000.0)
    events: list[SystemEvent] = []
    seen: list[AlertChange] = []
    service = AlertService(writer, clock, events.append)
    service.subscribe(seen.append)
    return service, writer, clock, events, seen


Setup = tuple[AlertService, FakeWriter, FakeClock, list[SystemEvent], list[AlertChange]]


def test_every_change_is_stored_chained_and_told_to_every_listener(setup: Setup) -> None:
    service, writer, clock, _, seen = setup
    service.detector_raised(alert())
    clock.t = 1010.0
    service.acknowledge("a1", "张三")
    clock.t = 1020.0
    service.dismiss("a1", "张三", DismissReason.FIXED_OBJECT)
    assert [c.draft.action for c in seen] == ["raise", "acknowledge", "dismiss"]
    assert [e.action for e in writer.events] == ["raise", "acknowledge", "dismiss"]
    assert writer.rows["a1"].state is AlertState.DISMISSED and writer.rows["a1"].dismissed_at == 1020.0
    assert verify_chain(writer.events) == []


def test_a_refused_command_changes_nothing_stores_nothing_and_tells_no_one(setup: Setup) -> None:
    service, writer, _, _, seen = setup
    service.detector_raised(alert())
    service.dismiss("a1", "张三", DismissReason.GONE)
    with pytest.raises(InvalidAlertTransition):
        service.confirm("a1", "李四")
    assert len(seen) == len(writer.events) == 2 and service.get("a1").state is AlertState.DISMISSED


def test_a_raise_on_an_open_key_continues_it_and_a_late_clear_is_only_logged(setup: Setup) -> None:
    service, writer, _, _, _ = setup
    service.detector_raised(alert("a1"))
    change = service.detector_raised(alert("a2", at=1100.0))
    assert change.after.id == "a1" and len(service.alerts()) == 1
    assert service.detector_cleared("a1", 1200.0) is not None
    assert service.detector_cleared("a1", 1300.0) is None  # cleared already: a worker a step behind
    assert service.detector_cleared("never-seen", 1300.0) is None
    assert [e.action for e in writer.events] == ["raise", "continue", "clear"]


def test_a_failing_store_keeps_changes_says_so_once_and_catches_up_in_order(setup: Setup) -> None:
    service, writer, clock, events, _ = setup
    service.detector_raised(alert())
    writer.failing = True
    service.acknowledge("a1", "张三")
    service.escalate("a1", "张三", "摊主不听劝")
    assert service.unwritten == 2 and service.get("a1").state is AlertState.ESCALATED
    assert [e.kind for e in events] == [SystemEventKind.ALERT_NOT_STORED]
    writer.failing = False
    clock.t = 1005.0
    service.tick()
    assert service.unwritten == 0
    assert [e.action for e in writer.events] == ["raise", "acknowledge", "escalate"]
    assert writer.rows["a1"].state is AlertState.ESCALATED  # the row is the alert as it is now
    assert [e.kind for e in events] == [SystemEventKind.ALERT_NOT_STORED, SystemEventKind.ALERTS_STORED]
    assert events[1].resolves(events[0])


def test_a_snooze_ends_by_itself_and_a_snoozed_camera_is_not_boosted(setup: Setup) -> None:
    service, writer, clock, _, seen = setup
    service.detector_raised(alert())
    service.snooze("a1", "张三", minutes=5)
    assert service.cameras_with_open_alerts() == set() and service.awaiting_acknowledgement() == []
    clock.t = 1299.0
    assert service.tick() == []
    clock.t = 1300.0
    ended = service.tick()
    assert [c.draft.action for c in ended] == ["snooze_ended"] and seen[-1] is ended[0]
    assert service.cameras_with_open_alerts() == {"cam012"}
    assert writer.rows["a1"].snoozed_until is None


def test_unacknowledged_alerts_come_most_urgent_first_even_after_they_cleared(setup: Setup) -> None:
    service, _, _, _, _ = setup
    service.detector_raised(
        alert("bin", at=900.0, rule=Rule.BIN_OVERFLOW, zone_id="bin1", priority=AlertPriority.LOW)
    )
    service.detector_raised(alert("vendor", at=950.0))
    service.detector_cleared("vendor", 990.0)
    assert [a.id for a in service.awaiting_acknowledgement()] == ["vendor", "bin"]
    service.acknowledge("vendor", "张三")
    assert [a.id for a in service.awaiting_acknowledgement()] == ["bin"]


def test_evidence_that_comes_later_is_attached_once_and_recorded(setup: Setup) -> None:
    service, writer, _, _, _ = setup
    service.detector_raised(alert())
    clip = EvidenceRef("c" * 64, EvidenceKind.CLIP, "video/mp4", 10, 1000.0, "cam012", "sub")
    service.attach_evidence("a1", (clip,))
    service.attach_evidence("a1", (clip,))
    assert service.get("a1").evidence == (clip,)
    assert writer.events[-1].action == "evidence"


def test_after_a_restart_the_loaded_alerts_are_handled_like_any_other(setup: Setup) -> None:
    service, writer, _, _, _ = setup
    service.load([alert("old", at=500.0, acknowledged_by="张三", acknowledged_at=510.0,
                        state=AlertState.ACKNOWLEDGED)])  # fmt: skip
    assert writer.events == []  # loading is not a change
    service.detector_raised(alert("new", at=1000.0))  # the condition is still there: no duplicate
    assert [a.id for a in service.alerts()] == ["old"] and writer.events[-1].action == "continue"
    service.confirm("old", "李四")
    assert writer.rows["old"].state is AlertState.CONFIRMED


def test_a_listener_that_fails_does_not_stop_the_others_or_the_store(setup: Setup) -> None:
    service, writer, _, _, seen = setup

    def broken(change: AlertChange) -> None:
        raise RuntimeError("view bug")

    service.subscribe(broken)
    later: list[AlertChange] = []
    unsubscribe = service.subscribe(later.append)
    service.detector_raised(alert())
    assert len(seen) == len(later) == len(writer.events) == 1
    unsubscribe()
    service.acknowledge("a1", "张三")
    assert len(later) == 1 and len(seen) == 2


def test_a_change_a_listener_makes_reaches_every_listener_after_the_one_that_caused_it() -> None:
    """The escalation ladder answers a clear with a change of its own: a view that subscribed
    after it must still see the clear first and the ladder's change last (else it keeps the
    stale alert: 目标已离开 where it should read 喊话后已离开)."""
    service = AlertService(FakeWriter(), FakeClock(1000.0))

    def answers_the_acknowledgement(change: AlertChange) -> None:
        if change.draft.action == "acknowledge":
            service.assign(change.after.id, "system", "李四")

    first: list[AlertChange] = []
    service.subscribe(first.append)
    service.subscribe(answers_the_acknowledgement)
    view: list[AlertChange] = []
    service.subscribe(view.append)
    service.detector_raised(alert())
    service.acknowledge("a1", "张三")
    for heard in (first, view):
        assert [c.draft.action for c in heard] == ["raise", "acknowledge", "assign"]
    assert view[-1].after == service.get("a1") and view[-1].after.owner == "李四"
