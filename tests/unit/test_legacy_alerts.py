"""The alert life cycle: every (state, command) pair transitions or raises."""

from __future__ import annotations

import itertools

import pytest

from app.core.legacy_alerts import (
    TRANSITIONS,
    Alert,
    AlertBook,
    AlertCommand,
    AlertState,
    InvalidAlertTransition,
    UnknownAlert,
    next_state,
)

S, C = AlertState, AlertCommand

EXPECTED: dict[tuple[AlertState, AlertCommand], AlertState | None] = {
    (S.RAISED, C.RAISE): None,
    (S.RAISED, C.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.RAISED, C.DISMISS): S.DISMISSED,
    (S.RAISED, C.CLEAR): S.CLEARED,
    (S.ACKNOWLEDGED, C.RAISE): None,
    (S.ACKNOWLEDGED, C.ACKNOWLEDGE): None,
    (S.ACKNOWLEDGED, C.DISMISS): S.DISMISSED,
    (S.ACKNOWLEDGED, C.CLEAR): S.CLEARED,
    (S.CLEARED, C.RAISE): None,  # a condition that comes back is a new alert
    (S.CLEARED, C.ACKNOWLEDGE): None,
    (S.CLEARED, C.DISMISS): S.DISMISSED,
    (S.CLEARED, C.CLEAR): None,
    (S.DISMISSED, C.RAISE): None,
    (S.DISMISSED, C.ACKNOWLEDGE): None,
    (S.DISMISSED, C.DISMISS): None,
    (S.DISMISSED, C.CLEAR): S.DISMISSED,  # the scene cleared after the dismissal: noted
}


def raise_one(book: AlertBook, alert_id: str = "a1", **changes: object) -> Alert:
    fields: dict[str, object] = {
        "alert_id": alert_id,
        "camera_id": "cam012",
        "preset": "1",
        "zone_id": "north-gate",
        "rule": "vending",
        "event_code": "0501",
        "raised_at": 1000.0,
        "score": 0.8,
        "evidence_path": "/evidence/a1.jpg",
        "zone_name": "北门",
    }
    fields.update(changes)
    return book.raise_alert(**fields)  # type: ignore[arg-type]


def book_with_alert_in(state: AlertState) -> AlertBook:
    book = AlertBook()
    raise_one(book)
    if state is S.ACKNOWLEDGED:
        book.acknowledge("a1", "王芳", 1010.0)
    elif state is S.CLEARED:
        book.auto_clear("a1", 1020.0)
    elif state is S.DISMISSED:
        book.dismiss("a1", "王芳", 1010.0, "permitted breakfast cart")
    assert book.get("a1").state is state
    return book


def test_the_table_is_exactly_the_expected_one() -> None:
    allowed = {pair: target for pair, target in EXPECTED.items() if target is not None}
    assert allowed == TRANSITIONS
    assert set(EXPECTED) == set(itertools.product(AlertState, AlertCommand))


@pytest.mark.parametrize(("state", "command"), list(EXPECTED), ids=lambda v: v.value)
def test_every_state_and_command_pair(state: AlertState, command: AlertCommand) -> None:
    book = book_with_alert_in(state)
    target = EXPECTED[(state, command)]
    if target is None:
        with pytest.raises(InvalidAlertTransition) as caught:
            book.apply("a1", command, 1100.0, by="李明")
        assert caught.value.state is state and caught.value.command is command
        assert book.get("a1").state is state  # nothing changed
        with pytest.raises(InvalidAlertTransition):
            next_state("a1", state, command)
    else:
        after = book.apply("a1", command, 1100.0, by="李明")
        assert after.state is target and book.get("a1") == after
        assert next_state("a1", state, command) is target


def test_raising_an_id_again_is_refused_in_every_state() -> None:
    for state in AlertState:
        book = book_with_alert_in(state)
        with pytest.raises(InvalidAlertTransition, match="new alert"):
            raise_one(book)


def test_a_raised_alert_carries_what_the_operator_needs() -> None:
    book = AlertBook()
    alert = raise_one(book)
    assert alert.state is S.RAISED and alert.is_open
    assert alert.key == ("cam012", "1", "north-gate", "vending", "0501")
    assert (alert.zone_name, alert.score, alert.evidence_path) == ("北门", 0.8, "/evidence/a1.jpg")
    assert alert.cleared_at is None and "a1" in book and len(book) == 1


def test_acknowledge_then_auto_clear_keeps_who_and_when() -> None:
    book = AlertBook()
    raise_one(book)
    book.acknowledge("a1", "王芳", 1010.0)
    cleared = book.auto_clear("a1", 1200.0, evidence_path="/evidence/a1-after.jpg")
    assert cleared.state is S.CLEARED and not cleared.is_open
    assert (cleared.acknowledged_by, cleared.acknowledged_at) == ("王芳", 1010.0)
    assert (cleared.cleared_at, cleared.clear_evidence_path) == (1200.0, "/evidence/a1-after.jpg")


def test_a_dismissed_alert_notes_a_later_clear_but_stays_dismissed() -> None:
    book = book_with_alert_in(S.DISMISSED)
    after = book.auto_clear("a1", 1300.0)
    assert after.state is S.DISMISSED and after.cleared_at == 1300.0
    assert (after.dismissed_by, after.note) == ("王芳", "permitted breakfast cart")


def test_a_condition_that_comes_back_is_a_new_alert() -> None:
    book = book_with_alert_in(S.CLEARED)
    again = raise_one(book, "a2", raised_at=2000.0)
    assert again.state is S.RAISED and book.get("a1").state is S.CLEARED
    assert [a.id for a in book.open_alerts()] == ["a2"]


def test_an_open_alert_left_over_for_the_same_place_is_cleared_by_a_new_one() -> None:
    book = AlertBook()
    raise_one(book, "a1")
    book.acknowledge("a1", "王芳", 1010.0)
    raise_one(book, "a2", raised_at=1500.0)  # the detection worker restarted and raised again
    assert book.get("a1").state is S.CLEARED and book.get("a1").cleared_at == 1500.0
    other_zone = raise_one(book, "a3", zone_id="south-gate", raised_at=1600.0)
    assert other_zone.is_open and book.get("a2").is_open


def test_open_alerts_oldest_first_and_cameras_with_open_alerts() -> None:
    book = AlertBook()
    raise_one(book, "late", raised_at=3000.0, camera_id="cam002")
    raise_one(book, "early", raised_at=1000.0)
    raise_one(book, "gone", raised_at=500.0, camera_id="cam003", zone_id="z9")
    book.dismiss("gone", "王芳", 600.0)
    assert [a.id for a in book.open_alerts()] == ["early", "late"]
    assert book.cameras_with_open_alerts() == {"cam012", "cam002"}
    assert {a.id for a in book} == {"late", "early", "gone"}


def test_unknown_alerts_are_named() -> None:
    book = AlertBook()
    with pytest.raises(UnknownAlert, match="no alert 'x'"):
        book.acknowledge("x", "王芳", 1.0)
    with pytest.raises(KeyError):
        book.get("x")


def test_the_detection_workers_events_go_into_the_book() -> None:
    from app.services.detection.protocol import AlertEvent
    from app.services.detection.service import record_event

    book = AlertBook()
    raised = AlertEvent(
        "cam012-0123",
        "cam012",
        "1",
        "north-gate",
        "北门",
        "vending",
        "0501",
        "raised",
        1000.0,
        0.8,
        "/e/r.jpg",
    )
    alert = record_event(book, raised)
    assert (
        alert is not None
        and alert.state is S.RAISED
        and alert.zone_name == "北门"
        and alert.evidence_path == "/e/r.jpg"
    )
    book.acknowledge(alert.id, "王芳", 1010.0)
    cleared = AlertEvent(
        "cam012-0123",
        "cam012",
        "1",
        "north-gate",
        "北门",
        "vending",
        "0501",
        "cleared",
        1200.0,
        0.1,
        "/e/c.jpg",
    )
    after = record_event(book, cleared)
    assert after is not None and after.state is S.CLEARED and after.cleared_at == 1200.0
    assert after.clear_evidence_path == "/e/c.jpg"
    assert record_event(book, cleared) is None  # cleared twice: refused, nothing changes
    assert record_event(book, raised) is None  # the same id raised again
    other = AlertBook()  # a GUI that restarted: it never saw the raise
    late = record_event(other, cleared)
    assert late is not None and late.state is S.CLEARED and late.clear_evidence_path == "/e/c.jpg"
