"""PTZ control arbitration: every priority pair, take-over, locks, leases, queue order, resume."""

from __future__ import annotations

import itertools

import pytest

from app.core.ptz_control import (
    LOCKED_RULES,
    PAIR_RULES,
    TAKE_OVER_RULES,
    Arbiter,
    Granted,
    Locked,
    LockEnded,
    LockEndReason,
    Preempted,
    Priority,
    Queued,
    Refused,
    RefuseReason,
    Released,
    ReleaseReason,
    Requester,
    Rule,
    rule,
)

P = Priority
CAM = "cam001"
ZHANG = Requester("operator:zhang", "张三")
LI = Requester("operator:li", "李四")
PATROL = Requester("patrol:cam001", "巡航")
VERIFY = Requester("verify:case-12", "核查 #12")
DETECT = Requester("detect:vendor-3", "游商跟踪")
WHO = {P.OPERATOR: ZHANG, P.VERIFICATION: VERIFY, P.DETECTION: DETECT, P.PATROL: PATROL}

W, X = Rule.WAIT, Rule.PREEMPT  # X: the requester takes over at once
# holder (rows) x requester (columns), without locks and without take-over. Written out, not computed.
COLUMNS = (P.PATROL, P.DETECTION, P.VERIFICATION, P.OPERATOR)
GRID = {
    P.PATROL:       (W, X, X, X),
    P.DETECTION:    (W, W, X, X),
    P.VERIFICATION: (W, W, W, X),
    P.OPERATOR:     (W, W, W, W),
}  # fmt: skip
EXPECTED: dict[Priority, dict[Priority, Rule]] = {
    holder: dict(zip(COLUMNS, row, strict=True)) for holder, row in GRID.items()
}


def expected_rule(holder: Priority | None, requester: Priority, take_over: bool, locked: bool) -> Rule:
    if locked:
        return Rule.REFUSE if requester is P.OPERATOR else Rule.WAIT
    if holder is None:
        return Rule.GRANT
    if take_over and holder is P.OPERATOR and requester is P.OPERATOR:
        return Rule.PREEMPT
    return EXPECTED[holder][requester]


@pytest.mark.parametrize("holder", [None, *Priority])
@pytest.mark.parametrize("requester", list(Priority))
@pytest.mark.parametrize("take_over", [False, True])
@pytest.mark.parametrize("locked", [False, True])
def test_rule_for_every_case(
    holder: Priority | None, requester: Priority, take_over: bool, locked: bool
) -> None:
    assert rule(holder, requester, take_over=take_over, locked_by_other=locked) == expected_rule(
        holder, requester, take_over, locked
    )


def test_tables_cover_exactly_the_specified_pairs() -> None:
    assert set(PAIR_RULES) == set(itertools.product(Priority, Priority))
    assert {(h, r): v for (h, r), v in PAIR_RULES.items()} == {
        (h, r): v for h, row in EXPECTED.items() for r, v in row.items()
    }
    assert TAKE_OVER_RULES == {(P.OPERATOR, P.OPERATOR): Rule.PREEMPT}
    assert set(LOCKED_RULES) == set(Priority)


def test_priorities_are_ordered_as_the_issue_says() -> None:
    assert P.OPERATOR > P.VERIFICATION > P.DETECTION > P.PATROL


# -- every ordered pair through the arbiter ---------------------------------------------------------
def two_parties(holder: Priority, requester: Priority) -> tuple[Requester, Requester]:
    first = WHO[holder]
    second = WHO[requester] if requester != holder else Requester(f"{WHO[requester].id}-b", "second")
    return first, second


@pytest.mark.parametrize(("holder", "requester"), list(itertools.product(Priority, Priority)))
def test_every_priority_pair_takes_over_or_waits_and_control_comes_back(
    holder: Priority, requester: Priority
) -> None:
    arb = Arbiter()
    first, second = two_parties(holder, requester)
    assert isinstance(arb.request(CAM, first, holder, 0.0), Granted)
    outcome = arb.request(CAM, second, requester, 5.0)
    if EXPECTED[holder][requester] is Rule.PREEMPT:
        assert isinstance(outcome, Granted) and outcome.since == 5.0
        requeued = holder is not P.OPERATOR
        assert outcome.notices == (Preempted(CAM, first, holder, second, requester, requeued),)
        assert arb.snapshot(CAM).held_by(second)
        done = arb.release(CAM, second, 9.0)
        if requeued:  # a displaced patrol / follow-up / verification resumes
            assert done.next == Granted(CAM, first, holder, 9.0)
            assert done.notices == (done.next,)
        else:
            assert done.next is None and arb.snapshot(CAM).holder is None
    else:
        assert isinstance(outcome, Queued)
        assert (outcome.blocked_by, outcome.blocked_priority, outcome.locked) == (first, holder, False)
        assert (outcome.position, outcome.enqueued, outcome.until) == (0, True, None)
        assert arb.snapshot(CAM).held_by(first)
        done = arb.release(CAM, first, 9.0)
        assert done.next == Granted(CAM, second, requester, 9.0)


# -- queue order -------------------------------------------------------------------------------------
def test_queue_serves_highest_priority_first_then_first_come() -> None:
    arb = Arbiter()
    arb.request(CAM, ZHANG, P.OPERATOR, 0.0)
    d1, d2 = Requester("d1", "d1"), Requester("d2", "d2")
    positions = [
        arb.request(CAM, PATROL, P.PATROL, 1.0),
        arb.request(CAM, d1, P.DETECTION, 2.0),
        arb.request(CAM, VERIFY, P.VERIFICATION, 3.0),
        arb.request(CAM, d2, P.DETECTION, 4.0),
    ]
    assert [o.position for o in positions if isinstance(o, Queued)] == [0, 0, 0, 2]
    waiting = arb.snapshot(CAM).waiting
    assert [w.requester for w in waiting] == [VERIFY, d1, d2, PATROL]
    order = []
    holder = ZHANG
    for t in range(10, 15):
        nxt = arb.release(CAM, holder, float(t)).next
        if nxt is None:
            break
        order.append(nxt.requester)
        holder = nxt.requester
    assert order == [VERIFY, d1, d2, PATROL]


def test_asking_again_while_waiting_keeps_the_place() -> None:
    arb = Arbiter()
    arb.request(CAM, ZHANG, P.OPERATOR, 0.0)
    d1, d2 = Requester("d1", "d1"), Requester("d2", "d2")
    arb.request(CAM, d1, P.DETECTION, 1.0)
    arb.request(CAM, d2, P.DETECTION, 2.0)
    again = arb.request(CAM, d1, P.DETECTION, 3.0)
    assert isinstance(again, Queued) and again.position == 0
    assert len(arb.snapshot(CAM).waiting) == 2


def test_waiting_without_queueing_and_withdrawing() -> None:
    arb = Arbiter()
    arb.request(CAM, VERIFY, P.VERIFICATION, 0.0)
    peek = arb.request(CAM, DETECT, P.DETECTION, 1.0, wait=False)
    assert isinstance(peek, Queued) and not peek.enqueued
    assert arb.snapshot(CAM).waiting == ()
    arb.request(CAM, DETECT, P.DETECTION, 1.0)
    gone = arb.release(CAM, DETECT, 2.0)
    assert not gone.was_holder and arb.snapshot(CAM).waiting == ()
    assert arb.release(CAM, Requester("nobody", "x"), 3.0) == Released(
        CAM, Requester("nobody", "x"), ReleaseReason.RELEASED, False
    )


def test_preempted_holder_keeps_its_place_among_equals() -> None:
    arb = Arbiter()
    arb.request(CAM, DETECT, P.DETECTION, 0.0)
    later = Requester("d-later", "later")
    arb.request(CAM, later, P.DETECTION, 1.0)  # waits behind DETECT
    arb.request(CAM, VERIFY, P.VERIFICATION, 2.0)  # DETECT displaced, requeued with its old order
    assert [w.requester for w in arb.snapshot(CAM).waiting] == [DETECT, later]
    assert arb.release(CAM, VERIFY, 3.0).next == Granted(CAM, DETECT, P.DETECTION, 3.0)


def test_holder_asking_again_renews_its_lease_and_may_not_change_priority() -> None:
    arb = Arbiter()
    first = arb.request(CAM, ZHANG, P.OPERATOR, 0.0, lease_s=10.0)
    again = arb.request(CAM, ZHANG, P.OPERATOR, 8.0, lease_s=10.0)
    assert isinstance(first, Granted) and isinstance(again, Granted) and again.since == 0.0
    holder = arb.snapshot(CAM).holder
    assert holder is not None and holder.lease_until == 18.0
    with pytest.raises(ValueError, match="release before asking"):
        arb.request(CAM, ZHANG, P.PATROL, 9.0)
    with pytest.raises(ValueError, match="lease_s"):
        arb.request(CAM, LI, P.OPERATOR, 9.0, lease_s=0)


# -- two operators ---------------------------------------------------------------------------------
def test_second_operator_waits_unless_taking_over() -> None:
    arb = Arbiter()
    arb.request(CAM, ZHANG, P.OPERATOR, 0.0)
    waits = arb.request(CAM, LI, P.OPERATOR, 1.0)
    assert isinstance(waits, Queued) and waits.blocked_by == ZHANG
    took = arb.request(CAM, LI, P.OPERATOR, 2.0, take_over=True)
    assert isinstance(took, Granted)
    assert took.notices == (Preempted(CAM, ZHANG, P.OPERATOR, LI, P.OPERATOR, requeued=False),)
    assert arb.snapshot(CAM).waiting == ()  # the displaced operator decides again themselves
    assert arb.snapshot(CAM).operator_left_at == 2.0


def test_take_over_means_nothing_to_automation() -> None:
    arb = Arbiter()
    arb.request(CAM, VERIFY, P.VERIFICATION, 0.0)
    assert isinstance(arb.request(CAM, DETECT, P.DETECTION, 1.0, take_over=True), Queued)
    other = Requester("verify:other", "核查 #13")
    assert isinstance(arb.request(CAM, other, P.VERIFICATION, 1.0, take_over=True), Queued)


# -- locks -----------------------------------------------------------------------------------------
def test_lock_keeps_automation_out_and_refuses_other_operators_with_name_and_time() -> None:
    arb = Arbiter()
    arb.request(CAM, PATROL, P.PATROL, 0.0)
    locked = arb.lock(CAM, ZHANG, 10, 60.0)
    assert isinstance(locked, Locked) and locked.until == 660.0
    assert locked.notices == (Preempted(CAM, PATROL, P.PATROL, ZHANG, P.OPERATOR, requeued=True),)
    for who, prio in ((VERIFY, P.VERIFICATION), (DETECT, P.DETECTION)):
        waits = arb.request(CAM, who, prio, 120.0)
        assert isinstance(waits, Queued)
        assert (waits.locked, waits.blocked_by, waits.until) == (True, ZHANG, 660.0)
    refused = arb.request(CAM, LI, P.OPERATOR, 120.0, take_over=True)
    assert refused == Refused(CAM, LI, RefuseReason.LOCKED, ZHANG, 540.0)
    # the holder steps away: still nobody else gets the camera
    assert arb.release(CAM, ZHANG, 200.0).next is None
    assert isinstance(arb.request(CAM, DETECT, P.DETECTION, 300.0), Queued)
    assert isinstance(arb.request(CAM, ZHANG, P.OPERATOR, 400.0), Granted)  # the lock holder may


def test_lock_expiry_resumes_automation_in_priority_order() -> None:
    arb = Arbiter()
    arb.request(CAM, PATROL, P.PATROL, 0.0)
    arb.lock(CAM, ZHANG, 10, 0.0)
    arb.request(CAM, VERIFY, P.VERIFICATION, 30.0)
    assert arb.next_deadline(CAM) == 600.0
    assert arb.expire(599.0) == ()
    notices = arb.expire(600.0)
    assert notices == (
        LockEnded(CAM, ZHANG, LockEndReason.EXPIRED),
        Released(CAM, ZHANG, ReleaseReason.LOCK_ENDED, True, Granted(CAM, VERIFY, P.VERIFICATION, 600.0)),
        Granted(CAM, VERIFY, P.VERIFICATION, 600.0),
    )
    assert arb.snapshot(CAM).operator_left_at == 600.0
    assert arb.release(CAM, VERIFY, 700.0).next == Granted(CAM, PATROL, P.PATROL, 700.0)


def test_lock_ends_even_if_nobody_calls_expire() -> None:
    arb = Arbiter()
    arb.lock(CAM, ZHANG, 1, 0.0)
    outcome = arb.request(CAM, PATROL, P.PATROL, 61.0)
    assert isinstance(outcome, Granted)
    assert outcome.notices[0] == LockEnded(CAM, ZHANG, LockEndReason.EXPIRED)


def test_unlock_only_by_holder_or_supervisor_override() -> None:
    arb = Arbiter()
    arb.request(CAM, PATROL, P.PATROL, 0.0)
    arb.lock(CAM, ZHANG, 10, 0.0)
    refused = arb.unlock(CAM, LI, 60.0)
    assert refused == Refused(CAM, LI, RefuseReason.NOT_LOCK_HOLDER, ZHANG, 540.0)
    ended = arb.unlock(CAM, LI, 60.0, override=True)
    assert isinstance(ended, LockEnded) and (ended.reason, ended.by) == (LockEndReason.OVERRIDDEN, LI)
    assert Granted(CAM, PATROL, P.PATROL, 60.0) in ended.notices
    assert arb.unlock(CAM, ZHANG, 61.0) == Refused(CAM, ZHANG, RefuseReason.NOT_LOCKED)


def test_unlock_by_holder_releases_the_camera_to_automation() -> None:
    arb = Arbiter()
    arb.request(CAM, PATROL, P.PATROL, 0.0)
    arb.lock(CAM, ZHANG, 10, 0.0)
    ended = arb.unlock(CAM, ZHANG, 30.0)
    assert isinstance(ended, LockEnded) and ended.reason is LockEndReason.UNLOCKED
    assert arb.snapshot(CAM).held_by(PATROL) and arb.snapshot(CAM).lock is None


def test_lock_needs_the_camera_from_another_operator() -> None:
    arb = Arbiter()
    arb.request(CAM, ZHANG, P.OPERATOR, 0.0)
    assert arb.lock(CAM, LI, 5, 1.0) == Refused(CAM, LI, RefuseReason.HELD, ZHANG)
    assert arb.snapshot(CAM).waiting == ()  # a refused lock does not queue
    took = arb.lock(CAM, LI, 5, 2.0, take_over=True)
    assert isinstance(took, Locked) and arb.snapshot(CAM).held_by(LI)
    assert took.notices == (Preempted(CAM, ZHANG, P.OPERATOR, LI, P.OPERATOR, requeued=False),)
    assert arb.lock(CAM, ZHANG, 5, 3.0, take_over=True) == Refused(CAM, ZHANG, RefuseReason.LOCKED, LI, 299.0)


def test_lock_drops_waiting_operators_and_can_be_extended() -> None:
    arb = Arbiter()
    arb.request(CAM, ZHANG, P.OPERATOR, 0.0)
    arb.request(CAM, LI, P.OPERATOR, 1.0)  # waits
    arb.request(CAM, PATROL, P.PATROL, 1.0)  # waits
    locked = arb.lock(CAM, ZHANG, 10, 2.0)
    assert isinstance(locked, Locked)
    assert locked.notices == (Refused(CAM, LI, RefuseReason.LOCKED, ZHANG, 600.0),)
    assert [w.requester for w in arb.snapshot(CAM).waiting] == [PATROL]
    longer = arb.lock(CAM, ZHANG, 20, 300.0)
    assert isinstance(longer, Locked) and longer.until == 1500.0
    lock = arb.snapshot(CAM).lock
    assert lock is not None and lock.since == 2.0
    with pytest.raises(ValueError, match="positive"):
        arb.lock(CAM, ZHANG, 0, 301.0)


def test_lock_holder_holds_without_a_lease() -> None:
    arb = Arbiter()
    arb.request(CAM, ZHANG, P.OPERATOR, 0.0, lease_s=10.0)
    arb.lock(CAM, ZHANG, 10, 1.0)
    holder = arb.snapshot(CAM).holder
    assert holder is not None and holder.lease_until is None
    assert arb.expire(100.0) == ()


# -- leases ----------------------------------------------------------------------------------------
def test_operator_lease_lapses_and_automation_resumes() -> None:
    arb = Arbiter()
    arb.request(CAM, PATROL, P.PATROL, 0.0)
    arb.request(CAM, ZHANG, P.OPERATOR, 10.0, lease_s=15.0)
    assert arb.next_deadline() == 25.0
    assert arb.expire(24.9) == ()
    notices = arb.expire(25.0)
    granted = Granted(CAM, PATROL, P.PATROL, 25.0)
    assert notices == (Released(CAM, ZHANG, ReleaseReason.LEASE_EXPIRED, True, granted), granted)
    control = arb.snapshot(CAM)
    assert control.held_by(PATROL) and control.operator_left_at == 25.0
    assert arb.next_deadline() is None


def test_queued_outcome_says_until_when_the_holder_holds() -> None:
    arb = Arbiter()
    arb.request(CAM, ZHANG, P.OPERATOR, 0.0, lease_s=10.0)
    waits = arb.request(CAM, PATROL, P.PATROL, 1.0)
    assert isinstance(waits, Queued) and waits.until == 10.0


def test_cameras_are_independent() -> None:
    arb = Arbiter()
    arb.lock(CAM, ZHANG, 10, 0.0)
    assert isinstance(arb.request("cam002", PATROL, P.PATROL, 1.0), Granted)
    assert arb.snapshot("cam003").holder is None
    assert arb.next_deadline("cam002") is None and arb.next_deadline() == 600.0
