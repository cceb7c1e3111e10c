"""The system event log: numbering, bounds, conditions that resolve, listeners that fail."""

from __future__ import annotations

import logging

import pytest

from app.core.system_events import Severity, SystemEvent, SystemEventKind
from app.services.system_events import SystemEventLog

K = SystemEventKind


def test_events_are_numbered_and_read_since_a_number() -> None:
    events = SystemEventLog()
    first = events.report(K.CAMERA_DOWN, camera_id="c1", detail="Connection refused")
    events.report(K.CAMERA_UP, camera_id="c1")
    assert first.seq == 1 and first.severity == Severity.WARNING
    assert [e.kind for e in events.since(0)] == [K.CAMERA_DOWN, K.CAMERA_UP]
    assert [e.kind for e in events.since(1)] == [K.CAMERA_UP]
    assert events.since(2) == [] and events.last_seq == 2


def test_the_log_is_bounded_but_numbering_goes_on() -> None:
    events = SystemEventLog(capacity=3)
    for _ in range(5):
        events.report(K.DISK_LOW, subject="/data", value=100)
    assert [e.seq for e in events.recent()] == [3, 4, 5]


def test_a_camera_up_resolves_only_its_own_camera_down() -> None:
    events = SystemEventLog()
    events.report(K.CAMERA_DOWN, camera_id="c1")
    events.report(K.CAMERA_DOWN, camera_id="c2")
    events.report(K.CAMERA_UP, camera_id="c1")
    assert [(e.kind, e.camera_id) for e in events.open_conditions()] == [(K.CAMERA_DOWN, "c2")]


def test_a_repeated_condition_is_open_once_and_disk_ok_ends_low_and_full() -> None:
    events = SystemEventLog()
    events.report(K.DISK_LOW, subject="/data", value=300)
    events.report(K.DISK_LOW, subject="/data", value=200)
    assert len(events.open_conditions()) == 1 and events.open_conditions()[0].value == 200
    events.report(K.DISK_OK, subject="")
    assert events.open_conditions() == []


def test_every_event_is_logged_with_its_severity(caplog: pytest.LogCaptureFixture) -> None:
    events = SystemEventLog()
    with caplog.at_level(logging.INFO, logger="citywall.events"):
        events.report(K.EVIDENCE_NOT_SAVED, camera_id="c7", detail="No space left on device")
    (record,) = caplog.records
    assert record.levelno == logging.ERROR
    assert "camera=c7" in record.getMessage() and "No space left" in record.getMessage()


def test_a_failing_listener_does_not_stop_reporting() -> None:
    events = SystemEventLog()
    seen: list[SystemEvent] = []

    def broken(_event: SystemEvent) -> None:
        raise RuntimeError("listener bug")

    events.subscribe(broken)
    events.subscribe(seen.append)
    events.report(K.SNAPSHOT_SAVED, subject="/pics/a.png")
    assert [e.kind for e in seen] == [K.SNAPSHOT_SAVED] and events.last_seq == 1


def test_a_full_disk_replaces_its_low_warning_as_one_open_condition() -> None:
    events = SystemEventLog()
    events.report(K.DISK_LOW, subject="/data", value=300)
    events.report(K.DISK_FULL, subject="/data", value=10)
    assert [e.kind for e in events.open_conditions()] == [K.DISK_FULL]
    events.report(K.DISK_LOW, subject="/data", value=500)
    assert [e.kind for e in events.open_conditions()] == [K.DISK_LOW]
