"""The alert life cycle (every (state, command) pair), dedup, reasons, records and the audit chain."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from app.core.alerts import (
    TRANSITIONS,
    Alert,
    AlertBook,
    AlertCommand,
    AlertState,
    Box,
    DismissReason,
    EvidenceKind,
    EvidenceRef,
    InvalidAlertTransition,
    MissingReason,
    Rule,
    alert_from_record,
    alert_to_record,
)
from app.core.audit import GENESIS, ChainFault, latest_records, seal, verify_chain

S, C = AlertState, AlertCommand

# What a person's or the detector's command does in each state (None: refused).
EXPECTED: dict[tuple[AlertState, AlertCommand], AlertState | None] = {
    (S.RAISED, C.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.RAISED, C.ASSIGN): S.ACKNOWLEDGED,
    (S.RAISED, C.ESCALATE): S.ESCALATED,
    (S.RAISED, C.CONFIRM): S.CONFIRMED,
    (S.RAISED, C.DISMISS): S.DISMISSED,
    (S.RAISED, C.SNOOZE): S.RAISED,
    (S.RAISED, C.CLEAR): S.CLEARED,
    (S.ACKNOWLEDGED, C.ACKNOWLEDGE): None,
    (S.ACKNOWLEDGED, C.ASSIGN): S.ACKNOWLEDGED,
    (S.ACKNOWLEDGED, C.ESCALATE): S.ESCALATED,
    (S.ACKNOWLEDGED, C.CONFIRM): S.CONFIRMED,
    (S.ACKNOWLEDGED, C.DISMISS): S.DISMISSED,
    (S.ACKNOWLEDGED, C.SNOOZE): S.ACKNOWLEDGED,
    (S.ACKNOWLEDGED, C.CLEAR): S.CLEARED,
    (S.ESCALATED, C.ACKNOWLEDGE): None,  # escalating was seeing it
    (S.ESCALATED, C.ASSIGN): S.ACKNOWLEDGED,
    (S.ESCALATED, C.ESCALATE): None,
    (S.ESCALATED, C.CONFIRM): S.CONFIRMED,
    (S.ESCALATED, C.DISMISS): S.DISMISSED,
    (S.ESCALATED, C.SNOOZE): S.ESCALATED,
    (S.ESCALATED, C.CLEAR): S.CLEARED,
    (S.CLEARED, C.ACKNOWLEDGE): S.CLEARED,
    (S.CLEARED, C.ASSIGN): None,
    (S.CLEARED, C.ESCALATE): None,
    (S.CLEARED, C.CONFIRM): S.CONFIRMED,
    (S.CLEARED, C.DISMISS): S.DISMISSED,
    (S.CLEARED, C.SNOOZE): None,
    (S.CLEARED, C.CLEAR): None,
    (S.CONFIRMED, C.ACKNOWLEDGE): None,
    (S.CONFIRMED, C.ASSIGN): None,
    (S.CONFIRMED, C.ESCALATE): None,
    (S.CONFIRMED, C.CONFIRM): None,
    (S.CONFIRMED, C.DISMISS): None,
    (S.CONFIRMED, C.SNOOZE): None,
    (S.CONFIRMED, C.CLEAR): S.CONFIRMED,
    (S.DISMISSED, C.ACKNOWLEDGE): None,
    (S.DISMISSED, C.ASSIGN): None,
    (S.DISMISSED, C.ESCALATE): None,
    (S.DISMISSED, C.CONFIRM): None,
    (S.DISMISSED, C.DISMISS): None,
    (S.DISMISSED, C.SNOOZE): None,
    (S.DISMISSED, C.CLEAR): S.DISMISSED,
}
ARGS: dict[AlertCommand, dict[str, object]] = {
    C.ASSIGN: {"to": "李四"},
    C.DISMISS: {"reason": "false_detection"},
    C.SNOOZE: {"minutes": 10},
}


def new_alert(alert_id: str = "a1", at: float = 1000.0, **changes: object) -> Alert:
    alert = Alert(
        id=alert_id, camera_id="cam012", preset="1", zone_id="north-gate", rule=Rule.VENDING,
        event_code="0501", raised_at=at, score=0.8, zone_name="北门", grid_code="110101001001",
        boxes=(Box(0.1, 0.2, 0.3, 0.4, "stall", 0.8),),
    )  # fmt: skip
    return dataclasses.replace(alert, **changes)  # type: ignore[arg-type]


# How to reach each state from a fresh alert, by nobody having seen it in between.
PATH: dict[AlertState, list[tuple[AlertCommand, dict[str, object]]]] = {
    S.RAISED: [],
    S.ACKNOWLEDGED: [(C.ACKNOWLEDGE, {})],
    S.ESCALATED: [(C.ESCALATE, {})],
    S.CONFIRMED: [(C.CONFIRM, {})],
    S.CLEARED: [(C.CLEAR, {})],
    S.DISMISSED: [(C.DISMISS, {"reason": "fixed_object"})],
}


def book_in(state: AlertState) -> AlertBook:
    book = AlertBook()
    book.raise_alert(new_alert())
    for command, args in PATH[state]:
        book.apply("a1", command, "张三", 1001.0, **args)
    assert book.get("a1").state is state
    return book


def test_the_table_is_exactly_what_the_tests_expect() -> None:
    allowed = {pair: state for pair, state in EXPECTED.items() if state is not None}
    assert allowed == TRANSITIONS


@pytest.mark.parametrize(("state", "command"), list(itertools.product(S, [c for c in C if c is not C.RAISE])))
def test_every_state_and_command_pair(state: AlertState, command: AlertCommand) -> None:
    book = book_in(state)
    expected = EXPECTED[(state, command)]
    if expected is None:
        with pytest.raises(InvalidAlertTransition):
            book.apply("a1", command, "王五", 1002.0, **ARGS.get(command, {}))
        assert book.get("a1").state is state
        return
    change = book.apply("a1", command, "王五", 1002.0, **ARGS.get(command, {}))
    assert change.after.state is expected
    assert change.before is not None and change.before.state is state
    assert change.draft.action == command.value
    assert change.draft.actor == ("detector" if command is C.CLEAR else "王五")
    assert change.draft.data == alert_to_record(change.after)


def test_an_alert_cleared_before_anyone_saw_it_still_waits_for_an_acknowledgement() -> None:
    book = book_in(S.CLEARED)
    assert book.get("a1").needs_acknowledgement and not book.get("a1").is_open
    book.acknowledge("a1", "张三", 1005.0)
    assert not book.get("a1").needs_acknowledgement
    with pytest.raises(InvalidAlertTransition):
        book.acknowledge("a1", "李四", 1006.0)  # seen once is enough


def test_a_raise_while_the_same_key_is_open_continues_it_and_a_new_one_after_a_clear() -> None:
    book = AlertBook()
    book.raise_alert(new_alert("a1"))
    again = book.raise_alert(new_alert("a2", at=1060.0))
    assert again.after.id == "a1" and again.after.last_seen_at == 1060.0 and again.draft.action == "continue"
    assert "a2" not in book and len(book) == 1
    book.clear("a1", 1100.0)
    assert book.raise_alert(new_alert("a3", at=1200.0)).after.state is S.RAISED
    assert len(book) == 2
    with pytest.raises(InvalidAlertTransition):
        book.raise_alert(new_alert("a3"))


def test_a_dismissal_keeps_its_reason_and_other_needs_a_text() -> None:
    book = AlertBook()
    book.raise_alert(new_alert())
    with pytest.raises(MissingReason):
        book.dismiss("a1", "张三", 1001.0, DismissReason.OTHER, "  ")
    assert book.get("a1").state is S.RAISED
    change = book.dismiss("a1", "张三", 1001.0, DismissReason.OTHER, "早餐车，街道办许可")
    assert change.after.dismiss_reason is DismissReason.OTHER and change.after.note == "早餐车，街道办许可"
    assert change.draft.reason == "other"


def test_snooze_mutes_until_its_time_and_its_camera_drops_out_of_the_open_ones() -> None:
    book = AlertBook()
    book.raise_alert(new_alert())
    book.snooze("a1", "张三", 1000.0, minutes=10)
    alert = book.get("a1")
    assert alert.is_open and alert.snoozed(1599.0) and not alert.snoozed(1600.0)
    assert book.cameras_with_open_alerts(now=1100.0) == set()
    assert book.cameras_with_open_alerts(now=1700.0) == {"cam012"}


def test_a_record_round_trips_every_field() -> None:
    ref = EvidenceRef(
        "ab" * 32, EvidenceKind.CLIP, "video/mp4", 1234, 999.5, "cam012", "sub", "main stream lost"
    )
    alert = new_alert(evidence=(ref,), state=S.DISMISSED, dismiss_reason=DismissReason.INSIDE_SHOP)
    record = alert_to_record(alert)
    assert alert_from_record(record) == alert
    assert record["rule"] == "vending" and record["evidence"][0]["kind"] == "clip"


def chain_of(n: int) -> list:  # type: ignore[type-arg]
    book = AlertBook()
    drafts = [book.raise_alert(new_alert(f"a{i}", at=1000.0 + i, zone_id=f"z{i}")).draft for i in range(n)]
    events, prev = [], GENESIS
    for seq, draft in enumerate(drafts, start=1):
        events.append(seal(draft, seq, prev))
        prev = events[-1].hash
    return events


def test_an_intact_chain_verifies_and_replays_to_the_latest_records() -> None:
    events = chain_of(4)
    assert verify_chain(events) == []
    assert set(latest_records(events)) == {f"alert:a{i}" for i in range(4)}


def test_editing_deleting_or_reordering_an_event_is_found_and_named() -> None:
    events = chain_of(5)
    edited = list(events)
    edited[2] = dataclasses.replace(edited[2], actor="somebody else")
    assert [(p.seq, p.fault) for p in verify_chain(edited)] == [(3, ChainFault.EDITED)]

    deleted = events[:2] + events[3:]
    assert [(p.seq, p.fault) for p in verify_chain(deleted)] == [(4, ChainFault.MISSING)]

    moved = [events[0], events[2], events[1], *events[3:]]
    faults = {(p.seq, p.fault) for p in verify_chain(moved)}
    assert (3, ChainFault.MISSING) in faults and (2, ChainFault.OUT_OF_ORDER) in faults

    relinked = list(events)  # an edited event whose hash was recomputed still breaks the next link
    fake = seal(dataclasses.replace(events[1].draft, actor="forger"), 2, events[0].hash)
    relinked[1] = fake
    assert [(p.seq, p.fault) for p in verify_chain(relinked)] == [(3, ChainFault.BROKEN_LINK)]
